import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/**
 * M13: `/delete`, sent as a reply to one of the master's answers: the customer's copy is deleted. Bots get no
 * update when a user deletes a message in a private chat, so this command is the only way to ask for it.
 */
export class DeleteAnswerCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    /** The message `/delete` replied to; null when it replied to nothing. */
    readonly answerMessageId: number | null,
  ) {
    super(origin);
  }
}

/**
 * M12/M13: `/delete` typed in a customer's topic of a team group, replying to an answer written there (by any
 * agent of the group): the customer's copy is deleted, and who asked is recorded.
 */
export class DeleteAnswerInTopicCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly threadId: number,
    readonly agentId: number,
    /** The message `/delete` replied to; null when it replied to nothing (only to the topic itself). */
    readonly answerMessageId: number | null,
  ) {
    super(origin);
  }
}
