import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { TelegramCommand } from '../shared/telegram-origin';

/**
 * M13: the master edited one of their messages in the MasterBot chat (an `edited_message`). If it is an
 * answer that reached a customer, the customer's copy is edited too; any other message is left alone.
 */
export class EditAnswerCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly messageId: number,
    /** Telegram's `edit_date` (unix seconds): two edits of one answer are two events, a redelivered one is not. */
    readonly editedAt: number,
    /** null for message kinds that cannot be delivered (nothing to mirror). */
    readonly content: MessageContent | null,
  ) {
    super(origin);
  }
}

/**
 * M12/M13: an agent edited one of their messages in a customer's topic of a team group (an `edited_message`
 * there, not starting with `//`). If it is their answer to that customer, the customer's copy is edited too.
 */
export class EditAnswerInTopicCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    /** The client bot whose update it is (each bot of the group hears it; only the topic's own bot acts). */
    readonly botId: number,
    readonly chatId: number,
    readonly threadId: number,
    readonly agentId: number,
    readonly messageId: number,
    readonly editedAt: number,
    readonly content: MessageContent | null,
  ) {
    super(origin);
  }
}
