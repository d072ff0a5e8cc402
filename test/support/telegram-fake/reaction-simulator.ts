import type { ChatEntry } from './chat-store';
import { REACTION_EMOJI } from './messaging-methods';
import { unixNow, type FakeState } from './method-context';
import { tgUser, type BotRecord } from './registry';
import type { UserAction } from './types';

/** Each message's reactions by its user (a bot's own are `ChatEntry.reactions`): what `old_reaction` reports. */
const byUser = new WeakMap<ChatEntry, string[]>();

/** Telegram Premium users may set up to three reactions on one message; others one. */
const MAX_USER_REACTIONS = 3;

/**
 * A user sets their reactions on a message of their private chat with a bot (`[]` takes them all back), as the
 * Bot API reports it: a `message_reaction` update (MessageReactionUpdated: chat, message_id, user, date,
 * old_reaction, new_reaction), sent only to a bot that asked for it in `allowed_updates` (update-hub.ts).
 * Telegram sends no update for reactions set by bots, so `setMessageReaction` never produces one.
 * Misuse (no such message, an emoji Telegram does not offer as a reaction) throws: it is a mistake in the test.
 */
export function userReacts(state: FakeState, bot: BotRecord, userId: number, messageId: number, emoji: string[]): UserAction {
  const chat = state.chats.find(bot.id, userId);
  const entry = chat?.live(messageId);
  if (!chat || !entry) throw new Error(`chat ${userId} of @${bot.username} has no message #${messageId} to react to`);
  const normalized = emoji.map((e) => e.replace(/\ufe0f/g, ''));
  const unknown = normalized.find((e) => !REACTION_EMOJI.has(e));
  if (unknown !== undefined) throw new Error(`${unknown} is not a reaction Telegram offers`);
  if (normalized.length > MAX_USER_REACTIONS) throw new Error(`a user sets at most ${MAX_USER_REACTIONS} reactions on one message`);
  const old = byUser.get(entry) ?? [];
  byUser.set(entry, normalized);
  const reactions = (list: string[]) => list.map((e) => ({ type: 'emoji', emoji: e }));
  const update = state.hub.push(bot.id, (updateId) => ({
    update_id: updateId,
    message_reaction: {
      chat: chat.tgChat(),
      message_id: messageId,
      user: tgUser(chat.user),
      date: unixNow(),
      old_reaction: reactions(old),
      new_reaction: reactions(normalized),
    },
  }));
  return { updateId: update.update_id, update };
}
