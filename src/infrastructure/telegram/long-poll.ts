import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { TelegramApiError, TelegramUnreachableError } from '../../application/ports/telegram.port';
import { BotToken } from '../../domain/client-bot/bot-token';

/**
 * A bot's `getUpdates` long polls, straight over Node's http client on the polling pool
 * (telegram-agents.ts), answered the way telegraf answers (same URL, same errors), but not through
 * telegraf and node-fetch.
 *
 * Why: with 1,000 polled client bots every poll's state lives up to POLLING_TIMEOUT_SECONDS, long
 * enough to be promoted to V8's old generation, where only a full GC frees it: ~40 polls a second
 * each leave their state there. Through telegraf an open poll kept ~11 KB (a second `Telegram`
 * client per bot, node-fetch's Request/Headers/Body, its 500 s timer); here ~7.5 KB — mostly Node's
 * own http request (measured with 1,000 polls held open by a local server, its share included).
 *
 * No `accept-encoding`: Telegram then answers uncompressed (an empty poll is ~25 bytes, a full one
 * 100 updates) and no zlib stream is made per poll.
 */
export class LongPoll {
  private readonly client: typeof http | typeof https;
  /** Made once per bot: a poll only adds its body and headers. */
  private readonly target: http.RequestOptions;

  constructor(apiRoot: string, token: string, agent: http.Agent) {
    // Resolved like telegraf resolves it (`./bot<token>/<method>` against the root), so both reach the same URL.
    const url = new URL(`./bot${token}/getUpdates`, apiRoot);
    this.client = url.protocol === 'https:' ? https : http;
    this.target = { ...urlToHttpOptions(url), method: 'POST', agent };
  }

  /**
   * One poll; `signal` ends it (its deadline, the app or the poller stopping). The abort is wired by hand,
   * not through http's `signal` option, which adds a stream-end watcher with seven listeners to each poll.
   */
  getUpdates(payload: object, signal: AbortSignal): Promise<unknown[]> {
    if (signal.aborted) return Promise.reject(abortError());
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'keep-alive' };
      const request = this.client.request({ ...this.target, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let updates: unknown[];
          try {
            updates = answer(response.statusCode ?? 0, response.statusMessage ?? '', Buffer.concat(chunks).toString('utf8'));
          } catch (error) {
            return fail(error as Error);
          }
          signal.removeEventListener('abort', abort);
          resolve(updates);
        });
        // Cut off mid-body (a reset, an abort): failed here, unless it already settled.
        response.on('close', () => response.complete || fail(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' })));
      });
      const fail = (error: Error): void => {
        signal.removeEventListener('abort', abort);
        reject(error);
      };
      const abort = (): void => void request.destroy(abortError());
      signal.addEventListener('abort', abort, { once: true });
      // Network errors carry the request URL (and so the token) in their message: callers keep only the code.
      request.on('error', fail);
      request.end(body);
    });
  }
}

/** What an aborted fetch or http request rejects with. */
const abortError = (): Error => Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });

/** The Bot API's answer, as telegraf reads it: a 5xx by its status, anything else by its JSON. */
function answer(status: number, statusText: string, text: string): unknown[] {
  if (status >= 500) throw new TelegramApiError('getUpdates', status, statusText);
  let data: { ok?: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    throw new TelegramUnreachableError('getUpdates', `unreadable answer (HTTP ${status})`);
  }
  if (!data.ok) {
    const description = BotToken.redact(data.description ?? '');
    throw new TelegramApiError('getUpdates', data.error_code ?? status, description, data.parameters?.retry_after);
  }
  if (!Array.isArray(data.result)) throw new TelegramUnreachableError('getUpdates', `unreadable answer (HTTP ${status})`);
  return data.result as unknown[];
}
