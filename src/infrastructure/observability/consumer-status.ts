import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { ProjectionsService } from '../../projections/projections.service';
import { LifecycleService } from '../lifecycle.service';
import { ConsumerProgress } from '../../processing/consumer-progress';

/**
 * One look serves every caller within this window: a scrape reads both lag gauges, and the health routes face the
 * internet, so a burst of requests must not each read a page of the history.
 */
const SNAPSHOT_REUSE_MS = 500;

/** Events counted behind a consumer, at most (one page read per look; more shows as this many). */
export const LAG_COUNT_CAP = 1000;

export interface ConsumerSnapshot {
  name: string;
  position: bigint | null;
  head: bigint | null;
  /** Events recorded after its position (capped at LAG_COUNT_CAP). */
  lagEvents: number;
  /** Age of the oldest event it has not handled yet; 0 when caught up. */
  lagSeconds: number;
  /** How long its batches have been failing; 0 when they succeed. */
  failingSeconds: number;
  /** How long since its position last moved. */
  stillSeconds: number;
  lastError: string | null;
}

/**
 * How far each projection and reactor trails the event store, for readiness and the lag gauges.
 * Positions are opaque (EventStoreDB's are sparse), so lag in events is counted by reading, never by
 * subtracting positions: one page from the furthest-behind consumer serves every consumer. When all
 * are caught up (the normal case) nothing is read but the head.
 */
@Injectable()
export class ConsumerStatus {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  private last?: { at: number; snapshot: Promise<ConsumerSnapshot[]> };

  /** A snapshot at most SNAPSHOT_REUSE_MS old (shared with concurrent callers). */
  recentSnapshot(): Promise<ConsumerSnapshot[]> {
    const now = Date.now();
    if (!this.last || now - this.last.at > SNAPSHOT_REUSE_MS) this.last = { at: now, snapshot: this.snapshot(now) };
    return this.last.snapshot;
  }

  consumers(): ConsumerProgress[] {
    return [...[...this.projections.runners.values()].map((r) => r.progress), ...this.lifecycle.reactors.map((r) => r.progress)];
  }

  async snapshot(now = Date.now()): Promise<ConsumerSnapshot[]> {
    const head = await this.store.headPosition();
    const consumers = this.consumers();
    const behind = consumers.filter((c) => head !== null && c.position !== head);
    const page = behind.length > 0 ? await this.pageAfter(lowest(behind.map((c) => c.position))) : [];
    return Promise.all(
      consumers.map(async (c) => {
        const pending = c.position === head ? [] : await this.pendingFor(c.position, page);
        return {
          name: c.name,
          position: c.position,
          head,
          lagEvents: pending.length,
          lagSeconds: pending.length === 0 ? 0 : Math.max(0, (now - pending[0].recordedAt.getTime()) / 1000),
          failingSeconds: c.failingSince === null ? 0 : (now - c.failingSince) / 1000,
          stillSeconds: (now - c.movedAt) / 1000,
          lastError: c.lastError,
        };
      }),
    );
  }

  private pageAfter(position: bigint | null): Promise<RecordedEvent[]> {
    return this.store.readAll({ after: position ?? undefined, maxCount: LAG_COUNT_CAP });
  }

  /** The events after `position` (capped): from the shared page, or a read of their own when it ends before them. */
  private async pendingFor(position: bigint | null, page: RecordedEvent[]): Promise<RecordedEvent[]> {
    const after = page.filter((e) => position === null || e.position > position);
    return after.length === 0 && page.length === LAG_COUNT_CAP ? this.pageAfter(position) : after;
  }
}

function lowest(positions: (bigint | null)[]): bigint | null {
  let min: bigint | null | undefined;
  for (const p of positions) if (min === undefined || p === null || (min !== null && p < min)) min = p;
  return min ?? null;
}
