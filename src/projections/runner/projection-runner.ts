import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { EventPump } from '../../processing/event-pump';
import { PositionWaiters } from '../../processing/position-waiters';
import { PumpSubscription } from '../../processing/pump-subscription';
import { ProjectionContext, Projector } from './projector';
import {
  CheckpointState,
  ensureCheckpointRows,
  readCheckpointState,
  selectCheckpoint,
  writeCheckpoint,
} from '../../processing/projection-checkpoint.store';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { dialectOf } from '../../processing/sql-dialect';
import { readModelTransaction } from '../../processing/read-model-transaction';
import { ConsumerProgress } from '../../processing/consumer-progress';
import { Fence } from '../../processing/leases/lease-keeper';

/** How often a replica that does not run this projection looks at its stored checkpoint while a query waits for it. */
const FOLLOW_POLL_MS = 50;

/** How often a frozen projection looks whether the rebuild has swapped its tables in. */
const FROZEN_POLL_MS = 100;
/** A projection frozen this long probably belongs to a rebuild that died: say so (re-running it finishes the swap). */
const FROZEN_WARN_MS = 60_000;
/**
 * Batches with no event for this projection commit nothing (no transaction, no checkpoint write). The
 * checkpoint catches up with them once the projection is idle (at most this often), or after
 * WRITE_AFTER_SKIPPED events: a restart re-reads a bounded stretch, and under load skipped batches cost
 * no write at all.
 */
const SKIPPED_WRITE_INTERVAL_MS = 1000;
const WRITE_AFTER_SKIPPED = 10_000;

/** The stored checkpoint is not where this runner left it (a rebuild froze it or swapped tables in). */
class CheckpointMovedError extends Error {
  constructor(readonly stored: CheckpointState | undefined) {
    super('the stored checkpoint moved (projection rebuild): restarting from it');
  }
}

/**
 * Runs one projector from its stored checkpoint: each batch's rows and the new checkpoint are committed
 * in one transaction, so a restart (or a crash mid-batch) resumes exactly after the last committed
 * batch: no gap, no double count.
 *
 * A rebuild (possibly in another process) may replace this projection's tables. Each batch therefore
 * re-reads the stored checkpoint inside its transaction, locked (`FOR UPDATE` on MySQL; SQLite takes
 * the database's write lock first): if it is frozen, or anyone but this runner wrote it since (position
 * and `updatedAt` as this runner left them), the batch writes nothing and the runner restarts from the
 * stored checkpoint once it is no longer frozen. The row exists from `start()` on (ensureCheckpointRows),
 * so that lock is always on a row, never on a gap.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private subscription?: PumpSubscription;
  /** Everything up to here is reflected in the read model (batches with nothing for it included). */
  private position: bigint | null = null;
  /** The checkpoint as this runner last read or wrote it (behind `position` by the skipped batches since). */
  private storedPosition: bigint | null = null;
  private skippedSinceWritten = 0;
  private writtenAt = 0;
  /**
   * `updatedAt` of the checkpoint as this runner last read or wrote it: any other writer (a rebuild's
   * freeze or swap) changes it, even when the position it leaves happens to be the same.
   */
  private stamp: string | undefined;
  private running = false;
  /** Set while another replica's projection could write the same checkpoint (leases): every batch checks it. */
  private fence?: Fence;
  /** Bumped on every (re)subscription: a batch from an older subscription is never applied. */
  private generation = 0;
  private restarting?: Promise<void>;
  private readonly waiters: PositionWaiters;
  private readonly listeners = new Set<(events: RecordedEvent[]) => void>();
  private readonly restartListeners = new Set<() => void>();
  /** Read by readiness and the lag metrics. */
  readonly progress: ConsumerProgress;
  /** `projector.handles` as a set: the filter that lets a typed projector see only its own event types. */
  private readonly handled: ReadonlySet<string>;

  constructor(
    readonly projector: Projector,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly checkpointName = projector.name,
    private readonly skippedWriteIntervalMs = SKIPPED_WRITE_INTERVAL_MS,
  ) {
    this.logger = new Logger(`Projection:${projector.name}`);
    this.progress = new ConsumerProgress(`projection:${projector.name}`);
    this.handled = new Set(projector.handles);
    this.waiters = new PositionWaiters(store);
  }

  /**
   * Resolves once subscribed, or at once when a rebuild holds the projection frozen (it resumes after the swap).
   * With `fence` (replicas), each batch is committed only while this replica still holds the projection's lease.
   */
  async start(fence?: Fence): Promise<void> {
    this.fence = fence;
    this.running = true;
    await ensureCheckpointRows(this.dataSource, [this.checkpointName]);
    const state = await this.readState();
    if (state?.frozen) {
      this.logger.log('frozen by a projection rebuild: waiting for its swap');
      this.restarting = this.resumeFromStored().finally(() => (this.restarting = undefined));
      return;
    }
    this.subscribe(state);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    await this.restarting;
    await this.subscription?.stop();
    // Saves the position reached through skipped batches, so the next start does not read them again.
    if (this.skippedSinceWritten > 0 && this.position !== null)
      await this.commit([], this.position).catch((error: unknown) => this.logger.warn(`checkpoint not saved at stop: ${String(error)}`));
  }

  get checkpoint(): bigint | null {
    return this.position;
  }

  /** Called after each committed batch (used to invalidate caches that sit on this read model). */
  onCommitted(listener: (events: RecordedEvent[]) => void): void {
    this.listeners.add(listener);
  }

  /** Called when the runner restarted from a checkpoint it did not write (a rebuild swapped the tables). */
  onRestarted(listener: () => void): void {
    this.restartListeners.add(listener);
  }

  /**
   * Resolves once this projection has committed everything up to `position` (or the timeout passed). When
   * another replica runs it, that is read from the stored checkpoint. `urgent`: see ProjectionsService.catchUp.
   */
  async waitFor(position: bigint, timeoutMs = 2000, urgent = true): Promise<boolean> {
    if (this.position !== null && this.position >= position) return true;
    if (!this.running) return this.waitForStored(position, timeoutMs);
    // Someone waits on this projection: neither it nor the pump is held for a busy intake meanwhile.
    return this.waiters.wait(position, timeoutMs, urgent);
  }

  private async waitForStored(position: bigint, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const stored = (await this.readState())?.position ?? null;
      if (stored !== null && stored >= position) return true;
      if (Date.now() >= until || this.running) return this.running ? this.waitFor(position, until - Date.now()) : false;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  }

  private subscribe(state: CheckpointState | undefined): void {
    const after = state?.position ?? null;
    this.position = this.storedPosition = after;
    this.skippedSinceWritten = 0;
    this.writtenAt = Date.now();
    this.progress.started(after);
    this.stamp = state?.updatedAt;
    const generation = ++this.generation;
    this.subscription = EventPump.of(this.store)
      .subscribe((events) => this.applyBatch(events, generation), {
        after,
        onIdle: () => this.writeSkipped(generation),
        onError: (error, attempt) => {
          if (error instanceof CheckpointMovedError) return this.logger.log(error.message);
          this.progress.failed(error);
          this.logger.error(`batch failed (attempt ${attempt}), will retry: ${String(error)}`);
        },
      })
      .start();
  }

  private async applyBatch(events: RecordedEvent[], generation: number): Promise<void> {
    if (generation !== this.generation) throw new CheckpointMovedError(undefined);
    // The pump hands events upcast, so `type` is the current name even for a renamed event.
    const relevant = events.filter((e) => this.handled.has(e.type));
    const last = events[events.length - 1].position;
    if (relevant.length === 0 && this.skippedSinceWritten + events.length < WRITE_AFTER_SKIPPED) {
      // Nothing for this projection: no transaction. A rebuild's freeze or swap is seen at the next write.
      this.skippedSinceWritten += events.length;
      return this.advanced(last);
    }
    await this.commitOrRestart(relevant, last);
  }

  /** Caught up: writes the checkpoint past the batches skipped since the last write (not more often than SKIPPED_WRITE_INTERVAL_MS). */
  private async writeSkipped(generation: number): Promise<void> {
    if (this.skippedSinceWritten === 0 || this.position === null || Date.now() - this.writtenAt < this.skippedWriteIntervalMs) return;
    if (generation !== this.generation) throw new CheckpointMovedError(undefined);
    await this.commitOrRestart([], this.position);
  }

  private async commitOrRestart(relevant: RecordedEvent[], last: bigint): Promise<void> {
    const moved = await this.commit(relevant, last);
    if (!moved) return;
    this.restart();
    throw new CheckpointMovedError(moved.stored);
  }

  /**
   * Applies `relevant` and moves the checkpoint to `last` in one transaction; returns what it found
   * instead, writing nothing, when a rebuild froze or moved the checkpoint.
   */
  private async commit(relevant: RecordedEvent[], last: bigint): Promise<{ stored: CheckpointState | undefined } | undefined> {
    // Shares one transaction with the other projections' batches of this moment on SQLite (see readModelTransaction).
    const outcome = await readModelTransaction(this.dataSource, async (em) => {
      const stored = await this.lockCheckpoint(em);
      // The lease first: a stale owner whose successor already moved the checkpoint must learn it lost the
      // lease (and stop) rather than restart from the successor's checkpoint and keep running.
      await this.fence?.(em);
      if (stored?.frozen || (stored?.position ?? null) !== this.storedPosition || stored?.updatedAt !== this.stamp) return { stored };
      if (relevant.length > 0) await this.projector.apply(relevant, ProjectionContext.live(em, this.projector));
      return { written: await writeCheckpoint(em, this.checkpointName, last.toString()) };
    });
    if (!('written' in outcome)) return outcome;
    this.storedPosition = last;
    this.skippedSinceWritten = 0;
    this.writtenAt = Date.now();
    this.stamp = outcome.written;
    if (relevant.length > 0) for (const listener of this.listeners) listener(relevant);
    this.advanced(last);
    return undefined;
  }

  private advanced(last: bigint): void {
    this.position = last;
    this.progress.advanced(last);
    this.resolveWaiters();
  }

  /** Stops the current subscription (its loop is about to see the batch fail) and resubscribes from the stored checkpoint. */
  private restart(): void {
    if (this.restarting) return;
    const old = this.subscription;
    this.generation += 1;
    this.restarting = (async () => {
      await old?.stop();
      await this.resumeFromStored();
    })().finally(() => (this.restarting = undefined));
  }

  /** Waits while the checkpoint is frozen (or unreadable), then subscribes from it. Never rejects. */
  private async resumeFromStored(): Promise<void> {
    const since = Date.now();
    let warned = false;
    let state: CheckpointState | undefined;
    while (this.running) {
      let wait = FROZEN_POLL_MS;
      try {
        state = await this.readState();
        if (!state?.frozen) break;
        this.progress.frozen = true;
      } catch (error) {
        this.progress.failed(error);
        this.logger.error(`cannot read the checkpoint, will retry: ${String(error)}`);
        wait = 1000;
      }
      if (!warned && Date.now() - since > FROZEN_WARN_MS) {
        warned = true;
        this.logger.warn(
          `frozen for over ${FROZEN_WARN_MS / 1000} s: if no rebuild is running, run \`projections rebuild ${this.projector.name}\` to finish the interrupted one`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (!this.running) return;
    this.subscribe(state);
    this.logger.log(`restarted from the stored checkpoint ${state?.position ?? 'start'}`);
    for (const listener of this.restartListeners) listener();
    this.resolveWaiters();
  }

  private readState(): Promise<CheckpointState | undefined> {
    return exclusiveOnSqlite(this.dataSource, () => readCheckpointState(this.dataSource, this.checkpointName));
  }

  /** The stored checkpoint, read so that nobody can change it before this transaction ends. */
  private async lockCheckpoint(em: EntityManager): Promise<CheckpointState | undefined> {
    // SQLite: readModelTransaction began IMMEDIATE, so the write lock is held (after waiting for another
    // process's) and this read stays current until the commit.
    return selectCheckpoint(em, this.checkpointName, dialectOf(this.dataSource) === 'mysql' ? ' FOR UPDATE' : '');
  }

  private resolveWaiters(): void {
    const position = this.position;
    if (position !== null) this.waiters.reached(position);
  }
}
