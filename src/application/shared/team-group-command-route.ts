import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from './telegram-origin';

/** M12: what the team-group translator knows of a slash command a member typed in a group, already validated. */
export interface TeamGroupCommandInput {
  readonly origin: CommandOrigin;
  readonly botId: number;
  readonly chatId: number;
  /** The group has topics (`is_forum`). */
  readonly isForum: boolean;
  /** The member who typed it. */
  readonly memberId: number;
  /** The customer topic it was typed in; null outside a topic (General, or a group without topics). */
  readonly threadId: number | null;
  /** The message it replies to, other than the topic's first (service) message, if any. */
  readonly repliedTo: number | null;
  /** The command's name, lower-case, without its slash and the bot's @name: 'close'. */
  readonly name: string;
}

/**
 * A team-group slash command as its slice exports it (`/connect`, `/help`, `/close`, `/delete` …): the
 * team-group translator dispatches through the table of these routes (application/team-group.routes.ts).
 * A route with `inTopicOnly` is heard only inside a topic; elsewhere the command means nothing.
 */
export interface TeamGroupCommandRoute {
  /** Lower-case names without the slash: ['close', 'reopen']. */
  readonly names: readonly string[];
  readonly inTopicOnly: boolean;
  translate(input: TeamGroupCommandInput): TelegramCommand;
}
