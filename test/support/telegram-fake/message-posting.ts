import { badRequest } from './api-error';
import { ChatState, type Chat, type ChatEntry } from './chat-store';
import type { StoredFile } from './file-store';
import { checkCaption, checkMessageText, type FormattedText } from './formatted-text';
import { unixNow, type FakeState, type MethodCall } from './method-context';
import { formatText } from './parse-mode';
import { botUser, tgUser, type BotRecord } from './registry';
import type { ParamReader } from './request-params';
import type { Json, TgEntity, TgMessage, TgUpdate } from './types';

/** Fields of a message that are its content (what copyMessage copies), as opposed to its envelope. */
export const CONTENT_FIELDS = [
  'text',
  'entities',
  'photo',
  'document',
  'video',
  'audio',
  'voice',
  'sticker',
  'animation',
  'video_note',
  'location',
  'contact',
  'caption',
  'caption_entities',
] as const;

export function postBotMessage(call: MethodCall, chat: Chat, method: string, content: Json, file?: StoredFile): TgMessage {
  const { bot, params, state } = call;
  const replyTo = replyTarget(chat, params);
  const thread = topicEnvelope(call, chat, replyTo);
  const markup = inlineMarkup(params);
  const entry = chat.append(true, (messageId) =>
    compact({
      message_id: messageId,
      from: botUser(bot),
      chat: chat.tgChat(),
      date: unixNow(),
      ...thread,
      ...content,
      reply_to_message: replyTo ? withoutReply(replyTo) : thread.reply_to_message,
      reply_markup: markup,
    }),
  );
  recordSent(state, bot, chat, entry, method, file, params.json('reply_markup'));
  return entry.message;
}

/** Where a bot's message goes when it names a topic (or replies into one). Closed topics: only members who
 * may manage topics post there (the apps let admins with that right write into a closed topic; MTProto's
 * ForumTopic: "closed: Whether the topic is closed (no messages can be sent to it)"), others get TOPIC_CLOSED. */
function topicEnvelope(call: MethodCall, chat: Chat, replyTo: TgMessage | undefined): Partial<TgMessage> {
  const envelope = chat.threadEnvelope(call.params.int('message_thread_id'), replyTo);
  const topic = envelope.message_thread_id === undefined ? undefined : chat.topics.live(envelope.message_thread_id);
  if (topic?.closed && !(chat instanceof ChatState) && !chat.can(call.bot.id, 'can_manage_topics')) throw badRequest('TOPIC_CLOSED');
  return envelope;
}

export function recordSent(
  state: FakeState,
  bot: BotRecord,
  chat: Chat,
  entry: ChatEntry,
  method: string,
  file?: StoredFile,
  replyMarkup?: unknown,
): void {
  const { message } = entry;
  state.journal.recordSent({
    botId: bot.id,
    chatId: chat.id,
    messageId: entry.messageId,
    method,
    text: message.text,
    caption: message.caption,
    replyToMessageId: message.reply_to_message?.message_id,
    threadId: message.message_thread_id,
    replyMarkup,
    file: file && { fileId: file.fileId, fileUniqueId: file.fileUniqueId, kind: file.kind, size: file.bytes.length },
    at: Date.now(),
    stampedAt: performance.now(),
  });
}

export function postUserMessage(state: FakeState, bot: BotRecord, chat: ChatState, content: Json): { entry: ChatEntry; update: TgUpdate } {
  const entry = chat.append(false, (messageId) =>
    compact({ message_id: messageId, from: tgUser(chat.user), chat: chat.tgChat(), date: unixNow(), ...content }),
  );
  const update = state.hub.push(bot.id, (updateId) => ({ update_id: updateId, message: entry.message }));
  return { entry, update };
}

function replyTarget(chat: Chat, params: ParamReader): TgMessage | undefined {
  const replyParameters = params.json<{ message_id?: number | string; allow_sending_without_reply?: boolean }>('reply_parameters');
  const messageId = replyParameters?.message_id ?? params.int('reply_to_message_id');
  if (messageId === undefined) return undefined;
  const target = chat.live(Number(messageId));
  if (target) return target.message;
  if (replyParameters?.allow_sending_without_reply ?? params.bool('allow_sending_without_reply')) return undefined;
  throw badRequest('message to be replied not found');
}

const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/** Only inline keyboards are part of the returned Message; reply keyboards are invisible in it. */
export function inlineMarkup(params: ParamReader): Json | undefined {
  const markup = params.json<Json>('reply_markup');
  const rows = markup?.inline_keyboard;
  if (rows === undefined) return undefined;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest('inline keyboard expected');
  for (const button of rows.flat() as Json[]) {
    if (typeof button.text !== 'string') throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
    if (!BUTTON_ACTIONS.some((action) => button[action] !== undefined)) {
      throw badRequest(`can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard`);
    }
    const data = button.callback_data;
    if (data !== undefined && (typeof data !== 'string' || data === '' || Buffer.byteLength(data) > 64)) {
      throw badRequest('BUTTON_DATA_INVALID');
    }
  }
  return markup;
}

export function messageText(params: ParamReader): FormattedText {
  const formatted = formatText(params.str('text') ?? '', params.str('parse_mode'));
  checkMessageText(formatted);
  return withExplicitEntities(formatted, params, 'entities');
}

export function captionOf(params: ParamReader): FormattedText | undefined {
  const raw = params.str('caption');
  if (raw === undefined || raw === '') return undefined;
  const formatted = formatText(raw, params.str('parse_mode'));
  checkCaption(formatted);
  return withExplicitEntities(formatted, params, 'caption_entities');
}

function withExplicitEntities(formatted: FormattedText, params: ParamReader, field: string): FormattedText {
  const explicit = params.has('parse_mode') ? undefined : params.json<TgEntity[]>(field);
  return Array.isArray(explicit) ? { text: formatted.text, entities: explicit } : formatted;
}

export function textFields(formatted: FormattedText): Json {
  return formatted.entities.length ? { text: formatted.text, entities: formatted.entities } : { text: formatted.text };
}

export function captionFields(formatted: FormattedText | undefined): Json {
  if (!formatted) return {};
  return formatted.entities.length ? { caption: formatted.text, caption_entities: formatted.entities } : { caption: formatted.text };
}

/** Telegram nests the replied-to message one level deep only. */
export function withoutReply(message: TgMessage): TgMessage {
  const { reply_to_message: _nested, ...rest } = message;
  return rest;
}

function compact(message: Json): TgMessage {
  return Object.fromEntries(Object.entries(message).filter(([, value]) => value !== undefined)) as unknown as TgMessage;
}
