import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';

export interface CatchUpOptions {
  /** Exclusive start position (a stored checkpoint); `null` reads from the beginning. */
  after: bigint | null;
  batchSize?: number;
  /** Safety net when no append notification arrives (another process wrote). */
  idleWaitMs?: number;
  /** Back-off after a failed batch; the batch is retried from the same position, never skipped. */
  retryDelayMs?: number;
  onError?: (error: unknown, attempt: number) => void;
}

/**
 * A catch-up subscription over the whole store: reads history from `after` in batches, then follows
 * live appends. Each batch is handed to `handle`; the position only advances once `handle` resolved,
 * so a failing handler sees the same batch again (at-least-once — consumers make effects idempotent
 * or commit their checkpoint with their writes).
 *
 * Works the same over both adapters because it only uses `readAll` and the `onAppended` hint.
 */
export class CatchUpSubscription {
  private stopped = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private position: bigint | null;
  private readonly unsubscribe: () => void;
  private signalStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    private readonly store: EventStore,
    private readonly handle: (events: RecordedEvent[]) => Promise<void>,
    private readonly options: CatchUpOptions,
  ) {
    this.position = options.after;
    this.unsubscribe = store.onAppended(() => this.wake?.());
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
    this.unsubscribe();
    this.signalStop();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let attempt = 0;
    while (!this.stopped) {
      // Arm the wake-up before reading so an append between the read and the wait is not missed.
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      let events: RecordedEvent[];
      try {
        events = await this.store.readAll({ after: this.position ?? undefined, maxCount: batchSize });
        if (events.length > 0 && !this.stopped) {
          await this.handle(events);
          this.position = events[events.length - 1].position;
        }
        attempt = 0;
      } catch (error) {
        attempt += 1;
        this.options.onError?.(error, attempt);
        await this.sleepOrWake(this.stopRequested, Math.min((this.options.retryDelayMs ?? 200) * attempt, 5000));
        continue;
      }
      if (events.length < batchSize) {
        await this.sleepOrWake(Promise.race([woken, this.stopRequested]), this.options.idleWaitMs ?? 1000);
      }
    }
  }

  private async sleepOrWake(woken: Promise<void>, ms: number): Promise<void> {
    if (this.stopped) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
