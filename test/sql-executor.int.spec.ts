import { DataSource } from 'typeorm';
import { openReadModels } from '../src/projections/read-model.datasource';
import { runSql, sqliteConnectionOf } from '../src/processing/sql-executor';
import { Cleanups } from './support/cleanups';
import { makeTempDir } from './support/temp-dir';

/**
 * The projections' statements on the embedded read-model database are prepared once per SQL text and kept
 * (bounded). The ones every batch runs must stay prepared however many one-off texts (IN lists of every size,
 * a rebuild's pages) pass through: the cache drops the least recently used, not the oldest.
 */
describe('prepared read-model statements on the embedded database', () => {
  const cleanups = new Cleanups();
  let readModels: DataSource;

  beforeEach(async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    readModels = await openReadModels({ databaseUrl: null, dataDir: tmp.dir });
    cleanups.push(() => readModels.destroy());
  });
  afterEach(() => cleanups.runAll());

  it('keeps a statement used all along prepared while 3,000 one-off statements pass through, and answers each right', async () => {
    const db = sqliteConnectionOf(readModels)!;
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    };
    const hot = 'SELECT COUNT(*) AS n FROM banned_customers WHERE bot_id = ?';
    const em = readModels.manager;

    for (let i = 0; i < 3000; i++) {
      const oneOff = await runSql<{ v: number }>(em, `SELECT ${i} AS v`);
      expect(oneOff).toEqual([{ v: i }]);
      if (i % 100 === 0) expect(await runSql<{ n: number }>(em, hot, [i])).toEqual([{ n: 0 }]);
    }

    expect(prepared.filter((sql) => sql === hot)).toHaveLength(1);
    // The one-off texts were let go past the bound: the first is prepared again when it comes back.
    await runSql(em, 'SELECT 0 AS v');
    expect(prepared.filter((sql) => sql === 'SELECT 0 AS v')).toHaveLength(2);
  });
});
