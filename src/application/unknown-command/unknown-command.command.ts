import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** A slash command the MasterBot does not know: answered with a pointer to the menu. */
export class UnknownCommandCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly command: string,
  ) {
    super(origin);
  }
}
