import {
  AnswerInTopicCommand,
  GroupMigratedCommand,
  ManageTopicCommand,
  TeamGroupAccessCommand,
} from '../../application/team-group/team-group.commands';
import { TEAM_GROUP_COMMAND_ROUTES } from '../../application/team-group.routes';
import { EditAnswerInTopicCommand } from '../../application/edit-answer/edit-answer.command';
import { AgentReactionCommand } from '../../application/mirror-reactions/reaction.commands';
import { telegramOrigin, TelegramCommand } from '../../application/shared/telegram-origin';
import { CommandOrigin } from '../../domain/shared/decider';
import { messageContentOf } from './message-content';
import { firstEmoji, TgMessage, TgUpdate } from './telegram-update';
import { TeamGroupLossReason } from '../../domain/master-user/master-user.events';

const GROUP_TYPES = new Set(['group', 'supergroup']);

/** A member's text starting with this stays in the team group: an internal note, never sent to the customer. */
export const INTERNAL_NOTE_PREFIX = '//';

/** A whole message that is one slash command, maybe addressed to a bot ('/close@shop_bot'): no arguments. */
const SLASH_COMMAND = /^\/(\w+)(@\w+)?$/i;
/** The team-group commands their slices route, by name. */
const TEAM_GROUP_ROUTES = new Map(TEAM_GROUP_COMMAND_ROUTES.flatMap((route) => route.names.map((name) => [name, route] as const)));

/**
 * M12: what a client bot hears in a group. `undefined` when the update is not from a group (the private-chat
 * translation applies), `null` when it means nothing to us. In a group only these count: `/connect`
 * (link this group as the bot's team inbox), `/close` `/reopen` `/ban` `/unban` and a topic closed or reopened
 * by hand (what happens to that topic's conversation), a member's message in a topic (the answer to that topic's
 * customer) — unless it is another command or an internal note (`//…`) —, its edit, `/delete` replying to an
 * answer, and a member's reaction (mirrored when it is on a relayed customer message). Service messages carry no content and are
 * ignored, as are other bots (Telegram does not send them to bots anyway). The bot's own membership changing
 * (`my_chat_member`: removed, demoted, promoted) says whether it can still relay into a linked group.
 *
 * WARNING: `/connect@other_bot` is taken by every client bot of the group (the translator does not know the
 * bot's username); each links only itself, and only for its own master.
 */
export function translateTeamGroupUpdate(botId: number, update: TgUpdate): TelegramCommand | null | undefined {
  const chat = (update.message ?? update.edited_message ?? update.my_chat_member ?? update.message_reaction)?.chat;
  if (!chat || !GROUP_TYPES.has(chat.type)) return undefined;
  const origin = telegramOrigin(botId, update.update_id);
  const member = update.my_chat_member;
  if (member) return new TeamGroupAccessCommand(origin, botId, member.chat.id, lossOf(member.new_chat_member));
  const reaction = update.message_reaction;
  if (reaction) {
    // Anonymous reactions (an admin posting as the group: `actor_chat`, no `user`) name no agent: not mirrored.
    if (!reaction.user || reaction.user.is_bot) return null;
    const { chat: group, message_id: messageId } = reaction;
    return new AgentReactionCommand(origin, botId, group.id, reaction.user.id, messageId, firstEmoji(reaction.new_reaction));
  }
  if (update.edited_message) return translateTopicEdit(origin, botId, update.edited_message);
  const message = update.message;
  if (!message?.from || message.from.is_bot) return null;
  // A basic group upgraded to a supergroup: the old chat says where it went, the new one where it came from.
  const migratedTo = message.migrate_to_chat_id;
  if (typeof migratedTo === 'number') return new GroupMigratedCommand(origin, botId, message.chat.id, migratedTo);
  const migratedFrom = message.migrate_from_chat_id;
  if (typeof migratedFrom === 'number') return new GroupMigratedCommand(origin, botId, migratedFrom, message.chat.id);
  const text = message.text?.trim();
  const thread = message.message_thread_id;
  const threadId = message.is_topic_message === true && typeof thread === 'number' && Number.isSafeInteger(thread) ? thread : null;
  const name = SLASH_COMMAND.exec(text ?? '')?.[1].toLowerCase();
  const route = name !== undefined ? TEAM_GROUP_ROUTES.get(name) : undefined;
  if (name !== undefined && route && (threadId !== null || !route.inTopicOnly)) {
    // In a topic every message replies to the topic's first (service) message unless it replies to another one.
    const replied = message.reply_to_message?.message_id;
    const repliedTo = replied !== undefined && replied !== threadId ? replied : null;
    const isForum = (message.chat as { is_forum?: unknown }).is_forum === true;
    const { id: chatId } = message.chat;
    return route.translate({ origin, botId, chatId, isForum, memberId: message.from.id, threadId, repliedTo, name });
  }
  if (threadId === null) return null;
  // Telegram tells the bots of the group when a member closes or reopens a topic (a service message).
  const byHand = 'forum_topic_closed' in message ? 'close' : 'forum_topic_reopened' in message ? 'reopen' : null;
  if (byHand) return new ManageTopicCommand(origin, botId, message.chat.id, threadId, message.from.id, byHand, 'by_hand');
  if (text?.startsWith('/') || text?.startsWith(INTERNAL_NOTE_PREFIX)) return null;
  if (typeof message.caption === 'string' && message.caption.trim().startsWith(INTERNAL_NOTE_PREFIX)) return null;
  const content = messageContentOf(message);
  if (!content) return null;
  return new AnswerInTopicCommand(origin, botId, message.chat.id, threadId, message.from.id, message.message_id, content);
}

/**
 * M13: an agent edited a message in a topic: maybe their answer. An edit that makes it read as an internal note
 * (`//…`) is not mirrored: the customer keeps what they got rather than read words marked internal.
 */
function translateTopicEdit(origin: CommandOrigin, botId: number, edited: TgMessage): TelegramCommand | null {
  const threadId = edited.message_thread_id;
  if (!edited.from || edited.from.is_bot || edited.is_topic_message !== true) return null;
  if (typeof threadId !== 'number' || !Number.isSafeInteger(threadId)) return null;
  const words = (edited.text ?? (typeof edited.caption === 'string' ? edited.caption : '')).trim();
  if (words.startsWith(INTERNAL_NOTE_PREFIX)) return null;
  const editedAt = edited.edit_date ?? edited.date ?? 0;
  const { chat, from, message_id: messageId } = edited;
  return new EditAnswerInTopicCommand(origin, botId, chat.id, threadId, from.id, messageId, editedAt, messageContentOf(edited));
}

/** What the bot's new membership (ChatMember) leaves it unable to do in a team group; null: it may relay there. */
function lossOf(member: { status: string; can_manage_topics?: unknown }): TeamGroupLossReason | null {
  if (member.status === 'creator' || (member.status === 'administrator' && member.can_manage_topics === true)) return null;
  return member.status === 'kicked' || member.status === 'left' ? 'bot_removed' : 'missing_rights';
}
