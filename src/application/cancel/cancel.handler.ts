import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CancelCommand } from './cancel.command';

@CommandHandler(CancelCommand)
export class CancelHandler implements ICommandHandler<CancelCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ origin, masterId }: CancelCommand) {
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'Cancel', masterId }, origin);
  }
}
