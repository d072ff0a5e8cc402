import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** /cancel: leave whatever the master was doing and go back to the main menu. */
export class CancelCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}
