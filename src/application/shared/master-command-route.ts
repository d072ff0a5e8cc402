import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from './telegram-origin';

/** What the update translator knows of a slash command the master sent the MasterBot, already validated. */
export interface MasterCommandInput {
  readonly origin: CommandOrigin;
  readonly masterId: number;
  /** The master's first name, as Telegram gives it. */
  readonly firstName: string;
  /** The text after the command ("/qr campaign" → "campaign"), or null. */
  readonly argument: string | null;
  /** The message the command replies to, if any. */
  readonly replyToMessageId: number | null;
}

/**
 * A MasterBot slash command as its slice exports it: the update translator dispatches `/help`, `/bots` …
 * through the table of these routes (see update-translator.ts), so a slice adds its command without
 * touching the translator's logic.
 */
export interface MasterCommandRoute {
  /** Lower-case, with its slash, without the bot's @name: '/help'. */
  readonly command: `/${string}`;
  translate(input: MasterCommandInput): TelegramCommand;
}
