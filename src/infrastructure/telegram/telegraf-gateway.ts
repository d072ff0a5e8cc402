import { Logger } from '@nestjs/common';
import http from 'node:http';
import { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import { Readable } from 'node:stream';
import {
  AlbumItem,
  BotApi,
  BotIdentity,
  MediaInput,
  SendMediaOptions,
  SendTextOptions,
  SentMessage,
  StarsInvoice,
  TelegramApiError,
  TelegramPort,
} from '../../application/ports/telegram.port';
import { BotToken } from '../../domain/client-bot/bot-token';
import { MediaKind } from '../../domain/shared/message-content';
import {
  albumPayload,
  downloadStream,
  inlineKeyboard,
  isUpload,
  MEDIA_METHOD,
  metaFields,
  openInput,
  replyFields,
  sentMessageOf,
} from './telegraf-media-payloads';

/** The update kinds the product reads (others are not even sent to us). */
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'pre_checkout_query', 'my_chat_member'] as const;

/** How many times one call waits out a `429 retry_after` before giving up to its caller. */
const MAX_RATE_LIMIT_WAITS = 5;

/** Told of every attempt of every call: the method and Telegram's status code (or `network_error`). */
export type TelegramCallObserver = (method: string, status: string) => void;

/**
 * The Bot API through telegraf's `Telegram` client (its `apiRoot` from TELEGRAM_API_ROOT). Every call
 * waits out `429 Too Many Requests` (`retry_after`) and retries the same call, so a chat's messages are
 * delayed, never dropped or reordered; every other failure becomes a `TelegramApiError`.
 */
export class TelegrafGateway implements TelegramPort {
  private readonly clients = new Map<string, TelegrafBotApi>();
  private readonly plainHttpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly apiRoot: string,
    private readonly observe: TelegramCallObserver = () => undefined,
  ) {}

  bot(token: string): BotApi {
    let client = this.clients.get(token);
    if (!client) {
      const telegram = new Telegram(token, { apiRoot: this.apiRoot });
      // Telegraf drops its keep-alive agent for http:// roots (a self-hosted Bot API server, the test
      // fake), opening a new connection per call; give it a keep-alive agent of our own.
      if (this.apiRoot.startsWith('http://'))
        (telegram as unknown as { options: { agent?: http.Agent } }).options.agent = this.plainHttpAgent;
      client = new TelegrafBotApi(telegram, this.apiRoot, token, this.observe);
      this.clients.set(token, client);
    }
    return client;
  }
}

class TelegrafBotApi implements BotApi {
  private readonly logger = new Logger('Telegram');

  constructor(
    private readonly telegram: Telegram,
    private readonly apiRoot: string,
    private readonly token: string,
    private readonly observe: TelegramCallObserver,
  ) {}

  async getMe(): Promise<BotIdentity> {
    const me = await this.call('getMe', () => this.telegram.getMe());
    return { id: me.id, username: me.username, firstName: me.first_name, isBot: me.is_bot };
  }

  async sendText(chatId: number, text: string, options: SendTextOptions = {}): Promise<{ messageId: number }> {
    const message = await this.call('sendMessage', () =>
      this.telegram.sendMessage(chatId, text, {
        ...(options.replyToMessageId
          ? { reply_parameters: { message_id: options.replyToMessageId, allow_sending_without_reply: true } }
          : {}),
        ...(options.buttons
          ? {
              reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) },
            }
          : {}),
        link_preview_options: { is_disabled: true },
      }),
    );
    return { messageId: message.message_id };
  }

  async deleteMessage(chatId: number, messageId: number): Promise<void> {
    await this.call('deleteMessage', () => this.telegram.deleteMessage(chatId, messageId));
  }

  async setReaction(chatId: number, messageId: number, emoji: string): Promise<void> {
    await this.call('setMessageReaction', () =>
      this.telegram.setMessageReaction(chatId, messageId, [{ type: 'emoji', emoji: emoji as never }]),
    );
  }

  async answerCallback(callbackQueryId: string, text?: string): Promise<void> {
    await this.call('answerCallbackQuery', () => this.telegram.answerCbQuery(callbackQueryId, text));
  }

  async setCommands(commands: { command: string; description: string }[]): Promise<void> {
    await this.call('setMyCommands', () => this.telegram.setMyCommands(commands));
  }

  async createInvoiceLink(invoice: StarsInvoice): Promise<string> {
    return this.call('createInvoiceLink', () =>
      this.telegram.callApi('createInvoiceLink', {
        title: invoice.title,
        description: invoice.description,
        payload: invoice.payload,
        currency: 'XTR',
        prices: [{ label: invoice.title, amount: invoice.stars }],
        subscription_period: invoice.subscriptionPeriod,
      } as never),
    );
  }

  async answerPreCheckout(queryId: string, ok: boolean, errorMessage?: string): Promise<void> {
    await this.call('answerPreCheckoutQuery', () => this.telegram.answerPreCheckoutQuery(queryId, ok, errorMessage));
  }

  async editStarSubscription(userId: number, chargeId: string, canceled: boolean): Promise<void> {
    await this.call('editUserStarSubscription', () =>
      this.telegram.callApi(
        'editUserStarSubscription' as never,
        { user_id: userId, telegram_payment_charge_id: chargeId, is_canceled: canceled } as never,
      ),
    );
  }

  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', () =>
      this.telegram.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] }),
    );
  }

  async deleteWebhook(): Promise<void> {
    await this.call('deleteWebhook', () => this.telegram.deleteWebhook());
  }

  async getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]> {
    return this.call('getUpdates', () =>
      this.telegram.callApi(
        'getUpdates',
        { offset, timeout: timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
        { signal: signal as never },
      ),
    );
  }

  async sendMedia(chatId: number, kind: MediaKind, media: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    const method = MEDIA_METHOD[kind];
    const message = await this.callWithStreams(method, async (opened) =>
      this.telegram.callApi(
        method as never,
        {
          chat_id: chatId,
          [kind]: await openInput(media, opened),
          ...(options.caption ? { caption: options.caption } : {}),
          ...metaFields(kind, options.meta),
          ...replyFields(options.replyToMessageId, isUpload(media)),
          ...(options.buttons ? { reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) } } : {}),
        } as never,
      ),
    );
    return sentMessageOf(message);
  }

  async sendMediaGroup(chatId: number, items: AlbumItem[], options: { replyToMessageId?: number } = {}): Promise<SentMessage[]> {
    const messages = await this.callWithStreams('sendMediaGroup', async (opened) =>
      this.telegram.callApi('sendMediaGroup', {
        chat_id: chatId,
        media: await albumPayload(items, opened),
        ...replyFields(
          options.replyToMessageId,
          items.some((item) => isUpload(item.media)),
        ),
      } as never),
    );
    return (messages as unknown as Record<string, unknown>[]).map(sentMessageOf);
  }

  async sendLocation(
    chatId: number,
    location: { latitude: number; longitude: number },
    options: SendTextOptions = {},
  ): Promise<SentMessage> {
    const message = await this.call('sendLocation', () =>
      this.telegram.callApi('sendLocation', { chat_id: chatId, ...location, ...this.jsonExtras(options) }),
    );
    return sentMessageOf(message as unknown as Record<string, unknown>);
  }

  async sendContact(
    chatId: number,
    contact: { phoneNumber: string; firstName: string; lastName?: string },
    options: SendTextOptions = {},
  ): Promise<SentMessage> {
    const fields = { phone_number: contact.phoneNumber, first_name: contact.firstName, last_name: contact.lastName };
    const message = await this.call('sendContact', () =>
      this.telegram.callApi('sendContact', { chat_id: chatId, ...fields, ...this.jsonExtras(options) }),
    );
    return sentMessageOf(message as unknown as Record<string, unknown>);
  }

  async getFile(fileId: string): Promise<{ filePath: string; fileSize?: number }> {
    const file = await this.call('getFile', () => this.telegram.getFile(fileId));
    if (!file.file_path) throw new TelegramApiError('getFile', 400, 'file is not available for download');
    return { filePath: file.file_path, ...(file.file_size !== undefined ? { fileSize: file.file_size } : {}) };
  }

  downloadFile(filePath: string): Promise<{ stream: Readable; size?: number }> {
    return downloadStream(this.apiRoot, this.token, filePath);
  }

  private jsonExtras(options: SendTextOptions): Record<string, unknown> {
    return {
      ...replyFields(options.replyToMessageId, false),
      ...(options.buttons ? { reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) } } : {}),
    };
  }

  /** Each attempt opens its own upload streams (a consumed stream cannot be re-sent); a failed one releases them. */
  private callWithStreams<T>(method: string, run: (opened: Readable[]) => Promise<T>): Promise<T> {
    return this.call(method, async () => {
      const opened: Readable[] = [];
      try {
        return await run(opened);
      } finally {
        for (const stream of opened) if (!stream.readableEnded) stream.destroy();
      }
    });
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      try {
        const result = await run();
        this.observe(method, '200');
        return result;
      } catch (error) {
        this.observe(method, error instanceof TelegramError ? String(error.code) : 'network_error');
        if (!(error instanceof TelegramError)) throw error;
        const retryAfter = error.parameters?.retry_after;
        if (error.code === 429 && retryAfter !== undefined && waits < MAX_RATE_LIMIT_WAITS) {
          this.logger.warn(`${method}: 429, waiting ${retryAfter}s as Telegram asks`);
          await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
          continue;
        }
        throw new TelegramApiError(method, error.code, BotToken.redact(error.description), retryAfter);
      }
    }
  }
}
