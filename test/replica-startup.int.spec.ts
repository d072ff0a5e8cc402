import { DataDirLock } from '../src/infrastructure/startup/data-dir';
import { ReadModelDatabaseLock } from '../src/infrastructure/startup/read-model-database-lock';
import { runsAsReplica } from '../src/infrastructure/startup/preflight';
import { StartupError } from '../src/infrastructure/startup/startup-error';
import { Cleanups } from './support/cleanups';
import { createMysqlTestDb } from './support/mysql-test-db';
import { makeTempDir } from './support/temp-dir';

/**
 * Replicas (EventStoreDB + MySQL) share DATA_DIR on one host and the read-model database; a
 * single-instance process (an embedded store) still runs alone on its data, never beside replicas.
 */
describe('starting replicas beside each other, and never beside a single instance', () => {
  const cleanups = new Cleanups();
  afterEach(cleanups.runAll);

  function dataDir(): string {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    return tmp.dir;
  }
  const lock = (dir: string, shared: boolean) => {
    const held = DataDirLock.acquire(dir, shared);
    cleanups.push(() => held.release());
    return held;
  };

  it('only EventStoreDB events with MySQL read models make an app a replica', () => {
    expect(runsAsReplica({ eventStoreUrl: 'esdb://a:2113?tls=false', databaseUrl: 'mysql://u@h/db' })).toBe(true);
    expect(runsAsReplica({ eventStoreUrl: null, databaseUrl: 'mysql://u@h/db' })).toBe(false);
    expect(runsAsReplica({ eventStoreUrl: 'esdb://a:2113?tls=false', databaseUrl: null })).toBe(false);
  });

  it('three replicas share one DATA_DIR', () => {
    const dir = dataDir();
    expect(() => [lock(dir, true), lock(dir, true), lock(dir, true)]).not.toThrow();
  });

  it('a single-instance process is refused on the DATA_DIR of running replicas, and replicas on a single instance’s', () => {
    const replicasDir = dataDir();
    lock(replicasDir, true);
    expect(() => lock(replicasDir, false)).toThrow(/DATA_DIR: another FeedbackBots process is already running/);

    const singleDir = dataDir();
    lock(singleDir, false);
    expect(() => lock(singleDir, true)).toThrow(
      /DATA_DIR: a single-instance FeedbackBots process is already running on .*; stop it before starting replicas/,
    );
  });

  it('a replica starts on a read-model database nobody uses, and is refused on one a single instance holds', async () => {
    const db = await createMysqlTestDb();
    cleanups.push(db.drop);
    await expect(ReadModelDatabaseLock.checkForReplicas(db.url)).resolves.toBeUndefined();
    const single = await ReadModelDatabaseLock.acquire(db.url);
    cleanups.push(() => single.release());
    const refused = ReadModelDatabaseLock.checkForReplicas(db.url);
    await expect(refused).rejects.toBeInstanceOf(StartupError);
    await expect(refused).rejects.toThrow(
      /a single-instance FeedbackBots process \(events in SQLite\) already uses the read-model database/,
    );
  });
});
