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
  /** The pump signalled new events since this follower last looked (looking clears it first). */
  private signalled = false;
  /** Ends the current sleep early: set while sleeping. */
  private interrupt?: () => void;
  /** Whether the current sleep ends on the pump's signal (the idle wait) or only on stop (a retry's back-off). */
  private wakeable = false;
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
    this.interrupt?.();
    await this.loop;
    if (this.loop) await this.pump.detach(this);
  }

  /** @internal The pump read new events. */
  wakeUp(): void {
    this.signalled = true;
    if (this.wakeable) this.interrupt?.();
  }

  /** @internal The pump's read failed: this follower gets nothing new until it recovers. */
  pumpFailed(error: unknown, attempt: number): void {
    if (!this.stopped) this.options.onError?.(error, attempt);
  }

  /**
   * Every follower of the process runs this loop for every batch the pump reads, so it allocates
   * nothing it does not need: no promise or timer while there is work, one timer per idle wait.
   */
  private async run(): Promise<void> {
    await this.pump.attach(this);
    const batchSize = this.options.batchSize ?? 500;
    let attempt = 0;
    while (!this.stopped) {
      // Cleared before looking, so events the pump reads in between are not missed.
      this.signalled = false;
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
        await this.sleep(Math.min((this.options.retryDelayMs ?? 200) * attempt, 5000), false);
        continue;
      }
      if (events.length === 0 && !this.signalled) await this.sleep(this.options.idleWaitMs ?? 1000, true);
    }
  }

  /** From the pump's window when this follower is inside it, else from the store (behind it: far back, or the window moved on). */
  private async next(batchSize: number): Promise<RecordedEvent[]> {
    // The pump may still be looking for the head (a failing store): stop() must not wait for it.
    const window = this.pump.startedWindow() ?? (await Promise.race([this.pump.window(), this.stopRequested.then(() => undefined)]));
    if (this.stopped) return [];
    const kept = window?.after(this.position, batchSize);
    if (kept) return kept;
    // Behind the window, reading on its own: as the pump's reads, this waits for a busy intake (IntakeFirst).
    const turn = this.pump.turn();
    if (turn) await Promise.race([turn, this.stopRequested]);
    if (this.stopped) return [];
    const read = await this.pump.store.readAll({ after: this.position ?? undefined, maxCount: batchSize });
    return read.map(upcast);
  }

  /** Waits `ms`, or less: until stop, or (when `wakeable`) the pump's next signal. */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.interrupt?.(), ms);
      this.wakeable = wakeable;
      this.interrupt = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        this.wakeable = false;
        resolve();
      };
    });
  }
}
