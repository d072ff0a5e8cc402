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
    const taken: unknown = await this.dataSource.query(
      `UPDATE processor_leases SET owner = ?, fencing_token = fencing_token + 1, expires_at = NOW(3) + INTERVAL ? MICROSECOND
       WHERE name = ? AND (owner IN (?) OR expires_at <= NOW(3))`,
      [owner, this.ttlMs * 1000, name, [NOBODY, ...deadOwners]],
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

  /** The owners of leases whose name starts with `prefix` (a host's replicas, to tell which of them died). */
  async ownersLike(prefix: string): Promise<string[]> {
    const rows: { owner: string }[] = await this.dataSource.query('SELECT DISTINCT owner FROM processor_leases WHERE owner LIKE ?', [
      `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    ]);
    return rows.map((r) => r.owner);
  }

  /** Every lease row, for the operator (`owner` empty: nobody holds it). */
  async all(): Promise<{ name: string; owner: string; fencingToken: bigint; expiresInMs: number }[]> {
    const rows: { name: string; owner: string; fencing_token: string; left_ms: string | number }[] = await this.dataSource.query(
      'SELECT name, owner, fencing_token, TIMESTAMPDIFF(MICROSECOND, NOW(3), expires_at) DIV 1000 AS left_ms FROM processor_leases ORDER BY name',
    );
    return rows.map((r) => ({ name: r.name, owner: r.owner, fencingToken: BigInt(r.fencing_token), expiresInMs: Number(r.left_ms) }));
  }
}

/** mysql2 answers an UPDATE with a result header: the rows it matched. */
function affected(result: unknown): number {
  const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number } | undefined;
  return header?.affectedRows ?? 0;
}
