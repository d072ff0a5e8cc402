import { upcast } from '../application/command-handling/upcasters';
import { RecordedEvent } from '../application/ports/event-store.port';
import type { EventPump } from './event-pump';

export interface SubscribeOptions {
  /** Exclusive start position (a stored checkpoint); `null` reads from the beginning. */
  after: bigint | null;
  batchSize?: number;
  /** Longest wait for the pump's signal before looking again (a safety net; the pump polls the store itself). */
  idleWaitMs?: number;
  /** Back-off after a failed batch; the batch is retried from the same position, never skipped. */
  retryDelayMs?: number;
  /**
   * Called (and awaited, between batches) each time this follower has caught up and is about to wait:
   * where a consumer saves what it deferred. A failure is handled like a failed batch.
   */
  onIdle?: () => Promise<void>;
  /** A failed batch of this subscription, or a failed read of the pump it waits on. */
  onError?: (error: unknown, attempt: number) => void;
}

/**
 * One follower of the event pump: hands `handle` the events after its own position, in global order and
 * in batches, upcast. The position only advances once `handle` resolved, so a failing handler sees the
 * same batch again (at-least-once — consumers make effects idempotent or commit their checkpoint with
 * their writes); other followers go on meanwhile. Served from the pump's window while its position is
 * inside it; below it, reads the store by itself until it is back.
 */
export class PumpSubscription {
  private stopped = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private position: bigint | null;
  private signalStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    private readonly pump: EventPump,
    private readonly handle: (events: RecordedEvent[]) => Promise<void>,
    private readonly options: SubscribeOptions,
  ) {
    this.position = options.after;
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Position of the last event handled. */
  get lastPosition(): bigint | null {
    return this.position;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    await this.loop;
    if (this.loop) await this.pump.detach(this);
  }

  /** @internal The pump read new events. */
  wakeUp(): void {
    this.wake?.();
  }

  /** @internal The pump's read failed: this follower gets nothing new until it recovers. */
  pumpFailed(error: unknown, attempt: number): void {
    if (!this.stopped) this.options.onError?.(error, attempt);
  }

  private async run(): Promise<void> {
    await this.pump.attach(this);
    const batchSize = this.options.batchSize ?? 500;
    let attempt = 0;
    while (!this.stopped) {
      // Armed before looking, so events the pump reads in between are not missed.
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      let events: RecordedEvent[];
      try {
        events = await this.next(batchSize);
        if (events.length > 0 && !this.stopped) {
          await this.handle(events);
          this.position = events[events.length - 1].position;
        } else if (events.length === 0 && !this.stopped) {
          await this.options.onIdle?.();
        }
        attempt = 0;
      } catch (error) {
        attempt += 1;
        this.options.onError?.(error, attempt);
        await this.sleepOrWake(this.stopRequested, Math.min((this.options.retryDelayMs ?? 200) * attempt, 5000));
        continue;
      }
      if (events.length === 0) await this.sleepOrWake(Promise.race([woken, this.stopRequested]), this.options.idleWaitMs ?? 1000);
    }
  }

  /** From the pump's window when this follower is inside it, else from the store (behind it: far back, or the window moved on). */
  private async next(batchSize: number): Promise<RecordedEvent[]> {
    // The pump may still be looking for the head (a failing store): stop() must not wait for it.
    const window = await Promise.race([this.pump.window(), this.stopRequested.then(() => undefined)]);
    if (this.stopped) return [];
    const kept = window?.after(this.position, batchSize);
    if (kept) return kept;
    const read = await this.pump.store.readAll({ after: this.position ?? undefined, maxCount: batchSize });
    return read.map(upcast);
  }

  private async sleepOrWake(woken: Promise<void>, ms: number): Promise<void> {
    if (this.stopped) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
