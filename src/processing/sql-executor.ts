import type { Database, Statement } from 'better-sqlite3';
import { DataSource, EntityManager } from 'typeorm';
import { BoundedMap } from '../application/shared/bounded-map';

/**
 * Prepared statements kept per embedded database, by SQL text. TypeORM's better-sqlite3 runner keeps
 * only 100 and evicts the oldest first, so the IN lists of every size the projectors write pushed the
 * hot statements out and each was parsed again, once per batch.
 */
const STATEMENTS_KEPT = 1000;
const caches = new WeakMap<Database, BoundedMap<string, Statement>>();

/** The embedded read-model database's connection, or `undefined` for MySQL (and TypeORM's other SQLite driver). */
export function sqliteConnectionOf(dataSource: DataSource): Database | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  return (dataSource.driver as unknown as { databaseConnection?: Database }).databaseConnection;
}

/**
 * Runs one read-model statement: rows for a query, nothing useful otherwise. On embedded SQLite it goes
 * straight to the connection through a cached prepared statement — the same connection (and so the same
 * transaction) TypeORM would use, without its per-query bookkeeping, which cost more than the statement
 * itself on the projection path. Callers keep serialising SQLite work (`exclusiveOnSqlite`) as before.
 * On MySQL it is `em.query`, in `em`'s transaction.
 */
export async function runSql<R = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<R[]> {
  const db = sqliteConnectionOf(em.connection);
  if (!db) return em.query<R[]>(sql, [...params]);
  const statement = prepared(db, sql);
  if (statement.reader) return statement.all(...params) as R[];
  statement.run(...params);
  return [];
}

/** A statement prepared once per SQL text (the least recently used dropped past STATEMENTS_KEPT: a rebuild's big pages pass through). */
function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new BoundedMap<string, Statement>(STATEMENTS_KEPT)));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
