import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../processing/sql-dialect';

/** One rebuild per read-model database at a time (MySQL: a named lock; SQLite: a lock file beside the database). */
export async function oneRebuildAtATime<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) === 'mysql') {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ db }] = (await runner.query('SELECT DATABASE() AS db')) as { db: string }[];
      const lock = `feedbackbots-rebuild:${db}`.slice(0, 64);
      const [{ got }] = (await runner.query('SELECT GET_LOCK(?, 0) AS got', [lock])) as { got: number | string | null }[];
      if (Number(got) !== 1) throw new Error('another projection rebuild is running on this database');
      try {
        return await work();
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [lock]);
      }
    } finally {
      await runner.release();
    }
  }
  const database = String(dataSource.options.database);
  if (database === ':memory:' || database === '') return work();
  const release = takeLockFile(`${database}.rebuild.lock`);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Creates the lock file with our pid; a file whose process is gone is stale and taken over. */
function takeLockFile(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8'));
      if (pid > 0 && pid !== process.pid && alive(pid))
        throw new Error(`another projection rebuild is running on this database (pid ${pid})`);
      if (pid === process.pid) throw new Error('a projection rebuild is already running in this process');
      unlinkSync(path);
    }
  }
  throw new Error(`could not take the rebuild lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
