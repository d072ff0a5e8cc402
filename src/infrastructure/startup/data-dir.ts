import Database from 'better-sqlite3';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, StartupError } from './startup-error';

/** Creates DATA_DIR if needed and proves it is writable (a probe file), before anything is opened in it. */
export function ensureWritableDataDir(dataDir: string): void {
  const probe = join(dataDir, `.write-probe-${process.pid}`);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new StartupError(
      'DATA_DIR',
      `${dataDir} is not a writable directory (${errorCode(error) ?? String(error)}): create it and let this user write to it, or set DATA_DIR elsewhere`,
    );
  }
}

/**
 * One app process per DATA_DIR: two on the same files send replies twice (both run every reactor).
 * The process holds an exclusive SQLite lock on DATA_DIR/instance.lock for its whole life. It is an
 * OS file lock (fcntl), so the OS drops it when the process dies, even by SIGKILL: a restart after a
 * crash is never refused. Only the app takes it; the CLI runs beside the app by design. SQLite read
 * models live in DATA_DIR, so this covers them too.
 */
export class DataDirLock {
  private constructor(private readonly db: Database.Database) {}

  /**
   * `shared`: replicas (EventStoreDB + MySQL, ordered by leases) on one host may share DATA_DIR — they
   * must, for the content keys and the generated master key in it. They hold a SQLite read lock on the
   * same file: any number of replicas together, never beside a single-instance process (which holds the
   * exclusive lock, and is refused while a replica holds a read lock).
   */
  static acquire(dataDir: string, shared = false): DataDirLock {
    const file = join(dataDir, 'instance.lock');
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      if (shared) {
        db.exec('BEGIN');
        db.prepare('SELECT count(*) FROM sqlite_master').get(); // the read lock is taken here and kept until ROLLBACK
      } else db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if (errorCode(error) !== 'SQLITE_BUSY') throw error;
      if (shared)
        throw new StartupError(
          'DATA_DIR',
          `a single-instance FeedbackBots process is already running on ${dataDir} (it holds ${file}); stop it before starting replicas on this data`,
        );
      throw new StartupError(
        'DATA_DIR',
        `another FeedbackBots process is already running on ${dataDir} (it holds ${file}); stop it first, or give this one its own DATA_DIR — several instances on the same data need EVENTSTORE_URL and DATABASE_URL (replicas)`,
      );
    }
    return new DataDirLock(db);
  }

  release(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}
