import { DataSource } from 'typeorm';

const tails = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Serialises writes on an embedded SQLite read-model database. TypeORM's better-sqlite3 driver has a
 * single connection, so two projections opening transactions at once would nest them (SQLite refuses)
 * or, worse, a checkpoint written outside a transaction would silently join another's. MySQL has a
 * pool and real concurrent transactions: no lock there.
 */
export function withWriteLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3') return work();
  const previous = tails.get(dataSource) ?? Promise.resolve();
  const next = previous.then(work, work);
  tails.set(dataSource, next.catch(() => undefined));
  return next;
}
