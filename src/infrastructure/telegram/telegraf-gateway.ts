import { Telegram } from 'telegraf';
import { BotApi, TelegramPort } from '../../application/ports/telegram.port';
import { OutboundCalls, TelegramCallObserver } from './outbound-calls';
import { OutboundPacing } from './outbound-pacing';
import { LongPoll } from './long-poll';
import { TelegrafBotApi } from './telegraf-bot-api';
import { TelegramAgents, telegramAgents } from './telegram-agents';

export type { TelegramCallObserver } from './outbound-calls';

/** Default outbound timeout (TELEGRAM_TIMEOUT_MS); telegraf's own is 500 s. */
export const DEFAULT_TELEGRAM_TIMEOUT_MS = 30_000;

/**
 * The Bot API through telegraf's `Telegram` client (its `apiRoot` from TELEGRAM_API_ROOT). Every call goes
 * through `OutboundCalls` (outbound-calls.ts), whose TSDoc states the rules:
 * - messages (sendMessage, sendPhoto, … sendMediaGroup) are paced by Telegram's flood limits — per bot,
 *   per private chat, per group — in token buckets shared by every caller (`OutboundPacing`; `null`
 *   turns pacing off, e.g. against a Bot API without limits);
 * - a `429 retry_after` is waited out and the same call retried, however long it lasts — a chat's messages
 *   are delayed, never dropped or reordered; a 429 never reaches a caller;
 * - every call has a timeout (`timeoutMs`; long polls their own timeout + `timeoutMs`; uploads and
 *   downloads `timeoutMs` + their size at 256 KB/s); a timeout is a `TelegramUnreachableError` (retry);
 * - a sending method (sendMessage, sendPhoto, … sendMediaGroup, copyMessage) whose connection failed
 *   after the request went out is retried at most once, then is a `PossiblySentError` (do not retry):
 *   at most one extra copy; idempotent methods are left to their callers' back-off;
 * - `close()` (on app shutdown) ends every wait at once.
 * Every answer but success, 429 and a possibly-sent failure becomes a `TelegramApiError`.
 */
export class TelegrafGateway implements TelegramPort {
  private readonly clients = new Map<string, TelegrafBotApi>();
  /** Long polls on their own connections, apart from sends (see telegram-agents.ts). */
  private readonly agents: TelegramAgents;
  private readonly calls: OutboundCalls;

  constructor(
    private readonly apiRoot: string,
    observe: TelegramCallObserver = () => undefined,
    timeoutMs = DEFAULT_TELEGRAM_TIMEOUT_MS,
    private readonly pacing: OutboundPacing | null = new OutboundPacing(),
  ) {
    this.calls = new OutboundCalls(timeoutMs, observe);
    this.agents = telegramAgents(apiRoot);
  }

  bot(token: string): BotApi {
    let client = this.clients.get(token);
    if (!client) {
      // Long polls skip telegraf (long-poll.ts): one telegraf client per bot, on the sending pool.
      client = new TelegrafBotApi(
        this.telegraf(token),
        new LongPoll(this.apiRoot, token, this.agents.polling),
        this.apiRoot,
        token,
        this.calls,
        this.pacing?.forBot(),
      );
      this.clients.set(token, client);
    }
    return client;
  }

  private telegraf(token: string): Telegram {
    const telegram = new Telegram(token, { apiRoot: this.apiRoot });
    // Set after construction: telegraf's constructor drops any agent given for an http:// root.
    (telegram as unknown as { options: { agent?: unknown } }).options.agent = this.agents.sending;
    return telegram;
  }

  /** Ends every 429 wait and back-off now; aborts calls still in flight after a short grace. */
  close(): void {
    this.calls.close();
  }

  /** Nest calls this on shutdown before any provider stops: reactors waiting out a 429 end at once. */
  beforeApplicationShutdown(): void {
    this.close();
  }
}
