import { badRequest } from './api-error';
import { ChatState, type Chat } from './chat-store';
import { forumTopicObject, TOPIC_ICON_COLORS, type ForumTopicRecord } from './forum-topics';
import { GroupChat, type AdminRight } from './group-chat';
import { recordSent } from './message-posting';
import { unixNow, type MethodCall, type MethodTable } from './method-context';
import { botUser, tgUser } from './registry';
import type { Json, TgUser } from './types';

/** getChat, chat members and forum topics: the Bot API of groups (and of topics in private chats). */
export const groupMethods: MethodTable = {
  getChat: (call) => {
    const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
    return { ...chat.tgChat(), accent_color_id: 0, max_reaction_count: 11 };
  },

  getChatMember: (call) => {
    const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
    const userId = call.params.requireInt('user_id');
    const user = knownUser(call, userId);
    if (chat instanceof ChatState) return { user, status: userId === chat.id || userId === call.bot.id ? 'member' : 'left' };
    const member = chat.member(userId) ?? { id: userId, isBot: user.is_bot, status: 'left' as const, rights: {} };
    return chat.memberObject(member, user);
  },

  /** "Returns an Array of ChatMember objects": the creator and every administrator, bots included. */
  getChatAdministrators: (call) => {
    const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
    if (chat instanceof ChatState) throw badRequest('there are no administrators in the private chat');
    return [...chat.members.values()].filter((m) => chat.isAdmin(m.id)).map((m) => chat.memberObject(m, knownUser(call, m.id)));
  },

  /** "Use this method to create a topic in a forum supergroup chat or a private chat with a user. In the case
   * of a supergroup chat the bot must be an administrator in the chat for this to work and must have the
   * can_manage_topics administrator right." Posts the topic's `forum_topic_created` service message. */
  createForumTopic: (call) => {
    const chat = forumOf(call);
    if (chat instanceof GroupChat && !chat.can(call.bot.id, 'can_manage_topics')) throw badRequest('not enough rights to create a topic');
    const name = topicName(call.params.str('name'));
    const iconColor = call.params.int('icon_color') ?? TOPIC_ICON_COLORS[0];
    if (!TOPIC_ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
    const iconCustomEmojiId = call.params.str('icon_custom_emoji_id') || undefined;
    const created: Json = { name, icon_color: iconColor, ...(iconCustomEmojiId ? { icon_custom_emoji_id: iconCustomEmojiId } : {}) };
    const entry = postService(call, chat, undefined, { forum_topic_created: created });
    const topic: ForumTopicRecord = {
      threadId: entry.messageId,
      name,
      iconColor,
      iconCustomEmojiId,
      creatorId: call.bot.id,
      closed: false,
      deleted: false,
      creationMessage: entry.message,
    };
    chat.topics.add(topic);
    return forumTopicObject(topic);
  },

  /** "...must have the can_manage_topics administrator rights, unless it is the creator of the topic." */
  editForumTopic: (call) => {
    const { chat, topic } = managedTopic(call, 'can_manage_topics');
    const edited: Json = {};
    if (call.params.has('name')) edited.name = topic.name = topicName(call.params.str('name'));
    if (call.params.has('icon_custom_emoji_id'))
      edited.icon_custom_emoji_id = topic.iconCustomEmojiId = call.params.str('icon_custom_emoji_id');
    postService(call, chat, topic.threadId, { forum_topic_edited: edited });
    return true;
  },

  closeForumTopic: (call) => {
    const { chat, topic } = managedTopic(call, 'can_manage_topics');
    if (topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
    topic.closed = true;
    postService(call, chat, topic.threadId, { forum_topic_closed: {} });
    return true;
  },

  reopenForumTopic: (call) => {
    const { chat, topic } = managedTopic(call, 'can_manage_topics');
    if (!topic.closed) throw badRequest('TOPIC_NOT_MODIFIED');
    topic.closed = false;
    postService(call, chat, topic.threadId, { forum_topic_reopened: {} });
    return true;
  },

  /** "...delete a forum topic along with all its messages [...] In the case of a supergroup chat the bot must be
   * an administrator in the chat for this to work and must have the can_delete_messages administrator rights."
   * Nobody gets an update about it: the next send into it is "message thread not found". */
  deleteForumTopic: (call) => {
    const { chat, topic } = managedTopic(call, 'can_delete_messages', false);
    topic.deleted = true;
    for (const entry of chat.all()) if (entry.message.message_thread_id === topic.threadId) entry.deleted = true;
    call.state.journal.changed();
    return true;
  },
};

function knownUser(call: MethodCall, userId: number): TgUser {
  const { registry } = call.state;
  const bot = registry.allBots().find((b) => b.id === userId);
  if (bot) return botUser(bot);
  try {
    return tgUser(registry.user(userId));
  } catch {
    throw badRequest('user not found');
  }
}

/** A chat that has topics: a forum supergroup, or a private chat with a bot that has topics enabled. */
function forumOf(call: MethodCall): Chat {
  const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
  const forum = chat instanceof GroupChat ? chat.isForum : call.bot.topicsInPrivateChats === true;
  if (!forum) throw badRequest('the chat is not a forum');
  return chat;
}

function managedTopic(call: MethodCall, right: AdminRight, creatorMay = true): { chat: Chat; topic: ForumTopicRecord } {
  const chat = forumOf(call);
  const topic = chat.topics.live(call.params.requireInt('message_thread_id'));
  if (!topic) throw badRequest('message thread not found');
  const allowed = !(chat instanceof GroupChat) || chat.can(call.bot.id, right) || (creatorMay && topic.creatorId === call.bot.id);
  if (!allowed)
    throw badRequest(right === 'can_manage_topics' ? 'not enough rights to manage topics' : 'not enough rights to delete the topic');
  return { chat, topic };
}

/** "Topic name, 1-128 characters". */
function topicName(name: string | undefined): string {
  if (!name) throw badRequest('TOPIC_TITLE_EMPTY');
  if ([...name].length > 128) throw badRequest('TOPIC_TITLE_TOO_LONG');
  return name;
}

function postService(call: MethodCall, chat: Chat, threadId: number | undefined, service: Json) {
  const entry = chat.append(true, (messageId) => ({
    message_id: messageId,
    from: botUser(call.bot),
    chat: chat.tgChat(),
    date: unixNow(),
    message_thread_id: threadId ?? messageId,
    is_topic_message: true,
    ...service,
  }));
  const method = Object.keys(service)[0];
  recordSent(call.state, call.bot, chat, entry, method);
  return entry;
}
