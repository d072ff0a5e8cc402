import { randomInt } from 'node:crypto';
import { BotApiError, conflict } from './api-error';
import type { Journal } from './journal';
import type { TgUpdate } from './types';

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface QueuedUpdate {
  update: TgUpdate;
  /** Put back by `redeliver`: handed out once more regardless of the confirmed offset. */
  redelivery: boolean;
}

interface Poller {
  wake(): void;
  terminate(error: BotApiError): void;
}

/** Update types a bot gets when it never chose (or chose an empty list). */
const OPT_IN_ONLY = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export class BotUpdates {
  /** Update ids are per bot and start at an arbitrary number, never at 1. */
  nextUpdateId = randomInt(100_000_000, 900_000_000);
  queue: QueuedUpdate[] = [];
  readonly history = new Map<number, TgUpdate>();
  webhook: WebhookConfig | null = null;
  allowedUpdates: string[] | null = null;
  lastError?: { date: number; message: string };
  delivering = false;
  poller?: Poller;

  accepts(update: TgUpdate): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    const allowed = this.allowedUpdates?.length ? this.allowedUpdates : null;
    return allowed ? allowed.includes(type) : !OPT_IN_ONLY.has(type);
  }
}

export interface GetUpdatesParams {
  offset?: number;
  limit?: number;
  timeoutSeconds?: number;
  allowedUpdates?: string[];
}

/** Per-bot update queues: what getUpdates hands out and what the webhook deliverer sends. An update stays
 * queued until confirmed (a later getUpdates offset, or a 2xx from the webhook). */
export class UpdateHub {
  private readonly bots = new Map<number, BotUpdates>();
  private closed = false;

  constructor(
    private readonly journal: Journal,
    private readonly onQueued: (botId: number) => void,
  ) {}

  of(botId: number): BotUpdates {
    let state = this.bots.get(botId);
    if (!state) {
      state = new BotUpdates();
      this.bots.set(botId, state);
    }
    return state;
  }

  push(botId: number, build: (updateId: number) => TgUpdate): TgUpdate {
    const state = this.of(botId);
    const update = build(state.nextUpdateId++);
    state.history.set(update.update_id, update);
    if (state.accepts(update)) this.enqueue(botId, { update, redelivery: false });
    return update;
  }

  redeliver(botId: number, updateId: number): void {
    const update = this.of(botId).history.get(updateId);
    if (!update) throw new Error(`bot ${botId} never had update ${updateId}`);
    this.enqueue(botId, { update, redelivery: true }, true);
  }

  async getUpdates(botId: number, params: GetUpdatesParams, signal: AbortSignal): Promise<TgUpdate[]> {
    const state = this.of(botId);
    if (state.webhook) {
      throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (params.allowedUpdates) state.allowedUpdates = params.allowedUpdates;
    this.confirm(state, params.offset ?? 0);
    state.poller?.terminate(conflict('terminated by other getUpdates request; make sure that only one bot instance is running'));
    const timeoutSeconds = params.timeoutSeconds ?? 0;
    if (state.queue.length === 0 && timeoutSeconds > 0 && !this.closed) {
      await this.waitForUpdates(state, timeoutSeconds * 1000, signal);
    }
    const limit = Math.min(Math.max(params.limit ?? 100, 1), 100);
    const batch = state.queue.slice(0, limit);
    state.queue = state.queue.filter((entry) => !(entry.redelivery && batch.includes(entry)));
    return batch.map((entry) => entry.update);
  }

  /** Telegram forgets updates below a positive offset; a negative one keeps only the last |offset|. */
  private confirm(state: BotUpdates, offset: number): void {
    if (offset > 0) {
      state.queue = state.queue.filter((entry) => entry.redelivery || entry.update.update_id >= offset);
    } else if (offset < 0) {
      state.queue = state.queue.slice(offset);
    }
    this.journal.changed();
  }

  private waitForUpdates(state: BotUpdates, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (error?: BotApiError): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (state.poller === poller) state.poller = undefined;
        this.journal.changed();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => done();
      const poller: Poller = { wake: () => done(), terminate: (error) => done(error) };
      const timer = setTimeout(() => done(), timeoutMs);
      signal.addEventListener('abort', onAbort);
      state.poller = poller;
      // A test may be waiting for this bot's long poll to be open.
      this.journal.changed();
    });
  }

  clearQueue(botId: number): void {
    this.of(botId).queue = [];
    this.journal.changed();
  }

  /** Ends every pending long poll with an empty result, as a server shutting down would. */
  close(): void {
    this.closed = true;
    for (const state of this.bots.values()) state.poller?.wake();
  }

  private enqueue(botId: number, entry: QueuedUpdate, first = false): void {
    const state = this.of(botId);
    if (first) state.queue.unshift(entry);
    else state.queue.push(entry);
    state.poller?.wake();
    this.journal.changed();
    this.onQueued(botId);
  }
}
