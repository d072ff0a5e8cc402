import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M6: /banned — the banned customers, each with an unban button. */
export class ListBannedCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}
