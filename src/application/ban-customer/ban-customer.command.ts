import { CommandOrigin } from '../../domain/shared/decider';
import { RelayedFrom } from '../reactors/relay-buttons';
import { TelegramCommand } from '../shared/telegram-origin';

/** M6: `/ban` as a reply to a relayed message, or the 🚫 button under it. null: /ban replied to nothing. */
export class BanCustomerCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly relayedMessageId: number | null,
    /** What the copy's buttons say it relays; null without them (albums, old copies, /ban replying to nothing). */
    readonly relayedFrom: RelayedFrom | null = null,
  ) {
    super(origin);
  }
}

/** M6: an unban button in the /banned list. */
export class UnbanCustomerCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly botId: number,
    readonly customerId: number,
  ) {
    super(origin);
  }
}
