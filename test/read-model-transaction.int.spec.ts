import { DataSource } from 'typeorm';
import { openReadModels } from '../src/projections/read-model.datasource';
import { readCheckpoint, writeCheckpoint } from '../src/processing/projection-checkpoint.store';
import { readModelTransaction } from '../src/processing/read-model-transaction';
import { runSql } from '../src/processing/sql-executor';
import { Cleanups } from './support/cleanups';
import { makeTempDir } from './support/temp-dir';

/**
 * On the embedded database the projections' batches of one moment share one transaction (one commit
 * instead of seven). What each projection relies on must still hold piece by piece: its rows and its
 * checkpoint are committed together or not at all, and another projection's failure changes neither.
 */
describe('projections committing together on the embedded read-model database', () => {
  const cleanups = new Cleanups();
  let readModels: DataSource;
  let dataDir: string;

  beforeEach(async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    dataDir = tmp.dir;
    readModels = await openReadModels({ databaseUrl: null, dataDir });
    cleanups.push(() => readModels.destroy());
  });
  afterEach(() => cleanups.runAll());

  /** A projection's batch: a banned customer row (its read model) and its checkpoint, or a failure half-way. */
  const batch = (name: string, customerId: number, fail = false) =>
    readModelTransaction(readModels, async (em) => {
      await runSql(em, 'INSERT INTO banned_customers (bot_id, customer_id, master_id, name, banned_at) VALUES (?, ?, ?, ?, ?)', [
        1,
        customerId,
        7,
        'sealed name',
        '2026-01-01T00:00:00.000Z',
      ]);
      await writeCheckpoint(em, name, String(customerId));
      if (fail) throw new Error(`${name} failed after writing`);
      return name;
    });
  const bannedIds = async () =>
    (await readModels.query<{ customer_id: number }[]>('SELECT customer_id FROM banned_customers ORDER BY customer_id')).map((r) =>
      Number(r.customer_id),
    );

  it("a projection whose batch fails leaves no trace, and takes nothing of the others' batches with it", async () => {
    const outcomes = await Promise.allSettled([batch('first', 10), batch('failing', 20, true), batch('third', 30)]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await bannedIds()).toEqual([10, 30]);
    expect(await readCheckpoint(readModels, 'first')).toBe(10n);
    expect(await readCheckpoint(readModels, 'failing')).toBeUndefined();
    expect(await readCheckpoint(readModels, 'third')).toBe(30n);
  });

  it('a batch is committed (rows and checkpoint) by the time it is reported done', async () => {
    await batch('first', 10);
    // Read on a second connection: only what is committed to the file is visible there.
    const other = await openReadModels({ databaseUrl: null, dataDir });
    cleanups.push(() => other.destroy());
    expect(await readCheckpoint(other, 'first')).toBe(10n);
    expect(await other.query('SELECT customer_id FROM banned_customers')).toHaveLength(1);
  });

  it('a batch failing on a conflicting row is refused alone, and the next moment commits normally', async () => {
    const outcomes = await Promise.allSettled([batch('first', 10), batch('duplicate', 10)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    await batch('later', 40);
    expect(await bannedIds()).toEqual([10, 40]);
    expect(await readCheckpoint(readModels, 'duplicate')).toBeUndefined();
  });
});
