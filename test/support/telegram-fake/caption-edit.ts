import { unixNow, type FakeState } from './method-context';
import type { BotRecord } from './registry';
import type { UserAction } from './types';

/** Media a user can caption in the Telegram apps (stickers and video notes carry none). */
const CAPTIONED = ['photo', 'video', 'document', 'audio', 'voice', 'animation'] as const;

/**
 * A user edits the caption of a media message they sent (an empty caption removes it): the bot gets an
 * `edited_message` with the new caption and `edit_date`, as `userEdits` does for a text. Misuse (no such
 * media message from the user) throws: it is a mistake in the test.
 */
export function userEditsCaption(state: FakeState, bot: BotRecord, userId: number, messageId: number, caption: string): UserAction {
  const entry = state.chats.find(bot.id, userId)?.live(messageId);
  if (!entry || entry.fromBot || !CAPTIONED.some((kind) => entry.message[kind] !== undefined)) {
    throw new Error(`chat ${userId} of @${bot.username} has no captioned media message #${messageId} from the user`);
  }
  const { caption: _previous, caption_entities: _entities, ...uncaptioned } = entry.message;
  entry.message = { ...uncaptioned, ...(caption ? { caption } : {}), edit_date: unixNow() };
  const update = state.hub.push(bot.id, (updateId) => ({ update_id: updateId, edited_message: entry.message }));
  return { updateId: update.update_id, update };
}
