import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store.port';
import { BotToken } from '../../domain/client-bot/bot-token';
import { READ_MODEL_DATA_SOURCE } from '../../projections/projections.service';
import { ConsumerProgress } from '../../processing/consumer-progress';
import { ConsumerSnapshot, ConsumerStatus } from './consumer-status';
import { LeaseKeeper } from '../../processing/leases/lease-keeper';
import { LEASE_KEEPER } from '../replicas/leased-processors';

/** A storage probe that has not answered by then counts as unreachable. */
const PROBE_TIMEOUT_MS = 3000;

export const HEALTH_FAILING_AFTER_SECONDS = Symbol('HEALTH_FAILING_AFTER_SECONDS');

/**
 * The readiness checks (terminus indicators). Each result carries details — positions, heads, error
 * texts — that the health controller shows only to a bearer of HEALTH_TOKEN.
 *
 * A projection or reactor is down when its batches have failed for longer than
 * HEALTH_FAILING_AFTER_SECONDS, or when it has an event older than that still unhandled and has not
 * moved for that long (a hung call, 429 waits longer than the threshold). A projection held by a
 * rebuild, and a reactor whose work legitimately takes minutes (a paced broadcast), count as stuck
 * never, only as failing.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly consumers: ConsumerStatus,
    @Inject(HEALTH_FAILING_AFTER_SECONDS) private readonly failingAfterSeconds: number,
    @Optional() @Inject(LEASE_KEEPER) private readonly leases?: LeaseKeeper | null,
  ) {}

  /**
   * With replicas: which leases (processors, intake, scheduler) this replica holds, how many replicas it counts as
   * live and its share of the leases. Always up: a replica running none still records and serves.
   */
  replica(): HealthIndicatorResult {
    if (!this.leases) return {};
    return this.indicators.check('replica').up({ owner: this.leases.owner, runsHere: this.leases.owned(), ...this.leases.balance() });
  }

  async eventStore(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('eventStore');
    try {
      const head = await probe(this.store.headPosition());
      return check.up({ head: head?.toString() ?? null });
    } catch (error) {
      return check.down({ error: describe(error) });
    }
  }

  /** Reads the checkpoint table, not `SELECT 1`: a pooled MySQL connection answers that even after its database was dropped. */
  async readModels(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('readModels');
    try {
      await probe(this.dataSource.query('SELECT 1 FROM projection_checkpoints LIMIT 1'));
      return check.up();
    } catch (error) {
      return check.down({ error: describe(error) });
    }
  }

  /** One result per projection and reactor; none when the store cannot be read (that is already down). */
  async projectionsAndReactors(): Promise<HealthIndicatorResult> {
    let snapshots: ConsumerSnapshot[];
    try {
      snapshots = await probe(this.consumers.recentSnapshot());
    } catch {
      return {};
    }
    const progress = new Map(this.consumers.consumers().map((c) => [c.name, c]));
    return Object.assign(
      {},
      ...snapshots.map((s) => {
        const check = this.indicators.check(s.name);
        if (s.runsHere === false) return check.up({ runsHere: false });
        const details = {
          position: s.position?.toString() ?? null,
          head: s.head?.toString() ?? null,
          lagEvents: s.lagEvents,
          lagSeconds: round(s.lagSeconds),
          failingSeconds: round(s.failingSeconds),
          ...(s.lastError ? { lastError: s.lastError } : {}),
          ...(progress.get(s.name)?.frozen ? { frozenByRebuild: true } : {}),
          ...(s.runsHere ? { runsHere: true } : {}),
        };
        return this.isDown(s, progress.get(s.name)) ? check.down(details) : check.up(details);
      }),
    ) as HealthIndicatorResult;
  }

  private isDown(s: ConsumerSnapshot, progress: ConsumerProgress | undefined): boolean {
    const limit = this.failingAfterSeconds;
    if (s.failingSeconds > limit) return true;
    if (progress?.frozen || progress?.longRunning) return false;
    return s.lagSeconds > limit && s.stillSeconds > limit;
  }
}

function probe<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  return BotToken.redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
