import { KeyedSerialQueue } from '../../application/shared/keyed-serial-queue';

export interface KeyedLanesOptions<T> {
  /** The work for one item; a rejection is retried in the same lane, which waits meanwhile. */
  run(item: T, key: string): Promise<void>;
  /** Called once per failed attempt, before the back-off. */
  onFailure(error: unknown, item: T, key: string, attempt: number): void;
  /** Called once per item, when its work has finished (never for an abandoned one). */
  onDone(item: T, key: string): void;
  /**
   * Asked before each item starts (not before its retries): `undefined` to go on at once, or a promise to
   * wait for first (the webhook intake is busy: IntakeFirst).
   */
  turn?(): Promise<void> | undefined;
  /** Wait before retry number `attempt` (1-based); by default 200 ms more each time, up to 5 s. */
  retryDelayMs?(attempt: number): number;
}

const defaultRetryDelay = (attempt: number): number => Math.min(200 * attempt, 5000);

/**
 * The reactors' lanes: a KeyedSerialQueue (the same primitive the command side serialises streams with)
 * plus retries, done-callbacks and a bounded stop. Items pushed with the same key (a lane — for reactors,
 * one chat) run strictly one after another in push order; different lanes run concurrently and know
 * nothing of each other, so a lane that is slow, rate-limited, hung or failing delays only its own later items.
 *
 * A failing item is retried in its lane with back-off until it succeeds (or the lanes stop): later items
 * of that key wait behind it, so per-key order holds across failures. The queue itself is unbounded —
 * the caller bounds what it pushes (the reactor runner waits on its checkpoint frontier).
 */
export class KeyedLanes<T> {
  private readonly queue = new KeyedSerialQueue();
  private stopping = false;
  private signalStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.signalStop = resolve));
  private queued = 0;

  constructor(private readonly options: KeyedLanesOptions<T>) {}

  /** Items queued or running, over all lanes. */
  get size(): number {
    return this.queued;
  }

  /** Queues `item` behind the earlier items of `key`. Returns false (and queues nothing) once stopping. */
  push(key: string, item: T): boolean {
    if (this.stopping) return false;
    this.queued += 1;
    void this.queue.run(key, async () => {
      const turn = this.options.turn?.();
      if (turn) await Promise.race([turn, this.stopRequested]);
      // Once stopping, items still queued are abandoned (not done): they run again after the restart.
      const done = !this.stopping && (await this.runUntilDone(item, key));
      this.queued -= 1;
      if (done) this.options.onDone(item, key);
    });
    return true;
  }

  /**
   * No item starts any more and retries end (their items are abandoned, not done). Waits for the items
   * already running, at most `graceMs` (a hung call cannot be cancelled); returns whether they all ended.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    this.signalStop();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const ended = await Promise.race([this.queue.settled().then(() => true), expired]);
    clearTimeout(timer);
    return ended;
  }

  /** True once `item` succeeded; false when the lanes stopped before it did. */
  private async runUntilDone(item: T, key: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.run(item, key);
        return true;
      } catch (error) {
        if (this.stopping) return false;
        this.options.onFailure(error, item, key, attempt);
        await this.sleep((this.options.retryDelayMs ?? defaultRetryDelay)(attempt));
        if (this.stopping) return false;
      }
    }
  }

  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.stopRequested, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
