import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { StartMasterCommand } from './start-master.command';

@CommandHandler(StartMasterCommand)
export class StartMasterHandler implements ICommandHandler<StartMasterCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ origin, masterId, firstName }: StartMasterCommand) {
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'Start', masterId, firstName }, origin);
  }
}
