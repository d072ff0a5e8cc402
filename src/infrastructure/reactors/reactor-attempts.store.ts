import { DataSource } from 'typeorm';
import { exclusiveOnSqlite } from '../../projections/runner/exclusive-on-sqlite';
import { dialectOf } from '../../projections/runner/row-table';

/** What a restart finds of the reactions above the checkpoint of a reactor that records attempts. */
export interface RecordedAttempts {
  /** Started and never finished: in flight when the process died. Their effect may be visible already. */
  unfinished: Set<bigint>;
  /** Finished (their finish was recorded before the checkpoint passed them): not run again. */
  finished: Set<bigint>;
}

/**
 * `reactor_attempts`: one row per reaction of a reactor whose repeats a user would see, written before
 * its Telegram call ("started") and updated right after its outcome ("finished"). Each is one statement
 * with constant text (TypeORM keeps it prepared on SQLite), in the read-model database next to the
 * checkpoint, with the same durability as the checkpoint writes. Rows at or below the checkpoint are
 * dropped with the checkpoint (`forgetThrough`, in its transaction).
 *
 * Positions are stored as 20-digit zero-padded decimals: text order is number order for any 64-bit
 * position (EventStoreDB's are sparse and large), so the range delete works on both engines.
 */
export class ReactorAttemptsStore {
  private readonly insert: string;

  constructor(
    private readonly dataSource: DataSource,
    readonly name: string,
  ) {
    this.insert = `${dialectOf(dataSource) === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO reactor_attempts (name, position, finished) VALUES (?, ?, 0)`;
  }

  /** The attempts recorded above `checkpoint` (`null`: the start of the store). */
  async read(checkpoint: bigint | null): Promise<RecordedAttempts> {
    const rows: { position: string; finished: number | string }[] = await this.dataSource.query(
      'SELECT position, finished FROM reactor_attempts WHERE name = ? AND position > ?',
      [this.name, encode(checkpoint ?? -1n)],
    );
    const attempts: RecordedAttempts = { unfinished: new Set(), finished: new Set() };
    for (const row of rows) (Number(row.finished) === 1 ? attempts.finished : attempts.unfinished).add(BigInt(row.position));
    return attempts;
  }

  /** Recorded before the call; a retry in the same process writes nothing new. */
  started(position: bigint): Promise<void> {
    return this.write(this.insert, [this.name, encode(position)]);
  }

  finished(position: bigint): Promise<void> {
    return this.write('UPDATE reactor_attempts SET finished = 1 WHERE name = ? AND position = ?', [this.name, encode(position)]);
  }

  /** The statement dropping the rows the checkpoint has passed, for the checkpoint write's transaction. */
  forgetThrough(position: bigint | null): { sql: string; parameters: unknown[] } {
    return { sql: 'DELETE FROM reactor_attempts WHERE name = ? AND position <= ?', parameters: [this.name, encode(position ?? -1n)] };
  }

  private async write(sql: string, parameters: unknown[]): Promise<void> {
    await exclusiveOnSqlite(this.dataSource, () => this.dataSource.query(sql, parameters));
  }
}

/** -1 (below every position) encodes as '' so that "above the start" is every row. */
const encode = (position: bigint): string => (position < 0n ? '' : position.toString().padStart(20, '0'));
