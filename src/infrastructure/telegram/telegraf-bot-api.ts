import { Readable } from 'node:stream';
import { Telegram } from 'telegraf';
import type { Opts, Telegram as ApiMethods } from 'telegraf/typings/core/types/typegram';
import {
  AlbumItem,
  BotApi,
  BotIdentity,
  InlineButton,
  MediaInput,
  SendMediaOptions,
  SendTextOptions,
  SentMessage,
  StarsInvoice,
  TelegramApiError,
  TelegramUnreachableError,
} from '../../application/ports/telegram.port';
import { MediaKind, TELEGRAM_LIMITS } from '../../domain/shared/message-content';
import type { BotPacing } from './bot-pacing';
import { CallOptions, OutboundCalls, UPLOAD_SOURCE_FAILED } from './outbound-calls';
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
  transferTimeout,
  uploadBytes,
} from './telegraf-media-payloads';
import { LongPoll } from './long-poll';

/**
 * The update kinds the product reads (others are not even sent to us). `message_reaction` (M13) is opt-in:
 * Telegram sends it only to bots that list it here, for the MasterBot and every client bot alike.
 */
const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'pre_checkout_query',
  'my_chat_member',
  'message_reaction',
] as const;

/**
 * One bot's Bot API through telegraf's `Telegram` client, every call through the gateway's `OutboundCalls`
 * (the rules: TelegrafGateway); long polls through `LongPoll`, on their own connections.
 */
export class TelegrafBotApi implements BotApi {
  constructor(
    private readonly telegram: Telegram,
    /** getUpdates, on the long-polling pool. */
    private readonly polling: LongPoll,
    private readonly apiRoot: string,
    private readonly token: string,
    private readonly calls: OutboundCalls,
    /** This bot's token buckets; undefined: not paced. */
    private readonly pacing: BotPacing | undefined,
  ) {}

  async getMe(): Promise<BotIdentity> {
    const me = await this.call('getMe', {});
    const topics = (me as { has_topics_enabled?: unknown }).has_topics_enabled === true;
    return { id: me.id, username: me.username, firstName: me.first_name, isBot: me.is_bot, ...(topics ? { hasTopicsEnabled: true } : {}) };
  }

  async sendText(chatId: number, text: string, options: SendTextOptions = {}): Promise<{ messageId: number }> {
    const message = await this.send('sendMessage', chatId, {
      text,
      ...(options.threadId !== undefined ? { message_thread_id: options.threadId } : {}),
      ...(options.replyToMessageId
        ? { reply_parameters: { message_id: options.replyToMessageId, allow_sending_without_reply: true } }
        : {}),
      ...(options.buttons ? { reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) } } : {}),
      link_preview_options: { is_disabled: true },
    });
    return { messageId: message.message_id };
  }

  async getChatMember(chatId: number, userId: number): Promise<{ status: string; canManageTopics: boolean }> {
    const member = (await this.call('getChatMember', { chat_id: chatId, user_id: userId })) as {
      status: string;
      can_manage_topics?: boolean;
    };
    return {
      status: member.status,
      canManageTopics: member.status === 'creator' || (member.status === 'administrator' && member.can_manage_topics === true),
    };
  }

  async createForumTopic(chatId: number, name: string): Promise<{ threadId: number }> {
    const topic = await this.call('createForumTopic', { chat_id: chatId, name });
    return { threadId: topic.message_thread_id };
  }

  async closeForumTopic(chatId: number, threadId: number): Promise<void> {
    await this.call('closeForumTopic', { chat_id: chatId, message_thread_id: threadId });
  }

  async reopenForumTopic(chatId: number, threadId: number): Promise<void> {
    await this.call('reopenForumTopic', { chat_id: chatId, message_thread_id: threadId });
  }

  async copyMessage(
    chatId: number,
    fromChatId: number,
    messageId: number,
    options: { threadId?: number; buttons?: InlineButton[][] } = {},
  ): Promise<{ messageId: number }> {
    const copy = await this.send('copyMessage', chatId, {
      from_chat_id: fromChatId,
      message_id: messageId,
      ...(options.threadId !== undefined ? { message_thread_id: options.threadId } : {}),
      ...(options.buttons ? { reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) } } : {}),
    });
    return { messageId: copy.message_id };
  }

  async deleteMessage(chatId: number, messageId: number): Promise<void> {
    await this.call('deleteMessage', { chat_id: chatId, message_id: messageId });
  }

  async setReaction(chatId: number, messageId: number, emoji: string | null): Promise<void> {
    const reaction = emoji === null ? [] : [{ type: 'emoji' as const, emoji: emoji as never }];
    await this.call('setMessageReaction', { chat_id: chatId, message_id: messageId, reaction });
  }

  async editText(chatId: number, messageId: number, text: string): Promise<void> {
    await this.send('editMessageText', chatId, { message_id: messageId, text, link_preview_options: { is_disabled: true } });
  }

  async editCaption(chatId: number, messageId: number, caption: string): Promise<void> {
    await this.send('editMessageCaption', chatId, { message_id: messageId, caption });
  }

  async answerCallback(callbackQueryId: string, text?: string): Promise<void> {
    await this.call('answerCallbackQuery', { callback_query_id: callbackQueryId, ...(text !== undefined ? { text } : {}) });
  }

  async setCommands(commands: { command: string; description: string }[]): Promise<void> {
    await this.call('setMyCommands', { commands });
  }

  async createInvoiceLink(invoice: StarsInvoice): Promise<string> {
    return this.call('createInvoiceLink', {
      title: invoice.title,
      description: invoice.description,
      payload: invoice.payload,
      currency: 'XTR',
      prices: [{ label: invoice.title, amount: invoice.stars }],
      subscription_period: invoice.subscriptionPeriod,
    } as never);
  }

  async answerPreCheckout(queryId: string, ok: boolean, errorMessage?: string): Promise<void> {
    await this.call('answerPreCheckoutQuery', {
      pre_checkout_query_id: queryId,
      ok,
      ...(errorMessage !== undefined ? { error_message: errorMessage } : {}),
    });
  }

  async editStarSubscription(userId: number, chargeId: string, canceled: boolean): Promise<void> {
    await this.call(
      'editUserStarSubscription' as never,
      { user_id: userId, telegram_payment_charge_id: chargeId, is_canceled: canceled } as never,
    );
  }

  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', { url, secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] });
  }

  async deleteWebhook(): Promise<void> {
    await this.call('deleteWebhook', {});
  }

  /** A long poll: its own timeout plus the ordinary one; the poller's `signal` (its stop) aborts it. */
  async getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]> {
    return this.calls.run(
      'getUpdates',
      (attempt) => this.polling.getUpdates({ offset, timeout: timeoutSeconds, allowed_updates: ALLOWED_UPDATES }, attempt),
      { timeoutMs: timeoutSeconds * 1000 + this.calls.timeoutMs, signal },
    );
  }

  async sendMedia(chatId: number, kind: MediaKind, media: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    const method = MEDIA_METHOD[kind];
    const message = await this.callWithStreams(method, chatId, 1, uploadBytes([media]), async (opened, signal) =>
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
        { signal: signal as never },
      ),
    );
    return sentMessageOf(message);
  }

  async sendMediaGroup(chatId: number, items: AlbumItem[], options: { replyToMessageId?: number } = {}): Promise<SentMessage[]> {
    const bytes = uploadBytes(items.map((item) => item.media));
    const messages = await this.callWithStreams('sendMediaGroup', chatId, items.length, bytes, async (opened, signal) =>
      this.telegram.callApi(
        'sendMediaGroup',
        {
          chat_id: chatId,
          media: await albumPayload(items, opened),
          ...replyFields(
            options.replyToMessageId,
            items.some((item) => isUpload(item.media)),
          ),
        } as never,
        { signal: signal as never },
      ),
    );
    return (messages as unknown as Record<string, unknown>[]).map(sentMessageOf);
  }

  async sendLocation(
    chatId: number,
    location: { latitude: number; longitude: number },
    options: SendTextOptions = {},
  ): Promise<SentMessage> {
    const message = await this.send('sendLocation', chatId, { ...location, ...this.jsonExtras(options) });
    return sentMessageOf(message as unknown as Record<string, unknown>);
  }

  async sendContact(
    chatId: number,
    contact: { phoneNumber: string; firstName: string; lastName?: string },
    options: SendTextOptions = {},
  ): Promise<SentMessage> {
    const fields = { phone_number: contact.phoneNumber, first_name: contact.firstName, last_name: contact.lastName };
    const message = await this.send('sendContact', chatId, { ...fields, ...this.jsonExtras(options) });
    return sentMessageOf(message as unknown as Record<string, unknown>);
  }

  async getFile(fileId: string): Promise<{ filePath: string; fileSize?: number }> {
    const file = await this.call('getFile', { file_id: fileId });
    if (!file.file_path) throw new TelegramApiError('getFile', 400, 'file is not available for download');
    return { filePath: file.file_path, ...(file.file_size !== undefined ? { fileSize: file.file_size } : {}) };
  }

  /** The deadline covers the whole body, read later by the upload it feeds: sized for the largest file. */
  downloadFile(filePath: string): Promise<{ stream: Readable; size?: number }> {
    return this.calls.run(
      'downloadFile',
      async (signal, deadline) => {
        const download = await downloadStream(this.apiRoot, this.token, filePath, signal);
        // The body is read after this attempt settles: it stays under the deadline and the close until it ends.
        download.stream.once('close', deadline.hold());
        return download;
      },
      { timeoutMs: transferTimeout(this.calls.timeoutMs, TELEGRAM_LIMITS.downloadBytes) },
    );
  }

  private jsonExtras(options: SendTextOptions): Record<string, unknown> {
    return {
      ...replyFields(options.replyToMessageId, false),
      ...(options.buttons ? { reply_markup: { inline_keyboard: inlineKeyboard(options.buttons) } } : {}),
    };
  }

  /**
   * Each attempt opens its own upload streams (a consumed stream cannot be re-sent); a failed one releases
   * them. An upload whose source failed (its download broke off) cannot have been carried out: that is
   * reported as such, so it is not mistaken for a possibly-sent failure.
   */
  private callWithStreams<T>(
    method: string,
    chatId: number,
    messages: number,
    bytes: number,
    run: (opened: Readable[], signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return this.calls.run(
      method,
      async (signal) => {
        const opened: Readable[] = [];
        try {
          return await run(opened, signal);
        } catch (error) {
          if (opened.some((stream) => stream.errored)) throw new TelegramUnreachableError(method, UPLOAD_SOURCE_FAILED);
          throw error;
        } finally {
          for (const stream of opened) if (!stream.readableEnded) stream.destroy();
        }
      },
      { timeoutMs: bytes > 0 ? transferTimeout(this.calls.timeoutMs, bytes) : this.calls.timeoutMs, into: this.into(chatId, messages) },
    );
  }

  private call<M extends keyof ApiMethods>(method: M, payload: Opts<M>, options?: CallOptions): Promise<ReturnType<ApiMethods[M]>> {
    return this.calls.run(method, (signal) => this.telegram.callApi(method, payload, { signal: signal as never }), options);
  }

  /** A message into `chatId` (or an edit of one): paced by the bot's and the chat's flood limits. */
  private send<M extends keyof ApiMethods>(
    method: M,
    chatId: number,
    payload: Omit<Opts<M>, 'chat_id'>,
  ): Promise<ReturnType<ApiMethods[M]>> {
    return this.call(method, { chat_id: chatId, ...payload } as Opts<M>, { into: this.into(chatId, 1) });
  }

  private into(chatId: number, messages: number): CallOptions['into'] {
    return this.pacing ? { bot: this.pacing, chatId, messages } : undefined;
  }
}
