/** Shapes shared by the Telegram Bot API fake: Telegram's own objects (snake_case, as on the wire) and the
 * fake's inspection records (camelCase). Only the fields the fake produces are typed. */

export type Json = Record<string, unknown>;

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  /** Groups only. */
  title?: string;
  /** Supergroups with topics enabled only (absent, never false, like Telegram). */
  is_forum?: true;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  width: number;
  height: number;
}

/** Document, Video, Audio, Voice, Sticker, Animation and VideoNote share these fields. */
export interface TgFileObject {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
  [field: string]: unknown;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  caption_entities?: TgEntity[];
  reply_to_message?: TgMessage;
  reply_markup?: Json;
  media_group_id?: string;
  photo?: TgPhotoSize[];
  document?: TgFileObject;
  video?: TgFileObject;
  audio?: TgFileObject;
  voice?: TgFileObject;
  sticker?: TgFileObject;
  animation?: TgFileObject;
  video_note?: TgFileObject;
  location?: { latitude: number; longitude: number };
  contact?: Json;
  successful_payment?: Json;
  forward_origin?: Json;
  message_thread_id?: number;
  is_topic_message?: true;
  forum_topic_created?: Json;
  [field: string]: unknown;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: Json;
  pre_checkout_query?: Json;
  my_chat_member?: Json;
  message_reaction?: Json;
  [field: string]: unknown;
}

export type FileKind = 'photo' | 'document' | 'video' | 'audio' | 'voice' | 'sticker' | 'animation' | 'video_note';

/** A bot's reference in the test-control API: its id, its token, or its @username. */
export type BotRef = number | string;

export interface RateLimits {
  perChatPerSecond?: number;
  perBotPerSecond?: number;
  /** Per bot and group (negative chat id), over a sliding minute: Telegram's "20 messages per minute to the same group". */
  perGroupPerMinute?: number;
}

export interface FakeOptions {
  port?: number;
  rateLimits?: RateLimits;
  /** First webhook retry delay; later retries double it, up to 16 times this value. */
  webhookRetryDelayMs?: number;
}

export interface Fault {
  errorCode: number;
  description: string;
  retryAfter?: number;
  /** ResponseParameters.migrate_to_chat_id: the group became a supergroup with this id. */
  migrateToChatId?: number;
}

export interface CallRecord {
  botId: number | null;
  method: string;
  params: Json;
  at: number;
  status: number;
  description?: string;
  /** The client hung up (it died, or gave up) before the answer: it never learnt what Telegram did. */
  clientGone?: boolean;
}

export interface SentFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  size: number;
}

export interface SentRecord {
  botId: number;
  chatId: number;
  messageId: number;
  method: string;
  /** The text as the user sees it, i.e. after parse_mode markup was applied. */
  text?: string;
  caption?: string;
  replyToMessageId?: number;
  /** The topic it was posted in (message_thread_id), if any. */
  threadId?: number;
  replyMarkup?: unknown;
  file?: SentFile;
  at: number;
  /**
   * `performance.now()` of the process the fake runs in, when it recorded the message: sub-millisecond, monotonic,
   * comparable only with the same process's `performance.now()` (the bench stamps its POSTs with it).
   */
  stampedAt: number;
}

export interface DeliveryRecord {
  botId: number;
  updateId: number;
  url: string;
  /** HTTP status of the webhook's answer; 0 when the connection failed. */
  status: number;
  error?: string;
  at: number;
}

export interface FileInput {
  bytes: Buffer;
  fileName?: string;
  mimeType?: string;
  duration?: number;
  width?: number;
  height?: number;
  title?: string;
  performer?: string;
  emoji?: string;
}

export interface UserContent {
  text?: string;
  caption?: string;
  photo?: Buffer | FileInput;
  document?: Buffer | FileInput;
  video?: Buffer | FileInput;
  audio?: Buffer | FileInput;
  voice?: Buffer | FileInput;
  sticker?: Buffer | FileInput;
  animation?: Buffer | FileInput;
  videoNote?: Buffer | FileInput;
  location?: { latitude: number; longitude: number };
  contact?: { phoneNumber: string; firstName: string; lastName?: string; userId?: number };
  replyToMessageId?: number;
  mediaGroupId?: string;
  /** In a forum supergroup (or a private chat with topics): the topic the user writes in. */
  threadId?: number;
}

export interface UserAction {
  updateId: number;
  update: TgUpdate;
}

export interface UserMessageAction extends UserAction {
  messageId: number;
  message: TgMessage;
}
