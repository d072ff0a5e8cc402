import { badRequest, type BotApiError } from './api-error';
import type { TgEntity } from './types';

export interface FormattedText {
  text: string;
  entities: TgEntity[];
}

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export const entityParseError = (reason: string): BotApiError => badRequest(`can't parse entities: ${reason}`);

/** Telegram reports positions in markup errors as UTF-8 byte offsets into the original string. */
export const byteOffset = (input: string, index: number): number => Buffer.byteLength(input.slice(0, index), 'utf8');

export function sortEntities(entities: TgEntity[]): TgEntity[] {
  return entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Limits apply to the text after markup was parsed, counted in UTF-16 code units like JS strings. */
export function checkMessageText(formatted: FormattedText): void {
  if (formatted.text.trim() === '') throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
}

export function checkCaption(formatted: FormattedText): void {
  if (formatted.text.length > MAX_CAPTION_LENGTH) throw badRequest('message caption is too long');
}

/** Telegram marks every `/command` in a user's text as a bot_command entity; Telegraf's `bot.command()`
 * only matches messages carrying that entity, so user messages must have it. */
export function commandEntities(text: string): TgEntity[] {
  const entities: TgEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s)/g)) {
    const offset = (match.index ?? 0) + match[1].length;
    entities.push({ type: 'bot_command', offset, length: match[2].length });
  }
  return entities;
}
