import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M4: /qr [start parameter] — a PNG QR code of the client bot's t.me link. */
export class ShowQrCodeCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly startParameter: string | null,
  ) {
    super(origin);
  }
}
