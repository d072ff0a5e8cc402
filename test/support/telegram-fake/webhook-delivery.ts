import * as http from 'node:http';
import { setMaxListeners } from 'node:events';
import * as https from 'node:https';
import type { Journal } from './journal';
import type { Json, TgUpdate } from './types';
import type { BotUpdates, UpdateHub, WebhookConfig } from './update-hub';

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_FACTOR = 16;

interface WebhookAnswer {
  status: number;
  statusText: string;
  body: Buffer;
  contentType: string;
}

/** Executes a Bot API method a webhook put in its response body, as Telegram allows. */
export type WebhookReplyHandler = (botId: number, request: Json) => Promise<void>;

/** POSTs each bot's queued updates to its webhook, one at a time and in order: the next update waits
 * until the previous one was answered with 2xx. Failures are retried with a growing, bounded delay until
 * delivered (real Telegram gives up after about a day) or the fake stops. */
export class WebhookDeliverer {
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private readonly aborter = new AbortController();
  private readonly sleepers = new Set<() => void>();

  constructor(
    private readonly hub: UpdateHub,
    private readonly journal: Journal,
    private readonly retryDelayMs: number,
    private readonly onReply: WebhookReplyHandler,
  ) {
    // Each delivery in flight (one per bot: 40 bots at once in the inbox bench) listens on the one stop signal
    // until its request closes: many listeners, not a leak — without this Node warned past 10.
    setMaxListeners(0, this.aborter.signal);
  }

  kick(botId: number): void {
    const state = this.hub.of(botId);
    if (this.aborter.signal.aborted || state.delivering || !state.webhook || state.queue.length === 0) return;
    state.delivering = true;
    void this.run(botId, state).finally(() => {
      state.delivering = false;
      this.journal.changed();
    });
  }

  stop(): void {
    this.aborter.abort();
    for (const wake of this.sleepers) wake();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async run(botId: number, state: BotUpdates): Promise<void> {
    let failures = 0;
    while (!this.aborter.signal.aborted && state.webhook && state.queue.length > 0) {
      const entry = state.queue[0];
      const webhook = state.webhook;
      const at = Date.now();
      // Errors from node:http may come from another realm under jest, so no `instanceof Error` here.
      const answer = await this.post(webhook, entry.update).catch((failure: NodeJS.ErrnoException) => ({ failure }));
      if (this.aborter.signal.aborted) return;
      const status = 'failure' in answer ? 0 : answer.status;
      const delivered = status >= 200 && status < 300;
      const error =
        'failure' in answer
          ? connectionError(answer.failure)
          : delivered
            ? undefined
            : `Wrong response from the webhook: ${answer.status} ${answer.statusText}`;
      this.journal.recordDelivery({ botId, updateId: entry.update.update_id, url: webhook.url, status, error, at });
      if (delivered && !('failure' in answer)) {
        state.queue = state.queue.filter((queued) => queued !== entry);
        failures = 0;
        await this.executeReply(botId, answer);
        continue;
      }
      state.lastError = { date: Math.floor(at / 1000), message: error ?? 'Unknown error' };
      failures += 1;
      await this.sleep(this.retryDelayMs * Math.min(2 ** (failures - 1), MAX_BACKOFF_FACTOR));
    }
  }

  private post(webhook: WebhookConfig, update: TgUpdate): Promise<WebhookAnswer> {
    const url = new URL(webhook.url);
    const body = Buffer.from(JSON.stringify(update));
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': body.length };
    if (webhook.secretToken) headers['x-telegram-bot-api-secret-token'] = webhook.secretToken;
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    return new Promise<WebhookAnswer>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers,
        agent: secure ? this.agents.https : this.agents.http,
        signal: this.aborter.signal,
        timeout: REQUEST_TIMEOUT_MS,
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('Read timeout expired'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            body: Buffer.concat(chunks),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
      });
      req.end(body);
    });
  }

  private async executeReply(botId: number, answer: WebhookAnswer): Promise<void> {
    if (!answer.contentType.includes('application/json') || answer.body.length === 0) return;
    try {
      const request = JSON.parse(answer.body.toString('utf8')) as Json;
      if (typeof request.method === 'string') await this.onReply(botId, request);
    } catch {
      // Telegram ignores a 2xx body it cannot use; so does the fake.
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function connectionError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    case 'ETIMEDOUT':
      return 'Read timeout expired';
    default:
      return error.message;
  }
}
