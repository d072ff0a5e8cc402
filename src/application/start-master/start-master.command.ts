import { TelegramCommand } from '../shared/telegram-origin';
import { CommandOrigin } from '../../domain/shared/decider';

/** M1: a master sends /start to the MasterBot. */
export class StartMasterCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly firstName: string,
  ) {
    super(origin);
  }
}
