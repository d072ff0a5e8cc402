import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { UnknownCommandCommand } from './unknown-command.command';

@CommandHandler(UnknownCommandCommand)
export class UnknownCommandHandler implements ICommandHandler<UnknownCommandCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  async execute({ origin, masterId, command }: UnknownCommandCommand) {
    // Only the command word is kept: arguments may hold anything, including secrets.
    const word = command.split(/\s/)[0].slice(0, 64);
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'UnknownCommand', masterId, command: word }, origin);
  }
}
