import { Logger } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import { TelegramError } from 'telegraf';
import { PossiblySentError, TelegramApiError, TelegramUnreachableError } from '../../application/ports/telegram.port';
import { BotToken } from '../../domain/client-bot/bot-token';
import { backoffMs } from '../backoff';
import { AttemptSignal } from './attempt-signal';
import type { BotPacing, PacingTicket } from './bot-pacing';

/** Told of every attempt of every call: the method and Telegram's status code (or `network_error`, `timeout`). */
export type TelegramCallObserver = (method: string, status: string) => void;

/**
 * Methods that put a message into a chat. Repeating one after a failure that may have happened after
 * Telegram acted on it shows the user a second copy (the same list as the Bot API fake's flood limits).
 */
export const SENDING_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendSticker',
  'sendAnimation',
  'sendVideoNote',
  'sendLocation',
  'sendContact',
  'sendMediaGroup',
  'sendInvoice',
  'copyMessage',
  'forwardMessage',
]);

/**
 * Calls paced as a message into their chat: the sending methods and edits (M13). Telegram counts an edit
 * against the chat's flood limit like a message; unlike a send, repeating an edit cannot show a second
 * copy, so edits are not in SENDING_METHODS (no possibly-sent handling: the caller's retry is harmless).
 */
export const PACED_METHODS: ReadonlySet<string> = new Set([...SENDING_METHODS, 'editMessageText', 'editMessageCaption']);

/** An upload's own source (the download it streams) broke off: Telegram never got a whole request. */
export const UPLOAD_SOURCE_FAILED = 'upload source failed';

/** Failed before Telegram could act: repeating the call cannot duplicate anything. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', UPLOAD_SOURCE_FAILED]);

/** After a possibly-sent failure, definitely-not-sent failures are retried in here, this far apart at most. */
const MAX_BACKOFF_MS = 30_000;

/** How long calls in flight may finish after `close()` before they are aborted (waits end at once). */
const CLOSE_GRACE_MS = 5_000;

/** One try of a call: `signal` aborts it (deadline, close, caller); `deadline` lets a streamed result keep them. */
export type Attempt<T> = (signal: AbortSignal, deadline: AttemptSignal) => Promise<T>;

/** Runs one attempt and then releases its deadline and abort listeners, whatever the outcome. */
async function settled<T>(attempt: Attempt<T>, deadline: AttemptSignal): Promise<T> {
  try {
    return await attempt(deadline.signal, deadline);
  } finally {
    deadline.release();
  }
}

/** The gateway is closed (the app is stopping): the call was not made, or was abandoned. Not a refusal. */
export class GatewayClosedError extends Error {
  constructor(readonly method: string) {
    super(`Telegram ${method} abandoned: the app is stopping`);
    this.name = 'GatewayClosedError';
  }
}

/** How one call is made, beyond its method and attempt. */
export interface CallOptions {
  /** Each attempt's deadline (default: the gateway's `timeoutMs`). */
  timeoutMs?: number;
  /** The caller's own stop (a poller's): aborts the call as an abort, not as a `GatewayClosedError`. */
  signal?: AbortSignal;
  /**
   * A message into this chat of this bot: when the method is one of `SENDING_METHODS`, every attempt
   * first waits for the bot's and the chat's tokens (outbound-pacing.ts). `messages`: how many it
   * makes (a media group's items).
   */
  into?: { bot: BotPacing; chatId: number; messages?: number };
}

/**
 * The call policy every outbound Bot API call goes through (one instance per gateway):
 *
 * - **Pacing** (sending methods with `into`, when the gateway paces): each attempt waits for its bot's
 *   and its chat's tokens first, so Telegram's flood limits are kept before it has to refuse; see
 *   `OutboundPacing`. The timeout below starts only once the tokens are taken.
 * - **Timeout**: each attempt is aborted after its own deadline (`timeoutMs` for ordinary calls, longer
 *   for long polls and file transfers, chosen by the caller). A timed-out call is a
 *   `TelegramUnreachableError`, which callers retry; it is never a refusal.
 * - **429 is never final**: the call waits `retry_after` as Telegram asks and is retried, however long
 *   the streak lasts; each wait is logged once and counted by the observer. Only `close()` ends it. A
 *   paced send's 429 pauses its whole chat (or its bot, see `BotPacing.refused`) for `retry_after`, so
 *   the chat's other queued messages wait too instead of each drawing its own 429; the retry keeps its
 *   place in the chat's queue.
 * - **Possibly sent** (a reset or timeout after the request went out; Telegram may have carried it out):
 *   a sending method is retried at most once here, so a user sees at most one extra copy. A second such
 *   failure is a `PossiblySentError`, which relay and delivery record as a final outcome instead of
 *   retrying. Once a call has had one, failures that certainly sent nothing (connection refused, a 5xx
 *   answer) are retried in here with back-off rather than thrown, because a caller's retry would start
 *   a fresh budget and could send a third copy. Idempotent methods (getMe, getFile, setWebhook,
 *   setMessageReaction, answerCallbackQuery…) just throw `TelegramUnreachableError`; their callers
 *   retry with back-off.
 * - **close()**: waits (tokens, 429, back-off) end at once with `GatewayClosedError`; calls in flight, and calls
 *   made during the stop (a broadcast finishing its batch), get a short grace and are then aborted with
 *   it too. A stop never waits out a 429.
 */
export class OutboundCalls {
  private readonly logger = new Logger('Telegram');
  private readonly waits = new AbortController();
  private readonly inFlight = new AbortController();

  constructor(
    readonly timeoutMs: number,
    private readonly observe: TelegramCallObserver,
  ) {
    // Each call in flight listens on `inFlight` until it settles (attempt-signal.ts), each waiting one on `waits`
    // (a 429, a back-off, its pacing tokens): 1,000 open long polls are 1,000 listeners, not a leak.
    setMaxListeners(0, this.inFlight.signal, this.waits.signal);
  }

  close(): void {
    if (this.waits.signal.aborted) return;
    this.waits.abort();
    setTimeout(() => this.inFlight.abort(), CLOSE_GRACE_MS).unref();
  }

  /**
   * Runs `attempt` under the policy above; `options.signal` (e.g. a poller's stop) may abort it too, as an
   * abort. The attempt's deadline and abort end when it settles, unless it `hold()`s them for a result that
   * is still being read (a download's body).
   */
  async run<T>(method: string, attempt: Attempt<T>, options: CallOptions = {}): Promise<T> {
    const { timeoutMs = this.timeoutMs, signal: caller, into } = options;
    const ticket = into && PACED_METHODS.has(method) ? into.bot.ticket(into.chatId, into.messages) : undefined;
    let possiblySent = false;
    for (let backoffs = 0; ;) {
      if (ticket) await this.tokens(method, ticket);
      // Not AbortSignal.any/timeout: on Node 20 they leave memory behind on long-lived parents (attempt-signal.ts).
      const deadline = new AttemptSignal(timeoutMs, caller ? [this.inFlight.signal, caller] : [this.inFlight.signal]);
      try {
        const result = await settled(attempt, deadline);
        this.observe(method, '200');
        ticket?.answered();
        return result;
      } catch (error) {
        if (caller?.aborted) throw error;
        if (this.inFlight.signal.aborted) throw new GatewayClosedError(method);
        const failure = this.classify(method, error, deadline.timedOut, timeoutMs);
        if (failure instanceof TelegramApiError && failure.code === 429) {
          const waitMs = (failure.retryAfter ?? 1) * 1000;
          this.logger.warn(`${method}: 429, waiting ${waitMs / 1000} s as Telegram asks`);
          if (ticket) ticket.refused(waitMs);
          else await this.pause(method, waitMs);
          continue;
        }
        if (!SENDING_METHODS.has(method)) throw failure;
        const notSent = failure instanceof TelegramApiError || NOT_SENT_CODES.has(failure.reason);
        if (!possiblySent && notSent) throw failure;
        if (possiblySent && !notSent) throw new PossiblySentError(method, failure.reason);
        if (possiblySent && failure instanceof TelegramApiError && failure.code < 500) throw failure;
        if (!notSent) this.logger.warn(`${method}: ${failure.reason} after the request went out; retrying once`);
        possiblySent = true;
        await this.pause(method, notSent ? backoffMs(backoffs++, 500, MAX_BACKOFF_MS) : 0);
      }
    }
  }

  /** A token wait ends only with the tokens or with `close()`. */
  private async tokens(method: string, ticket: PacingTicket): Promise<void> {
    try {
      await ticket.take(this.waits.signal);
    } catch {
      throw new GatewayClosedError(method);
    }
  }

  private classify(method: string, error: unknown, timedOut: boolean, timeoutMs: number): TelegramApiError | TelegramUnreachableError {
    if (error instanceof TelegramError) {
      this.observe(method, String(error.code));
      const { retry_after: retryAfter, migrate_to_chat_id: migrateTo } = error.parameters ?? {};
      return new TelegramApiError(method, error.code, BotToken.redact(error.description), retryAfter, migrateTo);
    }
    if (error instanceof TelegramApiError) {
      this.observe(method, String(error.code));
      return error;
    }
    if (error instanceof TelegramUnreachableError) {
      this.observe(method, 'network_error');
      return error;
    }
    this.observe(method, timedOut ? 'timeout' : 'network_error');
    // Only the code: a network error's message holds the request URL, which holds the bot's token.
    const code = (error as { code?: unknown } | null)?.code;
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : typeof code === 'string' && code ? code : 'connection failed';
    return new TelegramUnreachableError(method, reason);
  }

  private pause(method: string, ms: number): Promise<void> {
    if (this.waits.signal.aborted) return Promise.reject(new GatewayClosedError(method));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waits.signal.removeEventListener('abort', closed);
        resolve();
      }, ms);
      const closed = () => {
        clearTimeout(timer);
        reject(new GatewayClosedError(method));
      };
      this.waits.signal.addEventListener('abort', closed, { once: true });
    });
  }
}
