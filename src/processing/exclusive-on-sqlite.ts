import { DataSource } from 'typeorm';

const tails = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs read-model work one piece at a time on an embedded SQLite database. TypeORM's better-sqlite3
 * driver has a single connection, so two projections opening transactions at once would nest them
 * (SQLite refuses), a checkpoint written outside a transaction would silently join another's, and a
 * query would see the rows of a transaction that may still roll back. MySQL has a pool and real
 * transaction isolation: no lock there.
 */
export function exclusiveOnSqlite<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  const previous = tails.get(dataSource) ?? Promise.resolve();
  const next = previous.then(work, work);
  tails.set(
    dataSource,
    next.catch(() => undefined),
  );
  return next;
}
