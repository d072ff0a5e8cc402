import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/** A lease this replica holds: the token its writes carry until it is lost. */
export interface HeldLease {
  name: string;
  owner: string;
  fencingToken: bigint;
}

/** A write was fenced off: another replica took the processor's lease (or this one let it go). */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    why: string,
  ) {
    super(`lease ${lease} lost (${why}): this replica no longer runs it`);
    this.name = 'LeaseLostError';
  }
}

/** `owner` of a lease nobody holds (released at a graceful stop, or never taken). */
const NOBODY = '';

/**
 * A replica's heartbeat is a row of the same table, named after its owner (hashed: the name column is shorter
 * than an owner may be) and never fenced: live replicas are those whose heartbeat has not expired.
 */
const HEARTBEAT = 'replica:';
const heartbeatName = (owner: string): string => `${HEARTBEAT}${createHash('sha256').update(owner).digest('hex').slice(0, 32)}`;

/**
 * The `processor_leases` rows of the read-model database (MySQL/MariaDB only: an embedded SQLite read
 * model means one instance, see startup/). Expiry is computed on the database server's clock (NOW(3)),
 * so replicas on hosts whose clocks disagree still agree on who holds a lease.
 *
 * Taking a lease bumps its fencing token in the same statement; every write of the processor checks the
 * token inside its own transaction (`fence`), with a shared lock on the lease row, so a replica taking
 * the lease waits for a write in progress and every later write of the previous owner is refused.
 */
export class ProcessorLeaseStore {
  constructor(
    private readonly dataSource: DataSource,
    readonly ttlMs: number,
  ) {
    if (dialectOf(dataSource) !== 'mysql') throw new Error('processor leases need a MySQL/MariaDB read-model database');
  }

  /**
   * Takes `name` if nobody holds it, its holder's lease has expired, or its holder is one of `deadOwners`
   * (known dead: see LeaseKeeper); `undefined` when another replica holds it.
   */
  async acquire(name: string, owner: string, deadOwners: readonly string[] = []): Promise<HeldLease | undefined> {
    await this.dataSource.query('INSERT IGNORE INTO processor_leases (name, owner, fencing_token, expires_at) VALUES (?, ?, 0, NOW(3))', [
      name,
      NOBODY,
    ]);
    return this.take(name, owner, 'owner IN (?) OR expires_at <= NOW(3)', [[NOBODY, ...deadOwners]]);
  }

  /**
   * Takes `name` only if nobody has held it for a whole TTL: what a replica already running its share takes, so
   * that a lease no replica with room took (one is unwell) does not stay unowned.
   */
  async acquireLeftOver(name: string, owner: string): Promise<HeldLease | undefined> {
    return this.take(name, owner, 'expires_at <= NOW(3) - INTERVAL ? MICROSECOND', [this.ttlMs * 1000]);
  }

  private async take(name: string, owner: string, free: string, params: unknown[]): Promise<HeldLease | undefined> {
    const taken: unknown = await this.dataSource.query(
      `UPDATE processor_leases SET owner = ?, fencing_token = fencing_token + 1, expires_at = NOW(3) + INTERVAL ? MICROSECOND
       WHERE name = ? AND (${free})`,
      [owner, this.ttlMs * 1000, name, ...params],
    );
    if (affected(taken) !== 1) return undefined;
    const rows: { owner: string; fencing_token: string }[] = await this.dataSource.query(
      'SELECT owner, fencing_token FROM processor_leases WHERE name = ?',
      [name],
    );
    // Another replica may have taken it between the two statements only if our lease had already expired.
    if (rows[0]?.owner !== owner) return undefined;
    return { name, owner, fencingToken: BigInt(rows[0].fencing_token) };
  }

  /** Extends a held lease by the TTL; `false` when it is no longer ours (another replica took it). */
  async renew(lease: HeldLease): Promise<boolean> {
    const renewed: unknown = await this.dataSource.query(
      'UPDATE processor_leases SET expires_at = NOW(3) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ? AND fencing_token = ?',
      [this.ttlMs * 1000, lease.name, lease.owner, lease.fencingToken.toString()],
    );
    return affected(renewed) === 1;
  }

  /** Gives a lease up at once (a graceful stop): another replica takes it at its next attempt, not after the TTL. */
  async release(lease: HeldLease): Promise<void> {
    await this.dataSource.query(
      'UPDATE processor_leases SET owner = ?, expires_at = NOW(3) WHERE name = ? AND owner = ? AND fencing_token = ?',
      [NOBODY, lease.name, lease.owner, lease.fencingToken.toString()],
    );
  }

  /**
   * Inside a write's transaction: refuses it (LeaseLostError) unless `lease` is still the current one.
   * The shared lock holds off a replica taking the lease until this transaction ends, so the new owner
   * reads checkpoints only after the last write of the old one has committed or rolled back.
   */
  static async fence(em: EntityManager, lease: HeldLease): Promise<void> {
    const rows: { owner: string; fencing_token: string }[] = await em.query(
      'SELECT owner, fencing_token FROM processor_leases WHERE name = ? LOCK IN SHARE MODE',
      [lease.name],
    );
    const row = rows[0];
    if (!row || row.owner !== lease.owner || BigInt(row.fencing_token) !== lease.fencingToken)
      throw new LeaseLostError(lease.name, row?.owner ? 'another replica holds it now' : 'it was released');
  }

  /**
   * Renews this replica's heartbeat (valid one TTL) and counts the live replicas, itself included and `deadOwners`
   * (known dead: see LeaseKeeper) excluded. Written before the leases are renewed in a round, so a replica's
   * heartbeat runs out before its leases do: when they can be taken over, it no longer counts as live.
   */
  async heartbeat(owner: string, deadOwners: readonly string[] = []): Promise<number> {
    await this.dataSource.query(
      `INSERT INTO processor_leases (name, owner, fencing_token, expires_at) VALUES (?, ?, 0, NOW(3) + INTERVAL ? MICROSECOND)
       ON DUPLICATE KEY UPDATE owner = VALUES(owner), expires_at = VALUES(expires_at)`,
      [heartbeatName(owner), owner, this.ttlMs * 1000],
    );
    const rows: { n: string | number }[] = await this.dataSource.query(
      'SELECT COUNT(*) AS n FROM processor_leases WHERE name LIKE ? AND expires_at > NOW(3) AND owner NOT IN (?)',
      [`${HEARTBEAT}%`, [owner, ...deadOwners]],
    );
    return Number(rows[0]?.n ?? 0) + 1;
  }

  /** Drops the heartbeats of replicas gone for over an hour (a crash leaves its row behind): run at start. */
  async forgetGone(): Promise<void> {
    await this.dataSource.query('DELETE FROM processor_leases WHERE name LIKE ? AND expires_at < NOW(3) - INTERVAL 1 HOUR', [
      `${HEARTBEAT}%`,
    ]);
  }

  /** A graceful stop: this replica no longer counts as live, so the others' shares grow at once. */
  async leave(owner: string): Promise<void> {
    await this.dataSource.query('DELETE FROM processor_leases WHERE name = ?', [heartbeatName(owner)]);
  }

  /** The owners of leases whose name starts with `prefix` (a host's replicas, to tell which of them died). */
  async ownersLike(prefix: string): Promise<string[]> {
    const rows: { owner: string }[] = await this.dataSource.query('SELECT DISTINCT owner FROM processor_leases WHERE owner LIKE ?', [
      `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
    return rows.map((r) => r.owner);
  }

  /** Every lease row, for the operator (`owner` empty: nobody holds it); heartbeats are not leases. */
  async all(): Promise<{ name: string; owner: string; fencingToken: bigint; expiresInMs: number }[]> {
    const rows: { name: string; owner: string; fencing_token: string; left_ms: string | number }[] = await this.dataSource.query(
      'SELECT name, owner, fencing_token, TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) DIV 1000 AS left_ms FROM processor_leases WHERE name NOT LIKE ? ORDER BY name',
      [`${HEARTBEAT}%`],
    );
    return rows.map((r) => ({ name: r.name, owner: r.owner, fencingToken: BigInt(r.fencing_token), expiresInMs: Number(r.left_ms) }));
  }
}

/** mysql2 answers an UPDATE with a result header: the rows it matched. */
function affected(result: unknown): number {
  const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number } | undefined;
  return header?.affectedRows ?? 0;
}
