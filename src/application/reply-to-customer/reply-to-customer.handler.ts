import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RelayedCopyTargets } from '../shared/relayed-copy-targets';
import { ReplyComposer } from './reply-composer';
import { ReplyToCustomerCommand, StartRespondingCommand } from './reply-to-customer.command';

@CommandHandler(ReplyToCustomerCommand)
export class ReplyToCustomerHandler implements ICommandHandler<ReplyToCustomerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly composer: ReplyComposer,
    private readonly targets: RelayedCopyTargets,
  ) {}

  async execute({ origin, masterId, messageId, replyToMessageId, content, relayedFrom }: ReplyToCustomerCommand) {
    // Scoped to this master: another master's relayed message with the same id, or another tenant's bot, is invisible here.
    const target = await this.targets.find(masterId, replyToMessageId, relayedFrom);
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
    private readonly targets: RelayedCopyTargets,
  ) {}

  async execute({ origin, masterId, relayedMessageId, relayedFrom }: StartRespondingCommand) {
    const target = await this.targets.find(masterId, relayedMessageId, relayedFrom);
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'StartResponding', masterId, target }, origin);
  }
}
