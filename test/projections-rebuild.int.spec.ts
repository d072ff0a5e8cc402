import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { PROJECTION_NAMES, PROJECTIONS } from '../src/projections/projection-registry';
import { ProjectionsService } from '../src/projections/projections.service';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRebuilder } from '../src/projections/rebuild/projection-rebuilder';
import { RebuildProgress } from '../src/projections/rebuild/rebuild.types';
import { readCheckpoint, readCheckpointState } from '../src/processing/projection-checkpoint.store';
import { dialectOf } from '../src/processing/sql-dialect';
import { RowTable } from '../src/projections/runner/row-table';
import { projectionStatus } from '../src/projections/status/projection-status';
import { HistoryGenerator } from './support/history-generator';
import { createMysqlTestDb } from './support/mysql-test-db';
import { makeTempDir } from './support/temp-dir';
import { Cleanups } from './support/cleanups';

const ALL_TABLES = PROJECTIONS.flatMap((p) => p.tables);
const HISTORY_EVENTS = 2500;

type Dump = Record<string, object[]>;

/** Every row of every read-model table, ordered by primary key. */
async function dump(dataSource: DataSource, tables: readonly string[] = ALL_TABLES): Promise<Dump> {
  const out: Dump = {};
  for (const table of tables) {
    const metadata = dataSource.entityMetadatas.find((m) => m.tableName === table)!;
    out[table] = await new RowTable<object>(dataSource.manager, metadata, table, dialectOf(dataSource)).all();
  }
  return out;
}

/** Tables whose name says they belong to a rebuild (shadows, parked old tables). */
async function rebuildTables(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] =
    dialectOf(dataSource) === 'mysql'
      ? await dataSource.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')
      : await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table'");
  return rows.map((r) => r.name).filter((n) => n.startsWith('rb_') || n.startsWith('rbold_'));
}

/** Columns, keys and index names of the live tables, to check a swap keeps the schema as the migrations made it. */
async function schema(dataSource: DataSource): Promise<string[]> {
  const out: string[] = [];
  for (const table of ALL_TABLES) {
    if (dialectOf(dataSource) === 'mysql') {
      const [row]: Record<string, string>[] = await dataSource.query(`SHOW CREATE TABLE \`${table}\``);
      out.push(row['Create Table']);
    } else {
      const rows: { sql: string }[] = await dataSource.query(
        'SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC, name',
        [table],
      );
      out.push(...rows.map((r) => r.sql));
    }
  }
  return out;
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface ReadModelDatabase {
  databaseUrl: string | null;
  drop: () => Promise<void>;
}

function describeRebuild(engine: 'mysql' | 'sqlite'): void {
  describe(`projection rebuild and status on ${engine === 'mysql' ? 'MySQL/MariaDB' : 'embedded SQLite'}`, () => {
    let store: SqliteEventStore;
    let history: HistoryGenerator;
    let dataDir: string;
    const cleanups = new Cleanups();

    /** A fresh read-model database (MariaDB: its own throwaway database; SQLite: a file in its own directory). */
    const newDatabase = async (): Promise<ReadModelDatabase> => {
      if (engine === 'mysql') {
        const db = await createMysqlTestDb();
        cleanups.push(() => db.drop());
        return { databaseUrl: db.url, drop: db.drop };
      }
      const tmp = makeTempDir('fb-rebuild-rm-');
      cleanups.push(() => tmp.remove());
      return { databaseUrl: null, drop: async () => undefined, ...{ dir: tmp.dir } };
    };
    const open = async (db: ReadModelDatabase): Promise<DataSource> => {
      const dir = (db as ReadModelDatabase & { dir?: string }).dir ?? dataDir;
      const dataSource = await openReadModels({ databaseUrl: db.databaseUrl, dataDir: dir });
      cleanups.push(() => (dataSource.isInitialized ? dataSource.destroy() : undefined));
      return dataSource;
    };
    /** The app's projections, run to the head of the history (and left running unless stopped). */
    const projectLive = async (dataSource: DataSource, keepRunning = false): Promise<ProjectionsService> => {
      const projections = new ProjectionsService(store, dataSource);
      await projections.start();
      cleanups.push(() => projections.stop());
      const head = (await store.headPosition())!;
      for (const runner of projections.runners.values()) expect(await runner.waitFor(head, 60_000)).toBe(true);
      if (!keepRunning) await projections.stop();
      return projections;
    };

    beforeAll(() => Logger.overrideLogger(false));

    beforeEach(async () => {
      const tmp = makeTempDir('fb-rebuild-');
      dataDir = tmp.dir;
      cleanups.push(() => tmp.remove());
      store = new SqliteEventStore(join(dataDir, 'events.sqlite'), 50);
      cleanups.push(() => store.close());
      history = new HistoryGenerator(store, { seed: 7 });
    });

    afterEach(cleanups.runAll);
    afterAll(cleanups.runAll);

    it('rebuild --all replays the history into fresh tables and swaps them in: every row as the live projections built it', async () => {
      await history.run(HISTORY_EVENTS);
      const dataSource = await open(await newDatabase());
      await projectLive(dataSource);
      const head = (await store.headPosition())!;
      const built = await dump(dataSource);
      const schemaBefore = await schema(dataSource);
      // The history exercises every table.
      for (const table of ALL_TABLES) expect(built[table].length).toBeGreaterThan(0);

      // Damage the live read model: a rebuild must not just keep what is there.
      await dataSource.query('DELETE FROM message_refs WHERE relayed_message_id < 20');
      await dataSource.query('UPDATE client_bots SET received_count = 0');
      await dataSource.query('DELETE FROM scheduled_jobs');
      expect(await dump(dataSource)).not.toEqual(built);

      const progress: RebuildProgress[] = [];
      // An odd page size: the projectors fold batches unlike the live runners' (500), yet must agree.
      const result = await new ProjectionRebuilder(store, dataSource).rebuild('all', { pageSize: 97, onProgress: (p) => progress.push(p) });

      expect(await dump(dataSource)).toEqual(built);
      expect(await schema(dataSource)).toEqual(schemaBefore);
      expect(await rebuildTables(dataSource)).toEqual([]);
      for (const name of PROJECTION_NAMES) {
        expect(await readCheckpoint(dataSource, name)).toBe(head);
        expect(await readCheckpoint(dataSource, `rebuild:${name}`)).toBeUndefined();
      }
      expect(result).toMatchObject({ projections: [...PROJECTION_NAMES], events: history.appended, resumedFrom: null });
      expect(result.ms).toBeGreaterThan(0);
      expect(result.eventsPerSecond).toBeGreaterThan(0);
      expect([...new Set(progress.map((p) => p.phase))]).toEqual(['replay', 'swap', 'done']);
      const replay = progress.filter((p) => p.phase === 'replay');
      expect(replay.length).toBe(Math.ceil(history.appended / 97));
      expect(replay.map((p) => p.events)).toEqual([...replay.map((p) => p.events)].sort((a, b) => a - b));
      expect(replay[replay.length - 1]).toMatchObject({ events: history.appended, position: head.toString(), head: head.toString() });
    });

    it('rebuilding one projection replaces only its tables (scheduled_jobs owns two) and leaves the others alone', async () => {
      await history.run(HISTORY_EVENTS);
      const dataSource = await open(await newDatabase());
      await projectLive(dataSource);
      const built = await dump(dataSource);
      await dataSource.query('DELETE FROM master_reminder_settings');
      await dataSource.query('DELETE FROM scheduled_jobs');
      await dataSource.query('DELETE FROM customers');
      const otherCheckpoint = await readCheckpointState(dataSource, 'customers');

      // A tiny memory budget: the in-memory copy is dropped after the first page, the rest reads the database.
      const result = await new ProjectionRebuilder(store, dataSource).rebuild(['scheduled_jobs'], { pageSize: 500, memoryRowLimit: 50 });

      expect(result.projections).toEqual(['scheduled_jobs']);
      const after = await dump(dataSource);
      expect(after.scheduled_jobs).toEqual(built.scheduled_jobs);
      expect(after.master_reminder_settings).toEqual(built.master_reminder_settings);
      expect(after.customers).toEqual([]);
      expect(await readCheckpointState(dataSource, 'customers')).toEqual(otherCheckpoint);
    });

    it('an interrupted rebuild leaves the live tables untouched; running it again resumes where it stopped and ends identical', async () => {
      await history.run(HISTORY_EVENTS);
      const dataSource = await open(await newDatabase());
      await projectLive(dataSource);
      const head = (await store.headPosition())!;
      const built = await dump(dataSource);
      const rebuilder = new ProjectionRebuilder(store, dataSource);

      const abort = new AbortController();
      // Without the in-memory copy of the shadows: the projectors read them back from the database.
      const interrupted = rebuilder.rebuild('all', {
        pageSize: 211,
        memoryRowLimit: 0,
        signal: abort.signal,
        onProgress: (p) => p.events >= 1000 && abort.abort(),
      });
      await expect(interrupted).rejects.toMatchObject({
        name: 'AbortError',
        message: expect.stringMatching(/interrupted at position \d+/),
      });

      expect(await dump(dataSource)).toEqual(built);
      const status = await projectionStatus(store, dataSource);
      const reached = status[0].rebuild!.position!;
      expect(BigInt(reached)).toBeLessThan(head);
      for (const row of status) {
        expect(row).toMatchObject({ checkpoint: head.toString(), lagEvents: 0, frozen: false, rebuild: { position: reached } });
      }
      expect((await rebuildTables(dataSource)).sort()).toEqual(ALL_TABLES.map((t) => `rb_${t}`).sort());

      // Resumed with the shadows read into memory once.
      const resumed = await rebuilder.rebuild('all', { pageSize: 211 });

      expect(resumed.resumedFrom).toBe(reached);
      expect(resumed.events).toBe((await store.readAll({ after: BigInt(reached), maxCount: 1_000_000 })).length);
      expect(resumed.events).toBeLessThan(history.appended);
      expect(await dump(dataSource)).toEqual(built);
      expect(await rebuildTables(dataSource)).toEqual([]);
      for (const name of PROJECTION_NAMES) expect(await readCheckpoint(dataSource, name)).toBe(head);
    });

    it('interrupted after freezing the live projections, a rebuild gives them back their checkpoints; --restart starts over', async () => {
      await history.run(1000);
      const dataSource = await open(await newDatabase());
      await projectLive(dataSource);
      const head = (await store.headPosition())!;
      const built = await dump(dataSource);
      const rebuilder = new ProjectionRebuilder(store, dataSource);

      // Aborting on the last replay page (a short one): the signal is next checked in the final
      // catch-up, after the freeze.
      const pageSize = history.appended % 100 === 0 ? 99 : 100;
      const abort = new AbortController();
      const phases: string[] = [];
      await expect(
        rebuilder.rebuild('all', {
          pageSize,
          signal: abort.signal,
          onProgress: (p) => {
            phases.push(p.phase);
            if (p.position === head.toString()) abort.abort();
          },
        }),
      ).rejects.toMatchObject({ name: 'AbortError' });

      for (const name of PROJECTION_NAMES) {
        expect(await readCheckpointState(dataSource, name)).toMatchObject({ position: head, frozen: false });
      }
      expect((await projectionStatus(store, dataSource)).every((r) => !r.frozen && r.rebuild?.position === head.toString())).toBe(true);
      expect(await dump(dataSource)).toEqual(built);

      const restarted = await rebuilder.rebuild('all', { restart: true });

      expect(restarted).toMatchObject({ resumedFrom: null, events: history.appended });
      expect(await dump(dataSource)).toEqual(built);
    });

    it('status shows each checkpoint, the head, and the lag in events and seconds', async () => {
      await history.run(1500);
      const dataSource = await open(await newDatabase());

      const before = await projectionStatus(store, dataSource);
      expect(before.map((r) => r.name)).toEqual([...PROJECTION_NAMES]);
      for (const row of before) {
        expect(row).toMatchObject({
          checkpoint: null,
          lagEvents: history.appended,
          lagEventsCapped: false,
          frozen: false,
          rebuild: null,
          updatedAt: null,
        });
        expect(row.lagSeconds).toBeGreaterThanOrEqual(0);
      }

      await projectLive(dataSource);
      const caughtUp = (await store.headPosition())!;
      for (const row of await projectionStatus(store, dataSource)) {
        expect(row).toMatchObject({
          checkpoint: caughtUp.toString(),
          head: caughtUp.toString(),
          lagEvents: 0,
          lagSeconds: 0,
          frozen: false,
          rebuild: null,
        });
        expect(Date.parse(row.updatedAt!)).not.toBeNaN();
      }

      // Five more events while the projections are not running.
      const appendedBefore = history.appended;
      while (history.appended - appendedBefore < 5) await history.run(1);
      const extra = history.appended - appendedBefore;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const head = (await store.headPosition())!;
      for (const row of await projectionStatus(store, dataSource)) {
        expect(row).toMatchObject({ checkpoint: caughtUp.toString(), head: head.toString(), lagEvents: extra, lagEventsCapped: false });
        expect(row.lagSeconds).toBeGreaterThanOrEqual(1);
      }
      expect(extra).toBeGreaterThanOrEqual(5);
    });

    it('an unknown projection name is refused with the valid names, and nothing is changed', async () => {
      await history.run(300);
      const dataSource = await open(await newDatabase());
      await projectLive(dataSource);
      const built = await dump(dataSource);
      const checkpoints = await dataSource.query('SELECT * FROM projection_checkpoints ORDER BY name');

      await expect(new ProjectionRebuilder(store, dataSource).rebuild(['client_bots', 'nope'])).rejects.toThrow(
        `unknown projection nope; valid names: ${PROJECTION_NAMES.join(', ')}`,
      );

      expect(await dump(dataSource)).toEqual(built);
      expect(await dataSource.query('SELECT * FROM projection_checkpoints ORDER BY name')).toEqual(checkpoints);
      expect(await rebuildTables(dataSource)).toEqual([]);
    });

    it('a projection left frozen by a rebuild that died waits, writing nothing, until the next rebuild finishes the job', async () => {
      await history.run(HISTORY_EVENTS);
      const dataSource = await open(await newDatabase());
      const projections = await projectLive(dataSource, true);
      const before = (await store.headPosition())!;
      const rebuilder = new ProjectionRebuilder(store, dataSource);
      const abort = new AbortController();
      await expect(
        rebuilder.rebuild('all', { pageSize: 500, signal: abort.signal, onProgress: () => abort.abort() }),
      ).rejects.toMatchObject({ name: 'AbortError' });
      // What a rebuild process killed right after freezing leaves behind.
      for (const name of PROJECTION_NAMES) {
        await dataSource.query('UPDATE projection_checkpoints SET position = ? WHERE name = ?', [`frozen:${before}`, name]);
      }

      await history.run(200);
      await new Promise((resolve) => setTimeout(resolve, 700));
      for (const runner of projections.runners.values()) expect(runner.checkpoint).toBe(before);
      for (const row of await projectionStatus(store, dataSource))
        expect(row).toMatchObject({ frozen: true, checkpoint: before.toString(), lagEvents: history.appended - HISTORY_EVENTS });

      await rebuilder.rebuild('all');
      const head = (await store.headPosition())!;
      await eventually(() => [...projections.runners.values()].every((r) => r.checkpoint === head));
      await projections.stop();

      const scratch = await open(await newDatabase());
      await projectLive(scratch);
      expect(await dump(dataSource)).toEqual(await dump(scratch));
      for (const row of await projectionStatus(store, dataSource))
        expect(row).toMatchObject({ frozen: false, rebuild: null, lagEvents: 0 });
    });

    if (engine === 'mysql') {
      it('a MySQL swap that renamed the tables but died before its bookkeeping is finished by the next run', async () => {
        await history.run(HISTORY_EVENTS);
        const dataSource = await open(await newDatabase());
        await projectLive(dataSource);
        const built = await dump(dataSource);
        const rebuilder = new ProjectionRebuilder(store, dataSource);
        const abort = new AbortController();
        await expect(
          rebuilder.rebuild(['customers'], { pageSize: 500, signal: abort.signal, onProgress: () => abort.abort() }),
        ).rejects.toMatchObject({ name: 'AbortError' });
        // The state right after `RENAME TABLE` (frozen, shadow in place, old table parked), as a crash would leave it.
        // Finishing it leaves table and checkpoint consistent; the run then rebuilds in full.
        const head = (await store.headPosition())!;
        await dataSource.query('UPDATE projection_checkpoints SET position = ? WHERE name = ?', [`frozen:${head}`, 'customers']);
        await dataSource.query('RENAME TABLE customers TO rbold_customers, rb_customers TO customers');

        await rebuilder.rebuild(['customers']);

        expect(await dump(dataSource)).toEqual(built);
        expect(await rebuildTables(dataSource)).toEqual([]);
        expect(await readCheckpointState(dataSource, 'customers')).toMatchObject({ position: head, frozen: false });
        expect(await readCheckpointState(dataSource, 'rebuild:customers')).toBeUndefined();
      });
    }

    it('on an empty history a rebuild swaps in empty tables, checkpointed at the start', async () => {
      const dataSource = await open(await newDatabase());

      const result = await new ProjectionRebuilder(store, dataSource).rebuild('all');

      expect(result).toMatchObject({ events: 0, resumedFrom: null });
      for (const rows of Object.values(await dump(dataSource))) expect(rows).toEqual([]);
      for (const name of PROJECTION_NAMES)
        expect(await readCheckpointState(dataSource, name)).toMatchObject({ position: null, frozen: false });
      expect(await rebuildTables(dataSource)).toEqual([]);
    });

    it('a rebuild while the projections run and customers keep writing ends with exactly the rows of a projection from scratch', async () => {
      await history.run(HISTORY_EVENTS);
      const live = await newDatabase();
      const dataSource = await open(live);
      const projections = await projectLive(dataSource, true);
      const restarts = new Map<string, number>();
      for (const [name, runner] of projections.runners) runner.onRestarted(() => restarts.set(name, (restarts.get(name) ?? 0) + 1));

      // Traffic keeps arriving during the whole rebuild (and a little after).
      let writing = true;
      const traffic = (async () => {
        while (writing) {
          await history.run(25);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      // MySQL: the rebuild has its own connections, as the CLI process would. SQLite: the app's one
      // connection (one writer per process), so the protocol runs in-process there.
      const rebuildSource = engine === 'mysql' ? await open(live) : dataSource;
      const result = await new ProjectionRebuilder(store, rebuildSource).rebuild('all', { pageSize: 300 });
      await history.run(100);
      writing = false;
      await traffic;

      const head = (await store.headPosition())!;
      await eventually(async () => [...projections.runners.values()].every((r) => r.checkpoint === head));
      await projections.stop();
      const scratch = await open(await newDatabase());
      await projectLive(scratch);
      expect(await dump(dataSource)).toEqual(await dump(scratch));
      // The runners noticed the swap (their checkpoint written by someone else) and restarted from it. Not every one
      // need have: a projection that the traffic after the swap brought no event for writes no checkpoint, so has
      // nothing to notice it by (its rows are checked above all the same). Seen failing now and then when it asked all.
      expect([...restarts.values()].reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(1);
      expect(result.events).toBeGreaterThanOrEqual(HISTORY_EVENTS);
      // Unfrozen, and never past the head. Not always at it: a runner skips the checkpoint write for batches with
      // nothing for it (issue 10), so an idle projection's stored checkpoint may stay behind until its next event
      // (a restart then reads those events again and skips them). Seen failing now and then when it asked `head`.
      for (const name of PROJECTION_NAMES) {
        const state = await readCheckpointState(dataSource, name);
        expect({ name, frozen: state?.frozen, pastHead: state?.position != null && state.position > head }).toEqual({
          name,
          frozen: false,
          pastHead: false,
        });
      }
    });
  });
}

describeRebuild('sqlite');
describeRebuild('mysql');
