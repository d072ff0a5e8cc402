import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

export interface CustomerProfile {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
}

/** C2: a customer writes to a client bot. `text` is the message text, or a placeholder for other kinds. */
export class ReceiveCustomerMessageCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customer: CustomerProfile,
    readonly messageId: number,
    readonly text: string,
  ) {
    super(origin);
  }
}

/** C1: a customer sends /start to a client bot and gets the greeting. */
export class CustomerStartCommand extends TelegramCommand {
  constructor(origin: CommandOrigin, readonly botId: number, readonly customerId: number) {
    super(origin);
  }
}
