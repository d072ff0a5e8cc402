import { badRequest } from './api-error';
import { GroupChat } from './group-chat';
import type { Chat, ChatEntry } from './chat-store';
import type { StoredFile } from './file-store';
import { unixNow, type MethodCall, type MethodTable } from './method-context';
import {
  CONTENT_FIELDS,
  captionFields,
  captionOf,
  inlineMarkup,
  messageText,
  postBotMessage,
  recordSent,
  textFields,
} from './message-posting';
import type { Json, TgMessage } from './types';

const ZWJ = '\u200d';

/** The only emoji a bot may react with (ReactionTypeEmoji); "✅" for instance is not among them. */
export const REACTION_EMOJI: ReadonlySet<string> = new Set([
  '👍',
  '👎',
  '❤',
  '🔥',
  '🥰',
  '👏',
  '😁',
  '🤔',
  '🤯',
  '😱',
  '🤬',
  '😢',
  '🎉',
  '🤩',
  '🤮',
  '💩',
  '🙏',
  '👌',
  '🕊',
  '🤡',
  '🥱',
  '🥴',
  '😍',
  '🐳',
  `❤${ZWJ}🔥`,
  '🌚',
  '🌭',
  '💯',
  '🤣',
  '⚡',
  '🍌',
  '🏆',
  '💔',
  '🤨',
  '😐',
  '🍓',
  '🍾',
  '💋',
  '🖕',
  '😈',
  '😴',
  '😭',
  '🤓',
  '👻',
  `👨${ZWJ}💻`,
  '👀',
  '🎃',
  '🙈',
  '😇',
  '😨',
  '🤝',
  '✍',
  '🤗',
  '🫡',
  '🎅',
  '🎄',
  '☃',
  '💅',
  '🤪',
  '🗿',
  '🆒',
  '💘',
  '🙉',
  '🦄',
  '😘',
  '💊',
  '🙊',
  '😎',
  '👾',
  `🤷${ZWJ}♂`,
  '🤷',
  `🤷${ZWJ}♀`,
  '😡',
]);

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

export const messagingMethods: MethodTable = {
  sendMessage: (call) => {
    const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    return postBotMessage(call, chat, 'sendMessage', textFields(messageText(call.params)));
  },

  editMessageText: (call) =>
    editMessage(call, 'editMessageText', (entry) => {
      if (entry.message.text === undefined) throw badRequest('there is no text in the message to edit');
      const formatted = messageText(call.params);
      return { text: formatted.text, entities: formatted.entities.length ? formatted.entities : undefined };
    }),

  editMessageCaption: (call) =>
    editMessage(call, 'editMessageCaption', (entry) => {
      if (entry.message.text !== undefined) throw badRequest('there is no caption in the message to edit');
      const formatted = captionOf(call.params);
      return { caption: formatted?.text, caption_entities: formatted?.entities.length ? formatted.entities : undefined };
    }),

  editMessageReplyMarkup: (call) => editMessage(call, 'editMessageReplyMarkup', () => ({})),

  deleteMessage: (call) => {
    const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
    const entry = chat.live(call.params.requireInt('message_id'));
    if (!entry) throw badRequest('message to delete not found');
    if (chat instanceof GroupChat) checkGroupDeletion(chat, call.bot.id, entry);
    entry.deleted = true;
    call.state.journal.changed();
    return true;
  },

  copyMessage: (call) => {
    const { source, target } = relayEnds(call, 'message to copy not found');
    if (!CONTENT_FIELDS.some((field) => source.message[field] !== undefined)) throw badRequest("message can't be copied");
    const content = pick(source.message, CONTENT_FIELDS);
    if (call.params.has('caption') && content.text === undefined) {
      delete content.caption_entities;
      Object.assign(content, { caption: undefined }, captionFields(captionOf(call.params)));
    }
    return { message_id: postBotMessage(call, target, 'copyMessage', content, fileOf(call, source.message)).message_id };
  },

  forwardMessage: (call) => {
    const { source, target } = relayEnds(call, 'message to forward not found');
    const origin = { type: 'user', sender_user: source.message.from, date: source.message.date };
    const content = { forward_origin: origin, ...pick(source.message, CONTENT_FIELDS) };
    return postBotMessage(call, target, 'forwardMessage', content, fileOf(call, source.message));
  },

  setMessageReaction: (call) => {
    const chat = call.state.chats.require(call.bot.id, call.params.str('chat_id'));
    const entry = chat.live(call.params.int('message_id'));
    if (!entry) throw badRequest('message to react not found');
    const reaction = call.params.json<Array<{ type?: string; emoji?: string }>>('reaction') ?? [];
    const emoji = reaction.map((r) => (r.type === 'emoji' ? (r.emoji ?? '').replace(/\ufe0f/g, '') : ''));
    if (emoji.some((e) => !REACTION_EMOJI.has(e))) throw badRequest('REACTION_INVALID');
    if (emoji.length > 1) throw badRequest('REACTIONS_TOO_MANY');
    entry.reactions = emoji;
    call.state.journal.changed();
    return true;
  },

  sendChatAction: (call) => {
    call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    call.params.requireStr('action');
    return true;
  },
};

function editMessage(call: MethodCall, method: string, change: (entry: ChatEntry) => Json): TgMessage {
  const { bot, params, state } = call;
  if (params.has('inline_message_id')) throw badRequest('inline messages are not supported by the fake');
  const chat = state.chats.writable(bot.id, params.str('chat_id'));
  const entry = chat.live(params.requireInt('message_id'));
  if (!entry) throw badRequest('message to edit not found');
  // A bot edits only its own messages; in a group the other bots' messages are not its own either.
  if (entry.message.from?.id !== bot.id) throw badRequest("message can't be edited");
  const edited = { ...entry.message, ...change(entry), reply_markup: inlineMarkup(params) };
  if (sameContent(edited, entry.message)) throw badRequest(NOT_MODIFIED);
  const next = Object.fromEntries(Object.entries(edited).filter(([, v]) => v !== undefined)) as TgMessage;
  entry.message = { ...next, edit_date: unixNow() };
  recordSent(state, bot, chat, entry, method, undefined, params.json('reply_markup'));
  return entry.message;
}

/** deleteMessage in a group: "A message can only be deleted if [...] Bots can delete outgoing messages in
 * private chats, groups, and supergroups; [...] If the bot has can_delete_messages administrator right in a
 * supergroup or a channel, it can delete any message there"; "service messages about forum topic creation
 * can't be deleted with the deleteMessage method" (deleteForumTopic does that). */
function checkGroupDeletion(chat: GroupChat, botId: number, entry: ChatEntry): void {
  if (entry.message.forum_topic_created) throw badRequest("message can't be deleted");
  if (entry.message.from?.id !== botId && !chat.can(botId, 'can_delete_messages')) throw badRequest("message can't be deleted");
}

function sameContent(a: TgMessage, b: TgMessage): boolean {
  const fields = ['text', 'entities', 'caption', 'caption_entities', 'reply_markup'] as const;
  return fields.every((field) => JSON.stringify(a[field] ?? null) === JSON.stringify(b[field] ?? null));
}

function relayEnds(call: MethodCall, missing: string): { source: ChatEntry; target: Chat } {
  const { bot, params, state } = call;
  const from = state.chats.require(bot.id, params.str('from_chat_id'));
  const source = from.live(params.requireInt('message_id'));
  if (!source) throw badRequest(missing);
  return { source, target: state.chats.writable(bot.id, params.str('chat_id')) };
}

function pick(message: TgMessage, fields: readonly string[]): Json {
  return Object.fromEntries(fields.filter((f) => message[f] !== undefined).map((f) => [f, message[f]]));
}

function fileOf(call: MethodCall, message: TgMessage): StoredFile | undefined {
  const { photo, document, video, audio, voice, sticker, animation, video_note: videoNote } = message;
  const file = photo?.[photo.length - 1] ?? document ?? video ?? audio ?? voice ?? sticker ?? animation ?? videoNote;
  return file && call.state.files.find(file.file_id);
}
