import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { HeldLease, LeaseLostError, ProcessorLeaseStore } from './processor-lease.store';

/** Checks, inside a write's transaction, that the writer still holds its lease (throws LeaseLostError if not). */
export type Fence = (em: EntityManager) => Promise<void>;

/** Something only one replica may run at a time: a projection, a reactor, Telegram intake, the scheduler. */
export interface LeasedWork {
  /** The lease's name (`projection:<name>`, `reactor:<name>`, `telegram-intake`, `scheduler`). */
  readonly name: string;
  /** Starts running under `lease` (its writes check it with `ProcessorLeaseStore.fence`). */
  start(lease: HeldLease): Promise<void>;
  /** Stops; resolves once nothing of it runs any more. */
  stop(): Promise<void>;
}

export interface LeaseTimings {
  /** How often held leases are renewed and free ones tried. */
  renewEveryMs: number;
  /** How long a lease lasts without renewal: a dead owner's work moves after at most ttl + renewEvery. */
  ttlMs: number;
  /**
   * A holder that could not renew for this long stops its work itself, before its lease can expire: the
   * time a reactor's stop grace needs must fit between this and the TTL (see LEASE_TIMINGS).
   */
  demoteAfterMs: number;
}

/**
 * Failover within 15 s: renewals every 3 s, a 10 s TTL, and one more attempt by another replica. An
 * owner that cannot reach the database stops its processors 4 s after its last renewal; a reactor's
 * stop gives running reactions 5 s: all that is over before the TTL lets anyone else in.
 */
export const LEASE_TIMINGS: LeaseTimings = { renewEveryMs: 3000, ttlMs: 10_000, demoteAfterMs: 4000 };

/** A replica's identity in `processor_leases.owner`: where to look (host, pid) and unique across restarts. */
export const replicaId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Owners on this host (same hostname) whose process is gone: their leases need not run out. A container
 * restarted in place keeps its hostname and often its pid (1): an owner with our pid but another id is
 * our previous life. A pid alive under another process (reused) merely makes us wait for the TTL.
 */
export function deadOnThisHost(owners: string[], self: string): string[] {
  const host = `${hostname()}:`;
  return owners.filter((owner) => {
    if (owner === self || !owner.startsWith(host)) return false;
    const pid = Number(owner.slice(host.length).split(':')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as { code?: string }).code === 'ESRCH';
    }
  });
}

interface Holding {
  lease: HeldLease;
  renewedAt: number;
}

/** How many leases a replica runs when `live` replicas share `works`: its fair share, rounded up. */
export const fairShare = (works: number, live: number): number => Math.ceil(works / Math.max(1, live));

/**
 * Runs each work only while this replica holds its lease: every `renewEveryMs` it renews its heartbeat and
 * what it holds, tries what nobody holds (or whose holder stopped renewing), starts what it took and stops
 * what it lost. Ticks never overlap, and a work is stopped completely before its lease is tried again, so
 * one replica never runs a processor twice.
 *
 * Balanced: with N live replicas (live heartbeats) a replica takes free leases only while it runs fewer than
 * ceil(works / N), and hands its surplus back when others join — each stopped as at a graceful stop (a
 * projection after its batch, a reactor once its running reactions end, within its stop grace), then
 * released, so another replica takes it at its next round. A lease left over for a whole TTL (no replica
 * with room took it) is taken by any replica, so a replica that counts as live but takes nothing cannot
 * leave a processor unowned for long.
 *
 * WARNING: a lease bounds who *starts* work, not when a call already sent ends. A reaction hung past its
 * owner's stop grace is abandoned, not cancelled: if it completes after the new owner redid it, the
 * customer sees it twice (the duplicates a hand-over may cost are the calls in flight).
 */
export class LeaseKeeper {
  private readonly logger = new Logger('Leases');
  private readonly works: LeasedWork[] = [];
  private readonly held = new Map<string, Holding>();
  private timer?: NodeJS.Timeout;
  private tick: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Owners on this host found dead at start (see deadOnThisHost): their leases are taken without waiting. */
  private deadOwners: string[] = [];
  private readonly listeners = new Set<() => void>();
  /** Live replicas at the last round (this one included), and so this replica's share. */
  private live = 1;

  constructor(
    private readonly store: ProcessorLeaseStore,
    readonly owner: string,
    private readonly timings: LeaseTimings = LEASE_TIMINGS,
  ) {}

  /** Adds a work; it is tried at the next tick. */
  add(work: LeasedWork): void {
    this.works.push(work);
  }

  /** Tries every lease now, then keeps them every `renewEveryMs`. */
  async start(): Promise<void> {
    this.deadOwners = await this.store
      .ownersLike(`${hostname()}:`)
      .then((owners) => deadOnThisHost(owners, this.owner))
      .catch(() => []);
    if (this.deadOwners.length > 0)
      this.logger.log(`taking over at once from replicas of this host that died: ${this.deadOwners.join(', ')}`);
    await this.store.forgetGone().catch(() => undefined);
    await this.runTick();
  }

  /** Tries the leases now (a work was just added), without waiting for the next renewal. */
  async refresh(): Promise<void> {
    this.tick = this.tick.then(() => this.keepAll());
    await this.tick;
  }

  /** The leases this replica holds now (its processors running here). */
  owned(): string[] {
    return [...this.held.keys()].sort();
  }

  /** Every lease this replica competes for. */
  names(): string[] {
    return this.works.map((w) => w.name);
  }

  /** The live replicas this one counted at its last round, and the share of the leases it runs at most. */
  balance(): { liveReplicas: number; share: number } {
    return { liveReplicas: this.live, share: fairShare(this.works.length, this.live) };
  }

  isOwned(name: string): boolean {
    return this.held.has(name);
  }

  /** Called whenever this replica takes or loses a lease. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /**
   * A write of `name` was refused by the fence: the lease is gone, the work stops at once (not at the
   * next renewal), so a stale owner does no more than the write that was refused.
   */
  fenced(error: LeaseLostError): void {
    if (!this.held.has(error.lease) || this.stopped) return;
    this.tick = this.tick.then(() => this.lose(error.lease, error.message));
  }

  /** The fence of `lease`'s writes: a refused write also stops its work here at once (see `fenced`). */
  fence(lease: HeldLease): Fence {
    return async (em) => {
      try {
        await ProcessorLeaseStore.fence(em, lease);
      } catch (error) {
        if (error instanceof LeaseLostError) this.fenced(error);
        throw error;
      }
    };
  }

  /** Stops every work, then gives their leases up so another replica takes them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    const holdings = [...this.held.values()];
    await Promise.all(holdings.map(({ lease }) => this.work(lease.name)?.stop() ?? Promise.resolve()));
    for (const { lease } of holdings) {
      this.held.delete(lease.name);
      await this.store.release(lease).catch((error: unknown) => this.logger.warn(`lease ${lease.name} not released: ${String(error)}`));
    }
    await this.store.leave(this.owner).catch(() => undefined); // else it counts as live until its heartbeat runs out
    this.changed();
  }

  private runTick(): Promise<void> {
    this.tick = this.tick.then(() => this.keepAll());
    return this.tick.finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => void this.runTick(), this.timings.renewEveryMs);
    });
  }

  private async keepAll(): Promise<void> {
    const taken: string[] = [];
    // Unknown (the database is unreachable): the last count stands; renewals below fail and demote as before.
    this.live = await this.store.heartbeat(this.owner, this.deadOwners).catch(() => this.live);
    const share = fairShare(this.works.length, this.live);
    for (const work of this.works) {
      if (this.stopped) break;
      const holding = this.held.get(work.name);
      try {
        if (holding) await this.renew(work, holding);
        else if (await this.take(work, this.held.size < share)) taken.push(work.name);
      } catch (error) {
        this.logger.warn(`lease ${work.name}: ${String(error)}`);
        if (holding && Date.now() - holding.renewedAt >= this.timings.demoteAfterMs)
          await this.lose(work.name, `not renewed for ${this.timings.demoteAfterMs / 1000} s`);
      }
    }
    if (taken.length > 0) this.logger.log(`replica ${this.owner} now runs ${taken.join(', ')}`);
    if (!this.stopped && this.held.size > share) await this.handBack(this.held.size - share, share);
  }

  /** Gives `count` leases back for the replicas that joined (the last added first), each stopped before its release. */
  private async handBack(count: number, share: number): Promise<void> {
    const surplus = this.works.filter((w) => this.held.has(w.name)).slice(-count);
    this.logger.log(`${this.live} replicas live: handing ${surplus.map((w) => w.name).join(', ')} over (keeping ${share})`);
    await Promise.all(
      surplus.map(async (work) => {
        const { lease } = this.held.get(work.name)!;
        this.held.delete(work.name);
        await work.stop().catch((error: unknown) => this.logger.error(`stopping ${work.name}: ${String(error)}`));
        await this.store.release(lease).catch((error: unknown) => this.logger.warn(`lease ${work.name} not released: ${String(error)}`));
      }),
    );
    this.changed();
  }

  private async renew(work: LeasedWork, holding: Holding): Promise<void> {
    if (await this.store.renew(holding.lease)) holding.renewedAt = Date.now();
    else await this.lose(work.name, 'another replica took it');
  }

  /** `true` when it took the lease and started the work; beyond its share (`withinShare` false) only a left-over one. */
  private async take(work: LeasedWork, withinShare: boolean): Promise<boolean> {
    const lease = withinShare
      ? await this.store.acquire(work.name, this.owner, this.deadOwners)
      : await this.store.acquireLeftOver(work.name, this.owner);
    if (!lease) return false;
    this.held.set(work.name, { lease, renewedAt: Date.now() });
    try {
      await work.start(lease);
    } catch (error) {
      this.held.delete(work.name);
      await this.store.release(lease).catch(() => undefined);
      throw error;
    }
    this.changed();
    return true;
  }

  private async lose(name: string, why: string): Promise<void> {
    const holding = this.held.get(name);
    if (!holding) return;
    this.held.delete(name);
    this.logger.warn(`stopped running ${name}: lease lost (${why})`);
    this.changed();
    await this.work(name)
      ?.stop()
      .catch((error: unknown) => this.logger.error(`stopping ${name}: ${String(error)}`));
  }

  private work(name: string): LeasedWork | undefined {
    return this.works.find((w) => w.name === name);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
