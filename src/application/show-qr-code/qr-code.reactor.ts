import { Inject, Injectable, Logger } from '@nestjs/common';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { openTypedText } from '../../domain/shared/typed-text';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isSettledFailure } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { showQrCodeTexts } from './show-qr-code.texts';
import { renderQrPng } from './qr-png';

type Handled = MasterUserEventOf<'QrCodeRequested'>;

/** The client bot's t.me link, with the deep-link start parameter when one was given (M4). */
export const clientBotLink = (username: string, startParameter: string | null): string =>
  `https://t.me/${username}${startParameter ? `?start=${startParameter}` : ''}`;

/**
 * M4: renders the QR code of a client bot's link as a PNG (`renderQrPng`) and sends it to the master.
 * Nothing secret is in it, and regenerating it after a crash gives the same picture.
 */
@Injectable()
export class QrCodeReactor implements Reactor<Handled> {
  readonly name = 'qr-code';
  readonly handles: TypesOf<Handled> = ['QrCodeRequested'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('QrCode');

  constructor(
    private readonly bots: BotApis,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    const { masterId, username, startParameter } = event.data;
    const parameter = startParameter ? openTypedText(startParameter, (sealed) => this.vault.open<{ text: string }>(sealed)) : null;
    const link = clientBotLink(username, parameter);
    const png = await renderQrPng(link);
    try {
      await this.bots
        .master()
        .sendMedia(masterId, 'photo', { source: png, fileName: `${username}-qr.png` }, { caption: showQrCodeTexts.qrCaption(link) });
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`QR code for master ${masterId}: ${error.message}`);
    }
  }
}
