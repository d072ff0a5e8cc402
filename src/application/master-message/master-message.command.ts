import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { TelegramCommand } from '../shared/telegram-origin';

/**
 * A message to the MasterBot that is neither a command nor a reply. What it means depends on the
 * master's state: a bot token while adding a bot, an answer after pressing "Reply", otherwise nothing.
 */
export class MasterMessageCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly messageId: number,
    readonly content: MessageContent | null,
  ) {
    super(origin);
  }
}
