import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { RelayedFrom } from '../reactors/relay-buttons';
import { TelegramCommand } from '../shared/telegram-origin';

/** M5: the master replies (Telegram "reply") to a relayed message; the answer goes to that customer. */
export class ReplyToCustomerCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly messageId: number,
    readonly replyToMessageId: number,
    /** null for message kinds that cannot be delivered (a poll, a dice…). */
    readonly content: MessageContent | null,
    /** What the replied-to copy's buttons say it relays; null for copies without them (albums, old copies). */
    readonly relayedFrom: RelayedFrom | null = null,
  ) {
    super(origin);
  }
}

/** The "✍ Reply" button under a relayed message: the master's next message answers that customer. */
export class StartRespondingCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly relayedMessageId: number,
    /** What the button says the copy relays; null for the first release's plain buttons. */
    readonly relayedFrom: RelayedFrom | null = null,
  ) {
    super(origin);
  }
}
