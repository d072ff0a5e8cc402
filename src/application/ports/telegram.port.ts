import type { Readable } from 'node:stream';
import type { FileRef, MediaKind } from '../../domain/shared/message-content';

/**
 * Outbound Telegram Bot API, per bot. The adapter waits out every `429 retry_after` itself (a 429 never
 * reaches the caller) and gives every call a timeout. What reaches the caller: a `TelegramApiError` the
 * caller must handle (403 blocked, 401 revoked, 400 …; 5xx is retried), a `TelegramUnreachableError`
 * (no answer: retry), or, from a sending method only, a `PossiblySentError` (do not retry).
 */
export const TELEGRAM = Symbol('TELEGRAM');

export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
  isBot: boolean;
  /** M14: topics are on in the bot's private chats (BotFather; getMe's `has_topics_enabled`, Bot API 9.3). */
  hasTopicsEnabled?: boolean;
}

/** An inline keyboard button: a callback (answered by us) or a link (opened by the app, e.g. an invoice). */
export type InlineButton = { text: string; callbackData: string } | { text: string; url: string };

/** A Telegram Stars subscription invoice (M7): one price in XTR, renewed every `subscriptionPeriod` seconds. */
export interface StarsInvoice {
  title: string;
  description: string;
  payload: string;
  stars: number;
  subscriptionPeriod: number;
}

export interface SendTextOptions {
  replyToMessageId?: number;
  /** M12: the topic (message_thread_id) of a forum supergroup to post in. */
  threadId?: number;
  /** Rows of inline buttons. */
  buttons?: InlineButton[][];
}

/** A message a bot sent; `file` is the bot's own id for the file it carries (what the upload cache keeps). */
export interface SentMessage {
  messageId: number;
  file?: { fileId: string; fileUniqueId: string };
}

/**
 * A file to send: one this bot already has (`fileId`), or bytes to upload. A function source is called
 * once per attempt, because a streamed upload cannot be replayed after a `429 retry_after`.
 */
export type MediaInput = { fileId: string } | { source: Buffer | (() => Promise<Readable>); fileName: string };

/** What a media message says about its file besides the bytes (duration, size, title…). */
export type MediaMeta = Pick<FileRef, 'duration' | 'width' | 'height' | 'title' | 'performer' | 'emoji'>;

export interface SendMediaOptions extends SendTextOptions {
  caption?: string;
  meta?: MediaMeta;
}

/** The kinds Telegram lets share an album: photos and videos mix; documents and audio only with their own kind. */
export type AlbumKind = 'photo' | 'video' | 'document' | 'audio';
export interface AlbumItem {
  kind: AlbumKind;
  media: MediaInput;
  caption?: string;
}

export interface BotApi {
  getMe(): Promise<BotIdentity>;
  sendText(chatId: number, text: string, options?: SendTextOptions): Promise<{ messageId: number }>;
  deleteMessage(chatId: number, messageId: number): Promise<void>;
  /** The bot's one reaction on a message (bots may set one); null takes it back. */
  setReaction(chatId: number, messageId: number, emoji: string | null): Promise<void>;
  /** M13: the text of a text message this bot sent; paced as a message into the chat. */
  editText(chatId: number, messageId: number, text: string): Promise<void>;
  /** M13: the caption of a media message this bot sent; paced as a message into the chat. */
  editCaption(chatId: number, messageId: number, caption: string): Promise<void>;
  answerCallback(callbackQueryId: string, text?: string): Promise<void>;
  setCommands(commands: { command: string; description: string }[]): Promise<void>;
  /** A t.me invoice link (the only way to sell a Stars subscription). */
  createInvoiceLink(invoice: StarsInvoice): Promise<string>;
  answerPreCheckout(queryId: string, ok: boolean, errorMessage?: string): Promise<void>;
  /** Cancels (or re-enables) the renewal of a user's Stars subscription. */
  editStarSubscription(userId: number, chargeId: string, canceled: boolean): Promise<void>;
  setWebhook(url: string, secretToken: string): Promise<void>;
  deleteWebhook(): Promise<void>;
  /** Long polling; `offset` confirms every update below it. */
  getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]>;
  sendMedia(chatId: number, kind: MediaKind, media: MediaInput, options?: SendMediaOptions): Promise<SentMessage>;
  /** 2–10 items; media groups cannot carry inline buttons. One SentMessage per item, in order. */
  sendMediaGroup(chatId: number, items: AlbumItem[], options?: { replyToMessageId?: number }): Promise<SentMessage[]>;
  sendLocation(chatId: number, location: { latitude: number; longitude: number }, options?: SendTextOptions): Promise<SentMessage>;
  sendContact(
    chatId: number,
    contact: { phoneNumber: string; firstName: string; lastName?: string },
    options?: SendTextOptions,
  ): Promise<SentMessage>;
  /** Where this bot may download one of its files (Telegram serves bots files up to 20 MB). */
  getFile(fileId: string): Promise<{ filePath: string; fileSize?: number }>;
  /** The file's bytes as a stream (never buffered whole); `size` from Content-Length when known. */
  downloadFile(filePath: string): Promise<{ stream: Readable; size?: number }>;
  /** M12: a member's status in a group, and whether they may manage its topics (the creator always may). */
  getChatMember(chatId: number, userId: number): Promise<{ status: string; canManageTopics: boolean }>;
  /** M12: a topic in a forum supergroup (needs `can_manage_topics`); Telegram posts its creation service message. */
  createForumTopic(chatId: number, name: string): Promise<{ threadId: number }>;
  /** M12: close / reopen a topic (`can_manage_topics`, or the bot created it); "TOPIC_NOT_MODIFIED" when it already was. */
  closeForumTopic(chatId: number, threadId: number): Promise<void>;
  reopenForumTopic(chatId: number, threadId: number): Promise<void>;
  /** A copy of a message this bot can see, without a "forwarded from" header (same bot: its file ids stay valid). */
  copyMessage(
    chatId: number,
    fromChatId: number,
    messageId: number,
    options?: { threadId?: number; buttons?: InlineButton[][] },
  ): Promise<{ messageId: number }>;
}

export interface TelegramPort {
  bot(token: string): BotApi;
}

export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
    /** "The group has been migrated to a supergroup with the specified identifier" (ResponseParameters). */
    readonly migrateToChatId?: number,
  ) {
    super(`Telegram ${method} failed: ${code} ${description}`);
    this.name = 'TelegramApiError';
  }

  get blockedByUser(): boolean {
    return this.code === 403;
  }

  /** An edit that changes nothing ("message is not modified"): the message already shows that content. */
  get notModified(): boolean {
    return this.code === 400 && /message is not modified/i.test(this.description);
  }

  get tokenRevoked(): boolean {
    return this.code === 401 || this.code === 404;
  }
}

/** No answer from Telegram (connection failed, reset, timed out): the caller retries later. */
export class TelegramUnreachableError extends Error {
  constructor(
    readonly method: string,
    /** An error code or a few words; never the request URL (it holds the bot's token). */
    readonly reason: string,
  ) {
    super(`Telegram ${method} failed: ${reason}`);
    this.name = 'TelegramUnreachableError';
  }
}

/**
 * A message may or may not have reached the chat: the connection failed after the request went out, on
 * the attempt and on its one retry. Retrying again could show the user a third copy, so the caller
 * records this as the call's final outcome (a relay or delivery "possibly sent") and moves on.
 */
export class PossiblySentError extends Error {
  constructor(
    readonly method: string,
    readonly reason: string,
  ) {
    super(`Telegram ${method}: possibly sent, not retried again (${reason})`);
    this.name = 'PossiblySentError';
  }
}

/**
 * Telegram answered and said no (4xx: blocked, revoked, bad request): the same call would fail again, so
 * a reactor records or reports it and moves on. Anything else (5xx, network) is thrown to be retried.
 */
export function isTelegramRefusal(error: unknown): error is TelegramApiError {
  // 429 is excluded although the adapter never surfaces it: waiting is always right for it.
  return error instanceof TelegramApiError && error.code < 500 && error.code !== 429;
}

/** The call is settled and must not be repeated: Telegram refused it, or it may already have been carried out. */
export function isSettledFailure(error: unknown): error is TelegramApiError | PossiblySentError {
  return isTelegramRefusal(error) || error instanceof PossiblySentError;
}
