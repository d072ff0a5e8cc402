import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { upcast } from '../../application/command-handling/upcasters';
import { CatchUpSubscription } from '../../infrastructure/event-store/catch-up-subscription';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';
import { Projector } from './projector';
import { readCheckpoint } from './projection-checkpoint.store';
import { exclusiveOnSqlite } from './exclusive-on-sqlite';

/**
 * Runs one projector from its stored checkpoint: each batch's rows and the new checkpoint are committed
 * in one transaction, so a restart (or a crash mid-batch) resumes exactly after the last committed
 * batch: no gap, no double count.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private subscription?: CatchUpSubscription;
  private position: bigint | null = null;
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private readonly listeners = new Set<(events: RecordedEvent[]) => void>();

  constructor(
    readonly projector: Projector,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly checkpointName = projector.name,
  ) {
    this.logger = new Logger(`Projection:${projector.name}`);
  }

  async start(): Promise<void> {
    this.position = (await readCheckpoint(this.dataSource, this.checkpointName)) ?? null;
    this.subscription = new CatchUpSubscription(this.store, (events) => this.applyBatch(events), {
      after: this.position,
      onError: (error, attempt) => this.logger.error(`batch failed (attempt ${attempt}), will retry: ${String(error)}`),
    }).start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  get checkpoint(): bigint | null {
    return this.position;
  }

  /** Called after each committed batch (used to invalidate caches that sit on this read model). */
  onCommitted(listener: (events: RecordedEvent[]) => void): void {
    this.listeners.add(listener);
  }

  /** Resolves once this projection has committed everything up to `position` (or the timeout passed). */
  async waitFor(position: bigint, timeoutMs = 2000): Promise<boolean> {
    if (this.position !== null && this.position >= position) return true;
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs).unref();
    });
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    const relevant = events.filter((e) => this.projector.handles.has(e.type)).map(upcast);
    const last = events[events.length - 1].position;
    await exclusiveOnSqlite(this.dataSource, () => this.dataSource.transaction(async (em) => {
      if (relevant.length > 0) await this.projector.apply(relevant, em);
      await em.getRepository(ProjectionCheckpoint).save({ name: this.checkpointName, position: last.toString(), updatedAt: new Date().toISOString() });
    }));
    this.position = last;
    if (relevant.length > 0) for (const listener of this.listeners) listener(relevant);
    this.waiters = this.waiters.filter((w) => (w.position <= last ? (w.resolve(), false) : true));
  }
}
