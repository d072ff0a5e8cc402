import { InboxAskedIn, InboxMode } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { RelayedFrom } from '../reactors/relay-buttons';
import { TelegramCommand } from '../shared/telegram-origin';

/** M14: `/inbox` in the MasterBot chat. */
export class RequestInboxCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}

/** M14: an inbox button pressed by `userId`, under the MasterBot's offer or under the client bot's (`askedIn`). */
export class ChooseInboxModeCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly userId: number,
    readonly botId: number,
    readonly mode: InboxMode,
    readonly askedIn: InboxAskedIn,
  ) {
    super(origin);
  }
}

/** M14: 🚫 Ban pressed under a relayed copy in the owner's chat with client bot `botId` (the button names the customer). */
export class BanFromOwnChatCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly userId: number,
    readonly relayedFrom: RelayedFrom,
  ) {
    super(origin);
  }
}
