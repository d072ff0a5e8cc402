/**
 * Outbound Telegram Bot API, per bot. The adapter (telegraf) honours `429 retry_after` itself; what
 * reaches the caller is a `TelegramApiError` the caller must handle (403 blocked, 401 revoked, 400 …).
 */
export const TELEGRAM = Symbol('TELEGRAM');

export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
  isBot: boolean;
}

export interface InlineButton {
  text: string;
  callbackData: string;
}

export interface SendTextOptions {
  replyToMessageId?: number;
  /** Rows of inline buttons. */
  buttons?: InlineButton[][];
}

export interface BotApi {
  getMe(): Promise<BotIdentity>;
  sendText(chatId: number, text: string, options?: SendTextOptions): Promise<{ messageId: number }>;
  deleteMessage(chatId: number, messageId: number): Promise<void>;
  setReaction(chatId: number, messageId: number, emoji: string): Promise<void>;
  answerCallback(callbackQueryId: string, text?: string): Promise<void>;
  setCommands(commands: { command: string; description: string }[]): Promise<void>;
  setWebhook(url: string, secretToken: string): Promise<void>;
  deleteWebhook(): Promise<void>;
  /** Long polling; `offset` confirms every update below it. */
  getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]>;
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
  ) {
    super(`Telegram ${method} failed: ${code} ${description}`);
    this.name = 'TelegramApiError';
  }

  get blockedByUser(): boolean {
    return this.code === 403;
  }

  get tokenRevoked(): boolean {
    return this.code === 401 || this.code === 404;
  }
}
