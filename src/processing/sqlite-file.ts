import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A small local SQLite file of the process's own (its directory made if missing): WAL, `synchronous=NORMAL` (a
 * write that returned survives the process being killed, not a power loss: no fsync per write) and a 5 s busy
 * timeout for the other processes on the same DATA_DIR (replicas, the CLI).
 */
export function openSqliteFile(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
