import { Logger } from '@nestjs/common';
import http from 'node:http';
import { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import { BotApi, BotIdentity, SendTextOptions, TelegramApiError, TelegramPort } from '../../application/ports/telegram.port';
import { BotToken } from '../../domain/client-bot/bot-token';

/** How many times one call waits out a `429 retry_after` before giving up to its caller. */
const MAX_RATE_LIMIT_WAITS = 5;

/**
 * The Bot API through telegraf's `Telegram` client (its `apiRoot` from TELEGRAM_API_ROOT). Every call
 * waits out `429 Too Many Requests` (`retry_after`) and retries the same call, so a chat's messages are
 * delayed, never dropped or reordered; every other failure becomes a `TelegramApiError`.
 */
export class TelegrafGateway implements TelegramPort {
  private readonly clients = new Map<string, TelegrafBotApi>();
  private readonly plainHttpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly apiRoot: string) {}

  bot(token: string): BotApi {
    let client = this.clients.get(token);
    if (!client) {
      const telegram = new Telegram(token, { apiRoot: this.apiRoot });
      // Telegraf drops its keep-alive agent for http:// roots (a self-hosted Bot API server, the test
      // fake), opening a new connection per call; give it a keep-alive agent of our own.
      if (this.apiRoot.startsWith('http://')) (telegram as unknown as { options: { agent?: http.Agent } }).options.agent = this.plainHttpAgent;
      client = new TelegrafBotApi(telegram);
      this.clients.set(token, client);
    }
    return client;
  }
}

class TelegrafBotApi implements BotApi {
  private readonly logger = new Logger('Telegram');

  constructor(private readonly telegram: Telegram) {}

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
              reply_markup: {
                inline_keyboard: options.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.callbackData }))),
              },
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

  async setWebhook(url: string, secretToken: string): Promise<void> {
    await this.call('setWebhook', () =>
      this.telegram.setWebhook(url, { secret_token: secretToken, allowed_updates: ['message', 'edited_message', 'callback_query'] }),
    );
  }

  async deleteWebhook(): Promise<void> {
    await this.call('deleteWebhook', () => this.telegram.deleteWebhook());
  }

  async getUpdates(offset: number, timeoutSeconds: number, signal?: AbortSignal): Promise<unknown[]> {
    return this.call('getUpdates', () =>
      this.telegram.callApi(
        'getUpdates',
        { offset, timeout: timeoutSeconds, allowed_updates: ['message', 'edited_message', 'callback_query'] },
        { signal: signal as never },
      ),
    );
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      try {
        return await run();
      } catch (error) {
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
