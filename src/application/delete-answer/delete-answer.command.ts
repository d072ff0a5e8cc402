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
