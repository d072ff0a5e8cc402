import { BotPurpose } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** A press on a bot picker's button (`pick:<purpose>:<botId>`), offered by /remove, /qr, /greeting or /broadcast. */
export class PickBotCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly purpose: BotPurpose,
    readonly botId: number,
  ) {
    super(origin);
  }
}
