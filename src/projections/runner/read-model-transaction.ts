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
 * Runs `work` in a read-model transaction: all of it or none of it is committed. The projection runners'
 * batches (rows + checkpoint) go through here.
 *
 * On embedded SQLite, the work submitted in the same turn of the event loop — the pump hands a batch to
 * every projection at once — shares ONE transaction: each piece in its own savepoint (a failing piece is
 * rolled back alone and rejects alone), then one COMMIT, which was most of a small batch's cost. The
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

  constructor(
    private readonly dataSource: DataSource,
    private readonly db: Database,
  ) {}

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => void exclusiveOnSqlite(this.dataSource, () => this.flush()));
    });
  }

  /** Inside the exclusive section: takes everything queued so far (also what arrived while waiting for it). */
  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
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
