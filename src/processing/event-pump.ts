import { Logger } from '@nestjs/common';
import { upcast } from '../application/command-handling/upcasters';
import { EventStore, RecordedEvent } from '../application/ports/event-store.port';
import { DecodedWindow } from './decoded-window';
import { IntakeFirst } from './intake-first';
import { PumpSubscription, SubscribeOptions } from './pump-subscription';

export interface EventPumpOptions {
  /** Events kept decoded in memory for the consumers that follow the head; older ones are read again from the store. */
  windowSize?: number;
  /** Events per `readAll` of the pump. */
  batchSize?: number;
  /** Safety net when no append notification arrives (another process — the CLI, a second app — wrote). */
  idleWaitMs?: number;
}

const pumps = new WeakMap<EventStore, EventPump>();

/**
 * One reader of the store for every projection, reactor and tail of the process: each new event is read
 * once, decoded once and upcast once, kept in a bounded window, and handed to every subscription from
 * there. Each subscription keeps its own position and retries; one that falls behind the window (a new
 * projection, a long outage, a slow consumer while the window moved on) reads the store by itself until
 * it is back inside. The window is bounded, so a slow consumer never makes the pump hold more.
 *
 * The pump belongs to its store (`EventPump.of(store)`: one per store, so one per process) and only runs
 * while it has subscriptions: the last `stop()` ends its loop, before the app closes the store.
 */
export class EventPump {
  private readonly logger = new Logger('EventPump');
  private readonly subscriptions = new Set<PumpSubscription>();
  private session?: PumpSession;
  private ended: Promise<void> = Promise.resolve();
  private intake?: IntakeFirst;

  constructor(
    readonly store: EventStore,
    readonly options: EventPumpOptions = {},
  ) {}

  /** The pump of `store`, created on first use. */
  static of(store: EventStore): EventPump {
    let pump = pumps.get(store);
    if (!pump) pumps.set(store, (pump = new EventPump(store)));
    return pump;
  }

  /**
   * Background work gives way to the webhook intake when it is busy (IntakeFirst): the pump reads no new
   * events and the reactors' lanes (asking `turn()`) start no new reaction meanwhile.
   */
  yieldTo(intake: IntakeFirst | undefined): void {
    this.intake = intake;
  }

  /** Runs `wait`, a wait on the history someone is in, with nothing held up for the intake meanwhile (IntakeFirst.meanwhile). */
  hurry<T>(wait: () => Promise<T>): Promise<T> {
    return this.intake ? this.intake.meanwhile(wait) : wait();
  }

  /** `undefined` when background work may go on now; otherwise resolves when it may (see IntakeFirst). */
  turn(): Promise<void> | undefined {
    return this.intake?.turn();
  }

  /** Follows the store from `options.after` (exclusive), in batches, like a catch-up subscription; call `start()`. */
  subscribe(handle: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions): PumpSubscription {
    return new PumpSubscription(this, handle, options);
  }

  /** The window, when the pump runs and knows where it starts (no waiting: followers call this per batch). */
  startedWindow(): DecodedWindow | undefined {
    return this.session?.window.started ? this.session.window : undefined;
  }

  /** The window the pump keeps, once it knows where it starts; `undefined` while it is stopping. */
  async window(): Promise<DecodedWindow | undefined> {
    const session = this.session;
    await session?.ready;
    return session?.window.started ? session.window : undefined;
  }

  /** @internal A subscription starts following: the first one starts the pump. */
  async attach(subscription: PumpSubscription): Promise<void> {
    this.subscriptions.add(subscription);
    if (!this.session) {
      await this.ended; // the previous session's read is over before a new one begins
      this.session ??= new PumpSession(
        this.store,
        this.options,
        (error, attempt) => this.failed(error, attempt),
        () => this.advanced(),
        () => this.turn(),
      );
    }
  }

  /** @internal A subscription stopped: the last one stops the pump (and waits for its read to end). */
  async detach(subscription: PumpSubscription): Promise<void> {
    if (!this.subscriptions.delete(subscription) || this.subscriptions.size > 0 || !this.session) return;
    const session = this.session;
    this.session = undefined;
    this.ended = session.stop();
    await this.ended;
  }

  private advanced(): void {
    for (const subscription of this.subscriptions) subscription.wakeUp();
  }

  /** A failed read of the pump is every follower's failure (their readiness says so); the pump retries. */
  private failed(error: unknown, attempt: number): void {
    if (attempt === 1) this.logger.warn(`reading the store failed, retrying: ${String(error)}`);
    for (const subscription of this.subscriptions) subscription.pumpFailed(error, attempt);
  }
}

/** One run of the pump's read loop, from the store's head at its start. */
class PumpSession {
  readonly window: DecodedWindow;
  readonly ready: Promise<void>;
  private stopped = false;
  private wake?: () => void;
  private signalStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.signalStop = resolve));
  private readonly unsubscribe: () => void;
  private readonly loop: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly options: EventPumpOptions,
    private readonly onError: (error: unknown, attempt: number) => void,
    private readonly onAdvanced: () => void,
    private readonly turn: () => Promise<void> | undefined,
  ) {
    this.window = new DecodedWindow(options.windowSize ?? 2_000);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.unsubscribe = store.onAppended(() => this.wake?.());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.signalStop();
    this.markReady();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let attempt = 0;
    let started = false;
    while (!this.stopped) {
      // Armed before reading, so an append between the read and the wait is not missed.
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      let read = 0;
      try {
        if (!started) {
          // Starting at the head: followers behind it read the store themselves, nobody waits for the pump to replay.
          this.window.startAfter(await this.store.headPosition());
          started = true;
          this.markReady();
        }
        const turn = this.turn();
        if (turn) await Promise.race([turn, this.stopRequested]);
        if (this.stopped) break;
        const events = await this.store.readAll({ after: this.window.head ?? undefined, maxCount: batchSize });
        read = events.length;
        if (read > 0 && !this.stopped) {
          this.window.push(events.map(upcast));
          this.onAdvanced();
        }
        attempt = 0;
      } catch (error) {
        attempt += 1;
        this.onError(error, attempt);
        await this.sleepOrWake(this.stopRequested, Math.min(200 * attempt, 5000));
        continue;
      }
      if (read < batchSize) await this.sleepOrWake(Promise.race([woken, this.stopRequested]), this.options.idleWaitMs ?? 1000);
    }
  }

  private async sleepOrWake(woken: Promise<void>, ms: number): Promise<void> {
    if (this.stopped) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
