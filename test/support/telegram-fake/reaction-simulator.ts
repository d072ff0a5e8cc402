import type { GroupSimulator } from './group-simulator';
import { REACTION_EMOJI } from './messaging-methods';
import type { FakeState } from './method-context';
import type { BotRecord } from './registry';
import type { UserAction } from './types';

/** Telegram Premium users may set up to three reactions on one message; others one. */
const MAX_USER_REACTIONS = 3;

/**
 * A user sets their reactions on a message of their private chat with a bot (`[]` takes them all back), as the
 * Bot API reports it: a `message_reaction` update (MessageReactionUpdated: chat, message_id, user, date,
 * old_reaction, new_reaction), sent only to a bot that asked for it in `allowed_updates` (update-hub.ts).
 * Telegram sends no update for reactions set by bots, so `setMessageReaction` never produces one.
 * Misuse (no such message, an emoji Telegram does not offer as a reaction) throws: it is a mistake in the test.
 * The reaction itself is kept and delivered by the group simulator, which does the same for groups.
 */
export function userReacts(
  state: FakeState,
  groups: GroupSimulator,
  bot: BotRecord,
  userId: number,
  messageId: number,
  emoji: string[],
): UserAction {
  const chat = state.chats.find(bot.id, userId);
  if (!chat?.live(messageId)) throw new Error(`chat ${userId} of @${bot.username} has no message #${messageId} to react to`);
  const normalized = emoji.map((e) => e.replace(/\ufe0f/g, ''));
  const unknown = normalized.find((e) => !REACTION_EMOJI.has(e));
  if (unknown !== undefined) throw new Error(`${unknown} is not a reaction Telegram offers`);
  if (normalized.length > MAX_USER_REACTIONS) throw new Error(`a user sets at most ${MAX_USER_REACTIONS} reactions on one message`);
  const update = groups.reactionUpdates(chat, userId, messageId, normalized).get(bot.id);
  if (!update) throw new Error(`@${bot.username} got no update for the reaction`);
  return { updateId: update.update_id, update };
}
