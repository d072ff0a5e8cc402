import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from './telegram-origin';

/** A button pressed (a `callback_query`), as the update translator hands it to the slices' button routes. */
export interface ButtonInput {
  readonly origin: CommandOrigin;
  /** Who pressed it. */
  readonly pressedBy: number;
  /** Its callback data, as Telegram gives it back ('' when none). */
  readonly data: string;
  /** The message that carries the button, when Telegram says (it may be too old to be given). */
  readonly messageId: number | null;
  /** The client bot whose private chat has the button; null for a button in the MasterBot chat. */
  readonly clientBotId: number | null;
}

/**
 * The buttons a slice sent, as the slice exports them: each route reads only data it could have sent (its
 * prefix) and answers null for any other, so the update translator tries the routes in turn
 * (application/button.routes.ts) without knowing any prefix.
 */
export interface ButtonRoute {
  translate(button: ButtonInput): TelegramCommand | null;
}

/**
 * Data that carries a route's prefix but that it could not have sent (tampered with, truncated): bad input,
 * refused at the edge with nothing recorded.
 */
export class MalformedButtonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedButtonError';
  }
}
