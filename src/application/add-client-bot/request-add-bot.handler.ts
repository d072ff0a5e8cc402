import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RequestAddBotCommand } from './request-add-bot.command';

@CommandHandler(RequestAddBotCommand)
export class RequestAddBotHandler implements ICommandHandler<RequestAddBotCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ origin, masterId }: RequestAddBotCommand) {
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'RequestAddBot', masterId }, origin);
  }
}
