import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { masterKeyId } from '../master-message/master-message.handler';
import { ShowQrCodeCommand } from './show-qr-code.command';

/** M4: the parameter after /qr is typed text: the decider checks it, the events keep it sealed under the master's key. */
@CommandHandler(ShowQrCodeCommand)
export class ShowQrCodeHandler implements ICommandHandler<ShowQrCodeCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, masterId, startParameter: text }: ShowQrCodeCommand) {
    const startParameter = text === null ? null : { text, sealed: await this.vault.seal(masterKeyId(masterId), { text }) };
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'RequestQr', masterId, startParameter }, origin);
  }
}
