import { DataSource } from 'typeorm';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';
import { exclusiveOnSqlite } from './exclusive-on-sqlite';

/** `position` '' means "from the very start" (a checkpoint taken while the store was empty). */
const START = '';

/** `undefined`: no checkpoint stored; `null`: stored, at the start; otherwise the position. */
export async function readCheckpoint(dataSource: DataSource, name: string): Promise<bigint | null | undefined> {
  const row = await dataSource.getRepository(ProjectionCheckpoint).findOneBy({ name });
  if (!row) return undefined;
  return row.position === START ? null : BigInt(row.position);
}

export async function saveCheckpoint(dataSource: DataSource, name: string, position: bigint | null): Promise<void> {
  await exclusiveOnSqlite(dataSource, () =>
    dataSource
      .getRepository(ProjectionCheckpoint)
      .save({ name, position: position === null ? START : position.toString(), updatedAt: new Date().toISOString() }),
  );
}
