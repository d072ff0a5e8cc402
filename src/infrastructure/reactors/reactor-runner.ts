import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { Reactor } from '../../application/reactors/reactor';
import { BotToken } from '../../domain/client-bot/bot-token';
import { EventPump } from '../../processing/event-pump';
import { PumpSubscription } from '../../processing/pump-subscription';
import { ConsumerProgress } from '../../processing/consumer-progress';
import { CheckpointFrontier, FrontierTicket } from './checkpoint-frontier';
import { KeyedLanes } from './keyed-lanes';
import { ReactorCheckpointStore } from '../../processing/reactor-checkpoint.store';
import { ReactorAttempts, ReactorAttemptsFile } from '../../processing/reactor-attempts.store';
import { Fence } from '../../processing/leases/lease-keeper';

export interface ReactorRunnerOptions {
  /** Events with work above the checkpoint, at most; reading waits beyond it (bounded memory). */
  maxPending?: number;
  /** How long stop() waits for reactions already running (a hung call cannot be cancelled). */
  stopGraceMs?: number;
  /** Back-off before retry number `attempt` of a failed reaction. */
  retryDelayMs?: (attempt: number) => number;
  /** How often, at most, an idle reactor saves a checkpoint moved only by events it had nothing to do for. */
  skippedSaveIntervalMs?: number;
  /** How long after an out-of-order finish the finished set is saved (FINISHED_ABOVE_WRITE_DELAY_MS). */
  finishedAboveSaveDelayMs?: number;
  /** Where a reactor that `recordsAttempts` records them; without it, none are recorded. */
  attempts?: ReactorAttemptsFile;
  /** With replicas: the lease check every checkpoint write makes (a refused write stops this runner's lease). */
  fence?: Fence;
}

/**
 * Out-of-order finishes (a lane ahead of a slower one) are persisted in batches this far apart, so a
 * hung lane does not turn every other lane's reaction into a read-model write. A crash in between runs
 * those few again (at-least-once).
 */
const FINISHED_ABOVE_WRITE_DELAY_MS = 100;
/**
 * Events with nothing for this reactor move its checkpoint in memory only; it is saved with the next
 * reaction, once the reactor is idle (at most this often), at stop, or after SAVE_AFTER_SKIPPED events
 * (so a restart re-reads a bounded stretch). Under load, skipped batches cost no write.
 */
const SKIPPED_SAVE_INTERVAL_MS = 1000;
const SAVE_AFTER_SKIPPED = 10_000;

interface Job {
  event: RecordedEvent;
  ticket: FrontierTicket;
  /** Its attempt is recorded (a retry in the lane does not write it again). */
  attempted?: boolean;
}

/**
 * Drives a reactor from a checkpointed catch-up subscription through per-key lanes (see Reactor.key):
 * events are queued in their lane as they are read; a lane runs in order, lanes run independently, so a
 * chat that waits out a 429 or hangs delays only itself. A failed reaction is retried in its lane with
 * back-off (reported to readiness meanwhile); later events of that key wait for it, other keys go on.
 *
 * The checkpoint is the highest position below which every event has finished (CheckpointFrontier):
 * after a crash, work above it runs again — at-least-once, as documented on Reactor. Reading waits once
 * `maxPending` events with work are above the checkpoint, so a hung lane holds memory bounded, and
 * holds up the others only once that bound is reached.
 *
 * A reactor with no checkpoint yet starts at the store's current head, not at the beginning: a new
 * deployment on an old history must not replay years of side effects.
 *
 * A reactor whose repeats a user would see (`recordsAttempts`) has each reaction recorded as started
 * (before `react`) and finished (right after it, before the lane moves on) in the attempts file. After
 * a crash, only reactions started and not finished — in flight, at most one per lane — run again, told
 * they are repeats; finished ones are skipped although the checkpoint had not passed them yet.
 */
export class ReactorRunner {
  private readonly logger: Logger;
  private subscription?: PumpSubscription;
  private lanes?: KeyedLanes<Job>;
  private frontier = new CheckpointFrontier(null);
  /** The last position queued or skipped: a batch retried after a failure part-way is not queued twice. */
  private readThrough: bigint | null = null;
  /** Positions above the checkpoint that had finished before the restart: not run again. */
  private finishedBefore = new Set<bigint>();
  /** Reactions in flight when the process last died (attempt recorded, finish not): run again as repeats. */
  private repeats = new Set<bigint>();
  private readonly attempts?: ReactorAttempts;
  /** Keys whose current event is failing: readiness says "failing" until none is. */
  private readonly failingKeys = new Set<string>();
  private roomWaiters: (() => void)[] = [];
  private stopping = false;
  private stopped = false;
  readonly checkpointName: string;
  private readonly checkpoints: ReactorCheckpointStore;
  private checkpointWrites: Promise<void> = Promise.resolve();
  private checkpointWriteQueued = false;
  /** Ends the wait of a delayed checkpoint save at once (stop). */
  private wakeDelayedSave: () => void = () => undefined;
  /** Events skipped since the checkpoint was last saved. */
  private skippedSinceSaved = 0;
  private savedAt = 0;
  /** Read by readiness and the lag metrics. */
  readonly progress: ConsumerProgress;
  /** `reactor.handles` as a set: the filter that lets a typed reactor see only its own event types. */
  private readonly handled: ReadonlySet<string>;

  constructor(
    private readonly reactor: Reactor,
    private readonly store: EventStore,
    dataSource: DataSource,
    private readonly options: ReactorRunnerOptions = {},
  ) {
    this.logger = new Logger(`Reactor:${reactor.name}`);
    this.checkpointName = `reactor:${reactor.name}`;
    this.progress = new ConsumerProgress(this.checkpointName);
    this.attempts = reactor.recordsAttempts ? options.attempts?.of(this.checkpointName) : undefined;
    this.checkpoints = new ReactorCheckpointStore(dataSource, this.checkpointName, options.fence);
    this.progress.longRunning = reactor.longRunning ?? false;
    this.handled = new Set(reactor.handles);
  }

  async start(): Promise<void> {
    const stored = await this.checkpoints.read();
    const after = stored ? stored.position : await this.store.headPosition();
    if (!stored) await this.checkpoints.write(after, []);
    this.finishedBefore = stored?.finished ?? new Set();
    if (this.attempts && stored) {
      const { unfinished, finished } = this.attempts.read(after);
      finished.forEach((position) => this.finishedBefore.add(position));
      this.repeats = unfinished;
    }
    this.progress.started(after);
    this.frontier = new CheckpointFrontier(after);
    this.readThrough = after;
    const pump = EventPump.of(this.store);
    this.lanes = new KeyedLanes<Job>({
      run: (job) => this.react(job),
      turn: () => pump.turn(),
      onFailure: (error, job, key, attempt) => this.failed(error, job, key, attempt),
      onDone: (job, key) => this.finished(job, key),
      retryDelayMs: this.options.retryDelayMs,
    });
    this.subscription = pump
      .subscribe((events) => this.enqueue(events), {
        after,
        batchSize: 200,
        onIdle: () => this.saveSkipped(),
        onError: (error, attempt) => {
          this.progress.failed(error);
          this.logger.error(`reading events failed (attempt ${attempt}), retrying: ${BotToken.redact(String(error))}`);
        },
      })
      .start();
  }

  /**
   * Stops reading, starts nothing new, waits up to `stopGraceMs` for reactions already running, then
   * persists the checkpoint those finished ones reached. A reaction still running after that is
   * abandoned: it is never counted as done, so it runs again after the restart.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRoomWaiters();
    this.wakeDelayedSave();
    await this.subscription?.stop();
    const ended = await this.lanes?.stop(this.options.stopGraceMs ?? 5000);
    if (ended === false) this.logger.warn('stopped with reactions still running: they run again after the restart');
    this.stopped = true;
    if (this.skippedSinceSaved > 0) this.persistCheckpoint();
    await this.checkpointWrites;
  }

  /** The subscription's handler: queues each event in its lane and returns; it waits only for room. */
  private async enqueue(events: RecordedEvent[]): Promise<void> {
    let touched = false;
    for (const event of events) {
      if (this.stopping) return;
      if (this.readThrough !== null && event.position <= this.readThrough) continue;
      // The pump hands events upcast: an upcaster may rename a type, and the reactor only knows current names.
      if (!this.handled.has(event.type)) {
        this.frontier.skip(event.position);
        this.skippedSinceSaved += 1;
      } else if (this.finishedBefore.delete(event.position)) {
        // Finished before the restart: still listed as finished, in case the process dies again before the checkpoint passes it.
        this.frontier.finish(this.frontier.begin(event.position));
        touched = true;
      } else {
        while (this.frontier.pending >= (this.options.maxPending ?? 10_000) && !this.stopping) await this.room();
        if (this.stopping) return;
        touched = true;
        this.lanes?.push(this.reactor.key(event), { event, ticket: this.frontier.begin(event.position) });
      }
      this.readThrough = event.position;
    }
    // A batch with nothing for this reactor writes nothing (see SAVE_AFTER_SKIPPED).
    this.checkpointMoved(touched || this.skippedSinceSaved >= SAVE_AFTER_SKIPPED);
    // Reading works again; readiness keeps "failing" only while some lane still fails.
    if (this.failingKeys.size === 0 && this.progress.failingSince !== null) this.progress.recovered();
  }

  /** One reaction; for a reactor that records attempts, bracketed by its durable "started" and "finished". */
  private async react(job: Job): Promise<void> {
    const { event } = job;
    if (!this.attempts) return this.reactor.react(event);
    const repeat = this.repeats.has(event.position);
    if (!repeat && !job.attempted) {
      // Before anything visible happens: if this write fails, the lane retries and nothing was sent.
      this.attempts.started(event.position);
      job.attempted = true;
    }
    await this.reactor.react(event, { repeat });
    this.repeats.delete(event.position);
    // Unrecorded, it is still finished in memory and saved with the checkpoint (as for any reactor): a
    // crash before that runs it once more, as a repeat. Never a reason to run `react` again now.
    try {
      this.attempts.finished(event.position);
    } catch (error) {
      this.logger.warn(`finish of ${event.type} at ${event.position} not recorded: ${String(error)}`);
    }
  }

  /** Caught up: saves the checkpoint past the events skipped since the last save. */
  private saveSkipped(): Promise<void> {
    if (this.skippedSinceSaved > 0 && Date.now() - this.savedAt >= (this.options.skippedSaveIntervalMs ?? SKIPPED_SAVE_INTERVAL_MS))
      this.persistCheckpoint();
    return Promise.resolve();
  }

  /** Resolves when the checkpoint next moves (or the runner stops). */
  private room(): Promise<void> {
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private finished(job: Job, key: string): void {
    // After stop() gave up on it: the checkpoint it would move is no longer written (it runs again).
    if (this.stopped) return;
    if (this.failingKeys.delete(key) && this.failingKeys.size === 0) this.progress.recovered();
    if (this.frontier.finish(job.ticket)) {
      this.checkpointMoved();
      this.wakeRoomWaiters();
    } else {
      // Finished out of order: remembered a little later (and by its recorded finish, for a reactor recording attempts).
      this.persistCheckpoint(this.options.finishedAboveSaveDelayMs ?? FINISHED_ABOVE_WRITE_DELAY_MS);
    }
  }

  private failed(error: unknown, job: Job, key: string, attempt: number): void {
    this.failingKeys.add(key);
    this.progress.failed(error);
    const { type, position } = job.event;
    this.logger.error(
      `${type} at ${position} failed (attempt ${attempt}); its lane waits and retries, others go on: ${BotToken.redact(String(error))}`,
    );
  }

  private checkpointMoved(save = true): void {
    if (this.progress.position === this.frontier.position) return;
    this.progress.moved(this.frontier.position);
    if (save) this.persistCheckpoint();
  }

  /**
   * The checkpoint is written behind the reactor, not in its path: lanes do not wait for the read-model
   * database. Writes stay in order and coalesce (one queued at most, writing the latest position); if the
   * process dies first, the checkpoint is a little behind and those events are seen again (at-least-once).
   */
  private persistCheckpoint(delayMs = 0): void {
    if (this.checkpointWriteQueued) return;
    this.checkpointWriteQueued = true;
    this.checkpointWrites = this.checkpointWrites
      .then(() => (delayMs > 0 && !this.stopping ? this.delay(delayMs) : undefined))
      .then(async () => {
        this.checkpointWriteQueued = false;
        this.skippedSinceSaved = 0;
        this.savedAt = Date.now();
        const position = this.frontier.position;
        await this.checkpoints.write(position, this.frontier.finishedAbove());
        try {
          // Only once the checkpoint is stored: a restart never reads those events again.
          this.attempts?.forgetThrough(position);
        } catch (error) {
          this.logger.warn(`passed attempts not dropped (will be with the next checkpoint): ${String(error)}`);
        }
      })
      .catch((error: unknown) => this.logger.warn(`checkpoint not saved (will be on the next move): ${String(error)}`));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeDelayedSave = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
