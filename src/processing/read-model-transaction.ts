import type { Database } from 'better-sqlite3';
import { DataSource, EntityManager } from 'typeorm';
import { exclusiveOnSqlite } from './exclusive-on-sqlite';
import { sqliteConnectionOf } from './sql-executor';

interface Pending {
  work: (em: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const groups = new WeakMap<DataSource, SqliteGroupCommit>();

/**
 * On SQLite, groups are committed at most this often: what arrives meanwhile waits and joins the next
 * one. The projections' followers wait with it, so under load a projection's batch is what arrived in
 * this interval (tens of events at a few hundred updates/s) rather than one event — the fixed cost of a
 * batch (savepoint, checkpoint read and write, commit) is paid that much less often. Read models lag the
 * store by up to this much more; nothing on the relay or reply path waits for them.
 */
export const GROUP_COMMIT_INTERVAL_MS = 50;

/**
 * Runs `work` in a read-model transaction: all of it or none of it is committed. The projection runners'
 * batches (rows + checkpoint) go through here.
 *
 * On embedded SQLite, the work submitted together — the pump hands a batch to every projection at once,
 * and groups are at most every GROUP_COMMIT_INTERVAL_MS — shares ONE transaction: each piece in its own
 * savepoint (a failing piece is rolled back alone and rejects alone), then one COMMIT. The
 * transaction is `BEGIN IMMEDIATE`: it holds SQLite's write lock from its start, so what a piece reads is
 * current and stays so until the commit. Nothing resolves before the commit. The piece must not open a
 * transaction itself, nor go through `exclusiveOnSqlite` (the group holds it).
 *
 * On MySQL each piece is its own transaction, as before (a pool runs them side by side).
 */
export function readModelTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const db = sqliteConnectionOf(dataSource);
  if (!db) return dataSource.transaction(work);
  let group = groups.get(dataSource);
  if (!group) groups.set(dataSource, (group = new SqliteGroupCommit(dataSource, db)));
  return group.run(work);
}

class SqliteGroupCommit {
  private queue: Pending[] = [];
  private flushedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly db: Database,
  ) {}

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length > 1) return;
      const flush = () => void exclusiveOnSqlite(this.dataSource, () => this.flush());
      const wait = this.flushedAt + GROUP_COMMIT_INTERVAL_MS - Date.now();
      if (wait > 0) setTimeout(flush, wait);
      else setImmediate(flush);
    });
  }

  /** Inside the exclusive section: takes everything queued so far (also what arrived while waiting for it). */
  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.flushedAt = Date.now();
    const outcomes: ({ ok: unknown } | { error: unknown })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const pending of batch) {
        this.db.exec('SAVEPOINT read_model_piece');
        try {
          outcomes.push({ ok: await pending.work(this.dataSource.manager) });
          this.db.exec('RELEASE read_model_piece');
        } catch (error) {
          // Some failures (disk full, I/O) make SQLite roll the whole transaction back by itself.
          if (!this.db.inTransaction) throw error;
          this.db.exec('ROLLBACK TO read_model_piece');
          this.db.exec('RELEASE read_model_piece');
          outcomes.push({ error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // The connection is unusable: the next group's BEGIN says so to its pieces.
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if ('ok' in outcome) pending.resolve(outcome.ok);
      else pending.reject(outcome.error);
    });
  }
}
