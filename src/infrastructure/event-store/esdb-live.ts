import { START, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient } from '@eventstore/db-client';
import { backoffMs } from '../backoff';
import { allPosition, toRecordedEvent } from './esdb-codec';
import type { LiveFeed } from './esdb-live-feed';
import type { StreamNamespace } from './esdb-namespace';
import { EventStoreReadTimeoutError } from './esdb-reads';

export interface LiveOptions {
  /** Reports a failure of the live subscription (it is re-opened with a back-off). */
  onSubscriptionError?: (error: unknown, attempt: number) => void;
  /** Back-off of the reconnects: first delay, doubled per failure up to `max`. */
  reconnectDelayMs?: { initial: number; max: number };
  /** A subscription the server has not confirmed within this many ms is dropped and re-opened. */
  confirmTimeoutMs: number;
  /** Whose events the subscription delivers (the server filters by the namespace's stream-name prefix). */
  namespace: StreamNamespace;
}

/**
 * The EventStoreDB adapter's one live `$all` subscription, shared by every `onAppended` listener of a
 * store: started with the first listener (after the namespace's current head in `$all`; system events, and
 * with `EVENTSTORE_STREAM_PREFIX` other namespaces' events, filtered out by the server), stopped with the
 * last, re-opened with an exponential back-off after the last event it delivered when it fails. It wakes
 * the listeners and fills the `LiveFeed` that `readAll` answers from.
 *
 * WARNING: listeners may miss wake-ups while it reconnects (they are called once after a reconnect);
 * a wake-up is a latency hint, never the data itself.
 */
export class EsdbLiveSubscription {
  private readonly listeners = new Set<() => void>();
  private subscription?: AllStreamSubscription;
  /** Bumped on every (re)start and stop, so handlers of a replaced subscription do nothing. */
  private generation = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempt = 0;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly feed: LiveFeed,
    /** Position of the last user event in `$all`, where a first subscription starts. */
    private readonly headPosition: () => Promise<bigint | null>,
    private readonly options: LiveOptions,
  ) {}

  listen(listener: () => void): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    if (!this.subscription && !this.reconnectTimer) this.start(false);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop();
    };
  }

  notifyListeners(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener is a wake-up hint; one that throws must not starve the others.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stop();
  }

  private start(isReconnect: boolean): void {
    if (this.closed || this.listeners.size === 0) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.closed;
    this.startPosition().then(
      ({ from, fresh }) => {
        if (!current()) return;
        // Only the start that opens the subscription sets the feed's origin, so a superseded one cannot leave a gap.
        if (fresh) this.feed.startAfter(from);
        this.open(generation, from, isReconnect);
      },
      (error: unknown) => {
        if (current()) this.scheduleReconnect(error);
      },
    );
  }

  /**
   * Where the subscription starts: right after the last event the previous one delivered, so the feed
   * goes on without a gap; on a first start (`fresh`), after the current head (read from `$all`).
   */
  private async startPosition(): Promise<{ from: bigint | null; fresh: boolean }> {
    const resume = this.feed.resumeFrom;
    if (resume !== undefined) return { from: resume, fresh: false };
    return { from: await this.headPosition(), fresh: true };
  }

  private open(generation: number, from: bigint | null, isReconnect: boolean): void {
    const current = () => generation === this.generation && !this.closed;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        // Exclusive of `from`: it is an event's own position (commit == prepare), never a filter checkpoint.
        fromPosition: from === null ? START : { commit: from, prepare: from },
        resolveLinkTos: false,
        filter: this.options.namespace.subscriptionFilter(),
      });
    } catch (error) {
      this.scheduleReconnect(error);
      return;
    }
    this.subscription = subscription;
    let failed = false;
    // The client subscribes without a deadline too: a node that never confirms would leave the feed down for good.
    const { confirmTimeoutMs } = this.options;
    const unconfirmed = setTimeout(
      () => fail(new EventStoreReadTimeoutError(confirmTimeoutMs, "the $all subscription's confirmation")),
      confirmTimeoutMs,
    );
    unconfirmed.unref();
    const fail = (error: unknown) => {
      clearTimeout(unconfirmed);
      if (failed || !current()) return;
      failed = true;
      this.subscription = undefined;
      this.feed.down();
      void subscription.unsubscribe().catch(() => undefined);
      this.scheduleReconnect(error);
    };
    subscription.on('confirmation', () => {
      clearTimeout(unconfirmed);
      if (!current()) return;
      this.reconnectAttempt = 0;
      if (isReconnect) this.notifyListeners();
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (!current()) return;
      this.reconnectAttempt = 0;
      const position = allPosition(resolved);
      const user = this.options.namespace.userEvent(resolved);
      if (position !== undefined) this.feed.deliver(position, user ? toRecordedEvent(user, position) : undefined);
      if (user) this.notifyListeners();
    });
    subscription.on('caughtUp', () => {
      if (!current()) return;
      this.feed.caughtUp();
      this.notifyListeners();
    });
    subscription.on('error', (error: Error) => fail(error));
    subscription.on('end', () => fail(new Error('EventStoreDB ended the $all subscription')));
    subscription.on('close', () => fail(new Error('EventStoreDB $all subscription closed')));
  }

  private scheduleReconnect(error: unknown): void {
    if (this.closed || this.listeners.size === 0 || this.reconnectTimer) return;
    this.reconnectAttempt += 1;
    try {
      this.options.onSubscriptionError?.(error, this.reconnectAttempt);
    } catch {
      // A failing reporter must not stop the reconnects.
    }
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    const delay = backoffMs(this.reconnectAttempt - 1, initial, max);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.start(true);
    }, delay);
    this.reconnectTimer.unref();
  }

  private async stop(): Promise<void> {
    this.generation += 1;
    this.reconnectAttempt = 0;
    this.feed.clear();
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription) await subscription.unsubscribe().catch(() => undefined);
  }
}
