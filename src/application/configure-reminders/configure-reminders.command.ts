import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M11: /reminders <hours> | off — remind me of messages left unanswered that long. */
export class ConfigureRemindersCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly hours: number | null,
  ) {
    super(origin);
  }
}
