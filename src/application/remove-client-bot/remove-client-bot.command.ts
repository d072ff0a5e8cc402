import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M3: /remove (botId null: ask which when there are several) or a press on a bot's button (botId set). */
export class RemoveClientBotCommand extends TelegramCommand {
  constructor(origin: CommandOrigin, readonly masterId: number, readonly botId: number | null) {
    super(origin);
  }
}
