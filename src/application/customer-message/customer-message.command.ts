import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { RelayedFrom } from '../reactors/relay-buttons';
import { TelegramCommand } from '../shared/telegram-origin';

/**
 * M14: where in the private chat a message was written: what matters only when the writer is the bot's owner
 * (their own chat with the client bot is then its inbox). `threadId`: the topic; `repliedTo`: the customer
 * named by the buttons of the bot's own message it replies to.
 */
export interface PrivatePlace {
  threadId: number | null;
  repliedTo: RelayedFrom | null;
  /** The id of the message it replies to when that is not the bot's (the owner's own answer, for `/delete`). */
  repliedToOwn?: number;
}

export interface CustomerProfile {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  /** Telegram's `language_code` of the customer's app (IETF tag, e.g. `de`), when Telegram sends it. */
  languageCode?: string;
}

/** C2: a customer writes to a client bot (any kind of message). */
export class ReceiveCustomerMessageCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customer: CustomerProfile,
    readonly messageId: number,
    /** Telegram's `date`, unix seconds. */
    readonly sentAt: number,
    readonly mediaGroupId: string | null,
    readonly content: MessageContent,
    readonly place: PrivatePlace = { threadId: null, repliedTo: null },
  ) {
    super(origin);
  }
}

/** C3: a customer edits a message they sent. */
export class EditCustomerMessageCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customerId: number,
    readonly messageId: number,
    readonly editedAt: number,
    readonly content: MessageContent,
  ) {
    super(origin);
  }
}

/** C1: a customer sends /start (optionally with a deep-link parameter) and gets the greeting. */
export class CustomerStartCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customerId: number,
    readonly startParameter: string | null,
  ) {
    super(origin);
  }
}

/** A customer blocked (or unblocked) the client bot: Telegram's my_chat_member update. */
export class CustomerBlockedBotCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customerId: number,
    readonly blocked: boolean,
  ) {
    super(origin);
  }
}
