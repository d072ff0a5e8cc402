import { DataSource } from 'typeorm';
import { exclusiveOnSqlite } from './exclusive-on-sqlite';
import { formatPosition, readCheckpoint, writeCheckpoint } from './projection-checkpoint.store';
import { dialectOf } from './sql-dialect';

/** Where a reactor's lanes have got to: the checkpoint, and what finished above it (out of order). */
export interface ReactorCheckpoint {
  /** Every event at or below it has finished; `null` is the start of the store. */
  position: bigint | null;
  /** Events above `position` whose reactions finished: a restart does not run them again. */
  finished: Set<bigint>;
}

/**
 * The checkpoint row (shared with projections: `reactor:<name>` in projection_checkpoints) and the
 * positions finished above it (reactor_finished), written in one transaction so a crash never pairs a
 * checkpoint with another moment's finished set. The finished row exists only while the set is not
 * empty — the normal case, when no lane lags, writes the checkpoint alone.
 */
export class ReactorCheckpointStore {
  private finishedRowWritten = true; // unknown at start: the first empty write clears any leftover

  constructor(
    private readonly dataSource: DataSource,
    readonly name: string,
  ) {}

  /** `undefined`: this reactor never ran here. */
  async read(): Promise<ReactorCheckpoint | undefined> {
    const position = await readCheckpoint(this.dataSource, this.name);
    if (position === undefined) return undefined;
    const rows: { positions: string }[] = await this.dataSource.query('SELECT positions FROM reactor_finished WHERE name = ?', [this.name]);
    return { position, finished: new Set(decode(position, rows[0]?.positions ?? '')) };
  }

  async write(position: bigint | null, finished: bigint[]): Promise<void> {
    const clear = finished.length === 0;
    if (clear && !this.finishedRowWritten) {
      await exclusiveOnSqlite(this.dataSource, () => writeCheckpoint(this.dataSource.manager, this.name, formatPosition(position)));
      return;
    }
    const upsert =
      dialectOf(this.dataSource) === 'mysql'
        ? 'INSERT INTO reactor_finished (name, positions) VALUES (?, ?) ON DUPLICATE KEY UPDATE positions = VALUES(positions)'
        : 'INSERT INTO reactor_finished (name, positions) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET positions = excluded.positions';
    await exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.transaction(async (em) => {
        await writeCheckpoint(em, this.name, formatPosition(position));
        if (clear) await em.query('DELETE FROM reactor_finished WHERE name = ?', [this.name]);
        else await em.query(upsert, [this.name, encode(position, finished)]);
      }),
    );
    this.finishedRowWritten = !clear;
  }
}

/** Gaps from the checkpoint, then from each previous position: short even for EventStoreDB's sparse positions. */
function encode(position: bigint | null, finished: bigint[]): string {
  let previous = position ?? 0n;
  return finished
    .map((p) => {
      const gap = p - previous;
      previous = p;
      return gap.toString(36);
    })
    .join(',');
}

function decode(position: bigint | null, text: string): bigint[] {
  let previous = position ?? 0n;
  return text === ''
    ? []
    : text.split(',').map((gap) => {
        previous += parseBase36(gap);
        return previous;
      });
}

function parseBase36(text: string): bigint {
  let value = 0n;
  for (const digit of text) value = value * 36n + BigInt(parseInt(digit, 36));
  return value;
}
