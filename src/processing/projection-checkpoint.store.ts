import { DataSource, EntityManager } from 'typeorm';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';
import { exclusiveOnSqlite } from './exclusive-on-sqlite';
import { dialectOf } from './sql-dialect';

/** `position` '' means "from the very start" (a checkpoint taken while the store was empty). */
const START = '';

/**
 * A projection whose tables a rebuild is about to swap stores `frozen:<position it had>`: its runner
 * writes nothing while it reads this, and restarts from the position the rebuild leaves behind.
 */
const FROZEN = 'frozen:';

/** The checkpoint row of a rebuild in progress for projection `name` (its shadow tables' position). */
export const rebuildCheckpointName = (name: string): string => `rebuild:${name}`;

export interface CheckpointState {
  /** `null`: at the start. */
  position: bigint | null;
  frozen: boolean;
  updatedAt: string;
}

export const formatPosition = (position: bigint | null): string => (position === null ? START : position.toString());

export function parseCheckpoint(row: Pick<ProjectionCheckpoint, 'position' | 'updatedAt'>): CheckpointState {
  const frozen = row.position.startsWith(FROZEN);
  const raw = frozen ? row.position.slice(FROZEN.length) : row.position;
  return { position: raw === START ? null : BigInt(raw), frozen, updatedAt: row.updatedAt };
}

export const frozenMarker = (position: bigint | null): string => FROZEN + formatPosition(position);

/** `undefined`: no checkpoint stored; `null`: stored, at the start; otherwise the position. A frozen one reads as its position. */
export async function readCheckpoint(dataSource: DataSource, name: string): Promise<bigint | null | undefined> {
  return (await readCheckpointState(dataSource, name))?.position;
}

export async function readCheckpointState(source: DataSource | EntityManager, name: string): Promise<CheckpointState | undefined> {
  const row = await source.getRepository(ProjectionCheckpoint).findOneBy({ name });
  return row ? parseCheckpoint(row) : undefined;
}

export async function saveCheckpoint(dataSource: DataSource, name: string, position: bigint | null): Promise<void> {
  await exclusiveOnSqlite(dataSource, () => writeCheckpoint(dataSource.manager, name, formatPosition(position)));
}

/**
 * Creates each named checkpoint row, at the start, unless it exists; never changes an existing one.
 * Batches lock their checkpoint row (`FOR UPDATE`): on MySQL/MariaDB, locking a row that is not there
 * locks the gap where it would go, and two projections' first batches, each holding that gap and then
 * inserting into it, deadlock. With the rows created up front (one statement each, outside any
 * transaction) every lock is on an existing row and projections never wait for each other.
 */
export async function ensureCheckpointRows(dataSource: DataSource, names: string[]): Promise<void> {
  const insert = dialectOf(dataSource) === 'mysql' ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
  const updatedAt = new Date().toISOString();
  for (const name of names) {
    await exclusiveOnSqlite(dataSource, () =>
      dataSource.query(`${insert} projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)`, [name, START, updatedAt]),
    );
  }
}

/** One upsert (not TypeORM's select-then-write `save`): it runs once per batch. Returns the `updatedAt` written. */
export async function writeCheckpoint(em: EntityManager, name: string, stored: string): Promise<string> {
  const updatedAt = new Date().toISOString();
  const upsert =
    dialectOf(em.connection) === 'mysql'
      ? 'INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE position = VALUES(position), updated_at = VALUES(updated_at)'
      : 'INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at';
  await em.query(upsert, [name, stored, updatedAt]);
  return updatedAt;
}
