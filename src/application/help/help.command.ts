import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M8: /help — what the MasterBot does and its commands. */
export class HelpCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}
