import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { EventPump } from '../../processing/event-pump';
import { PositionWaiters } from '../../processing/position-waiters';
import { PumpSubscription } from '../../processing/pump-subscription';
import { READ_MODEL_DATA_SOURCE } from '../projections.service';
import { readCheckpoint } from '../../processing/projection-checkpoint.store';

/**
 * The event history as this process reads it, for the in-memory indexes that intake and replies use
 * instead of the read-model database (HistoryBotDirectory, ReplyTargetIndex). One catch-up subscription
 * on the event store only: it keeps following while the read-model database is down or a projection lags.
 *
 * It starts where the `message_refs` projection stood when the app started, so that everything a reply
 * may answer is in that read model (up to its checkpoint) or in this tail (after it). It keeps no
 * checkpoint of its own: each start reads on from the read model's.
 */
@Injectable()
export class HistoryTail implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HistoryTail');
  private readonly listeners: ((events: RecordedEvent[]) => void)[] = [];
  private readonly waiters: PositionWaiters;
  private subscription?: PumpSubscription;
  private position: bigint | null = null;
  /** Where this tail began (exclusive; null: the very start of the history). */
  startedAfter: bigint | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {
    this.waiters = new PositionWaiters(store);
  }

  /** Hears every event read (upcast), in global order, once each. Listeners must not throw. */
  onEvents(listener: (events: RecordedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    this.position = this.startedAfter = (await readCheckpoint(this.dataSource, 'message_refs')) ?? null;
    this.subscription = EventPump.of(this.store)
      .subscribe((events) => Promise.resolve(this.take(events)), {
        after: this.startedAfter,
        batchSize: 1000,
        onError: (error, attempt) => this.logger.error(`reading the history failed (attempt ${attempt}), retrying: ${String(error)}`),
      })
      .start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
    this.waiters.cancelAll();
  }

  /** Resolves true once everything up to `position` has been read, false if `timeoutMs` passed first (or the app stops). */
  reached(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position !== null && this.position >= position) return Promise.resolve(true);
    // Someone (a reply, intake) waits on this: the pump is not held for a busy intake meanwhile.
    return this.waiters.wait(position, timeoutMs);
  }

  private take(events: RecordedEvent[]): void {
    for (const listener of this.listeners) listener(events);
    const position = events[events.length - 1].position;
    this.position = position;
    this.waiters.reached(position);
  }
}
