import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { upcast } from '../../application/command-handling/upcasters';
import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { Reactor } from '../../application/reactors/reactor';
import { readCheckpoint, saveCheckpoint } from '../../projections/runner/projection-checkpoint.store';
import { CatchUpSubscription } from '../event-store/catch-up-subscription';
import { ConsumerProgress } from '../observability/consumer-progress';

/**
 * Drives a reactor from a checkpointed catch-up subscription. Within a batch, events with the same key
 * (one chat) run in order and different keys run concurrently; the checkpoint moves only when the whole
 * batch succeeded. A failing batch is retried from the same checkpoint, so nothing is skipped.
 *
 * A reactor with no checkpoint yet starts at the store's current head, not at the beginning: a new
 * deployment on an old history must not replay years of side effects.
 */
export class ReactorRunner {
  private readonly logger: Logger;
  private subscription?: CatchUpSubscription;
  readonly checkpointName: string;
  private checkpointWrites: Promise<void> = Promise.resolve();
  /** Read by readiness and the lag metrics. */
  readonly progress: ConsumerProgress;

  constructor(
    private readonly reactor: Reactor,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {
    this.logger = new Logger(`Reactor:${reactor.name}`);
    this.checkpointName = `reactor:${reactor.name}`;
    this.progress = new ConsumerProgress(this.checkpointName);
    this.progress.longRunning = reactor.longRunning ?? false;
  }

  async start(): Promise<void> {
    let after = await readCheckpoint(this.dataSource, this.checkpointName);
    if (after === undefined) {
      after = await this.store.headPosition();
      await saveCheckpoint(this.dataSource, this.checkpointName, after);
    }
    this.progress.started(after);
    this.subscription = new CatchUpSubscription(this.store, (events) => this.handleBatch(events), {
      after,
      batchSize: 200,
      onError: (error, attempt) => {
        this.progress.failed(error);
        this.logger.error(`batch failed (attempt ${attempt}), retrying: ${String(error)}`);
      },
    }).start();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.checkpointWrites;
  }

  private async handleBatch(events: RecordedEvent[]): Promise<void> {
    const groups = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      // Upcast first: an upcaster may rename a type, and the reactor only knows current names.
      const up = upcast(event);
      if (!this.reactor.handles.has(up.type)) continue;
      const key = this.reactor.key(up);
      groups.set(key, [...(groups.get(key) ?? []), up]);
    }
    const results = await Promise.allSettled(
      [...groups.values()].map(async (group) => {
        for (const event of group) await this.reactor.react(event);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    this.progress.advanced(events[events.length - 1].position);
    this.persistCheckpoint(events[events.length - 1].position);
  }

  /**
   * The checkpoint is written behind the reactor, not in its path: the next batch does not wait for
   * the read-model database. Writes stay in order; if the process dies first, the checkpoint is a
   * batch or two behind and those events are seen again (at-least-once, as documented on Reactor).
   */
  private persistCheckpoint(position: bigint): void {
    this.checkpointWrites = this.checkpointWrites
      .then(() => saveCheckpoint(this.dataSource, this.checkpointName, position))
      .catch((error: unknown) => this.logger.warn(`checkpoint not saved (will be on the next batch): ${String(error)}`));
  }
}
