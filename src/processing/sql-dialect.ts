import { DataSource } from 'typeorm';

/** The two read-model databases: checkpoints, projections and rebuilds each phrase a few statements per dialect. */
export type Dialect = 'mysql' | 'sqlite';

export function dialectOf(dataSource: DataSource): Dialect {
  const type = dataSource.options.type;
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'better-sqlite3' || type === 'sqlite') return 'sqlite';
  throw new Error(`read models support MySQL/MariaDB and SQLite, not ${type}`);
}

export const quoteIdentifier = (dialect: Dialect, name: string): string =>
  dialect === 'mysql' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
