import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { masterKeyId } from '../master-message/master-message.handler';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { UnknownCommandCommand } from './unknown-command.command';

@CommandHandler(UnknownCommandCommand)
export class UnknownCommandHandler implements ICommandHandler<UnknownCommandCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, masterId, command }: UnknownCommandCommand) {
    // Only the command word is kept, and sealed: it is typed text (arguments may hold anything, secrets too).
    const word = command.split(/\s/)[0].slice(0, 64);
    const typed = await this.vault.seal(masterKeyId(masterId), { text: word });
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'UnknownCommand', masterId, command: typed },
      origin,
    );
  }
}
