import { DataSource, EntityManager } from 'typeorm';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { ProjectionCheckpoint } from '../../processing/projection-checkpoint.entity';
import { CheckpointState, parseCheckpoint } from '../../processing/projection-checkpoint.store';
import { dialectOf } from '../../processing/sql-dialect';
import { RowTable } from '../runner/row-table';

/**
 * A rebuild's transactions on the read-model database and its checkpoint rows: every transaction exclusive
 * on SQLite (one writer per file), checkpoint rows locked the way a live `ProjectionRunner` locks them.
 */
export class RebuildTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return exclusiveOnSqlite(this.dataSource, () => this.dataSource.transaction(work));
  }

  /**
   * A transaction that locks checkpoint rows a live runner locks too. InnoDB may pick it as a deadlock
   * victim (a runner's first checkpoint, where both lock the gap): it is simply run again.
   */
  async runLocking(work: (em: EntityManager) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(work);
      } catch (error) {
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if (attempt >= 5 || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  async readCheckpoint(name: string): Promise<CheckpointState | undefined> {
    const row = await exclusiveOnSqlite(this.dataSource, () => this.dataSource.getRepository(ProjectionCheckpoint).findOneBy({ name }));
    return row ? parseCheckpoint(row) : undefined;
  }

  /** As `ProjectionRunner` locks it: a live batch and a freeze never interleave. */
  async lockCheckpoint(em: EntityManager, name: string): Promise<CheckpointState | undefined> {
    const repo = em.getRepository(ProjectionCheckpoint);
    if (dialectOf(this.dataSource) === 'mysql') {
      const row = await repo.findOne({ where: { name }, lock: { mode: 'pessimistic_write' } });
      return row ? parseCheckpoint(row) : undefined;
    }
    await em.query('UPDATE projection_checkpoints SET name = name WHERE name = ?', [name]);
    const row = await repo.findOneBy({ name });
    return row ? parseCheckpoint(row) : undefined;
  }

  writeCheckpoint(em: EntityManager, name: string, stored: string): Promise<void> {
    return this.writeCheckpoints(em, [{ name, position: stored, updatedAt: new Date().toISOString() }]);
  }

  /** Several checkpoints in one set-wise upsert (a page of the replay writes one per projection). */
  writeCheckpoints(em: EntityManager, rows: ProjectionCheckpoint[]): Promise<void> {
    return new RowTable<ProjectionCheckpoint>(
      em,
      em.connection.getMetadata(ProjectionCheckpoint),
      'projection_checkpoints',
      dialectOf(em.connection),
    ).upsert(rows);
  }
}
