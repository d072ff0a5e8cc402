import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { REPLY_TARGETS, ReplyTargetLookup } from '../ports/read-models.port';
import { ReplyComposer } from './reply-composer';
import { ReplyToCustomerCommand, StartRespondingCommand } from './reply-to-customer.command';

@CommandHandler(ReplyToCustomerCommand)
export class ReplyToCustomerHandler implements ICommandHandler<ReplyToCustomerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly composer: ReplyComposer,
    @Inject(REPLY_TARGETS) private readonly targets: ReplyTargetLookup,
  ) {}

  async execute({ origin, masterId, messageId, replyToMessageId, content }: ReplyToCustomerCommand) {
    // The lookup is keyed by this master's chat: another master's relayed message with the same id is invisible here.
    const target = await this.targets.find(masterId, replyToMessageId);
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      await this.composer.compose(origin, masterId, messageId, target, content),
      origin,
    );
  }
}

@CommandHandler(StartRespondingCommand)
export class StartRespondingHandler implements ICommandHandler<StartRespondingCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(REPLY_TARGETS) private readonly targets: ReplyTargetLookup,
  ) {}

  async execute({ origin, masterId, relayedMessageId }: StartRespondingCommand) {
    const target = await this.targets.find(masterId, relayedMessageId);
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'StartResponding', masterId, target }, origin);
  }
}
