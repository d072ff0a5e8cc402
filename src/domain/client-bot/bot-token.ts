import { inspect } from 'node:util';

/**
 * A Telegram bot token: `<numeric bot id>:<35 chars of A-Za-z0-9_->`. Bot ids now have 10 digits (the
 * original system's 9-digit pattern rejects them), so any 6–12 digit id is accepted.
 *
 * It never prints itself: `toString`, `JSON.stringify` and `util.inspect` show a redacted form, so a
 * token cannot leak through a log line or an event by accident. `reveal()` is the only way out.
 */
export class BotToken {
  static readonly PATTERN = /^(\d{6,12}):([A-Za-z0-9_-]{35})$/;

  /** A real private field (not TypeScript's `private`): invisible to spreading, Object.values and inspect. */
  readonly #secret: string;

  private constructor(
    readonly botId: number,
    secret: string,
  ) {
    this.#secret = secret;
  }

  /** Returns null when `text` (trimmed) is not shaped like a bot token. */
  static parse(text: string): BotToken | null {
    const match = BotToken.PATTERN.exec(text.trim());
    if (!match) return null;
    return new BotToken(Number(match[1]), match[0]);
  }

  /** True when the text contains something shaped like a token (used to redact logs and refuse echoes). */
  static looksLikeToken(text: string): boolean {
    return /\d{6,12}:[A-Za-z0-9_-]{35}/.test(text);
  }

  reveal(): string {
    return this.#secret;
  }

  equals(other: BotToken): boolean {
    return other.#secret === this.#secret;
  }

  toString(): string {
    return BotToken.redact(this.#secret);
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return `BotToken(${this.toString()})`;
  }

  /** Replaces every token-shaped substring with `<id>:***`. */
  static redact(text: string): string {
    return text.replace(/(\d{6,12}):[A-Za-z0-9_-]{35}/g, '$1:***');
  }
}
