import Database from 'better-sqlite3';
import { openSqliteFile } from '../../processing/sqlite-file';
import { SnapshotStore, StoredSnapshot } from '../../application/ports/snapshot-store.port';

type Statements = Record<'get' | 'put' | 'delete', Database.Statement>;

/**
 * Snapshots in their own SQLite file in DATA_DIR (`snapshots.sqlite`), whichever event store the app runs on: they
 * are a cache of folds, checked against the event store before use (AggregateStore), so a lost or stale row costs
 * a whole read, nothing else. Hence no fsync (WAL, `synchronous=NORMAL`: never corrupt, may lose the last writes
 * in a power loss). Replicas on one host share it; a write of one replica simply replaces another's.
 *
 * What it holds is what the events hold (folds of them: ids, sealed content, encrypted tokens), never content in
 * clear; an erased customer's content stays unreadable here as in the events (crypto-shredding).
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly statements: Statements;

  constructor(file: string) {
    this.db = openSqliteFile(file);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS snapshots (stream_id TEXT NOT NULL, kind TEXT NOT NULL, revision INTEGER NOT NULL,
        event_id TEXT NOT NULL, fingerprint TEXT NOT NULL, payload BLOB NOT NULL, saved_at TEXT NOT NULL,
        PRIMARY KEY (stream_id, kind)) WITHOUT ROWID`,
    );
    this.statements = {
      get: this.db.prepare('SELECT revision, event_id, fingerprint, payload FROM snapshots WHERE stream_id = ? AND kind = ?'),
      put: this.db.prepare(
        `INSERT INTO snapshots (stream_id, kind, revision, event_id, fingerprint, payload, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream_id, kind) DO UPDATE SET revision = excluded.revision, event_id = excluded.event_id,
         fingerprint = excluded.fingerprint, payload = excluded.payload, saved_at = excluded.saved_at`,
      ),
      delete: this.db.prepare('DELETE FROM snapshots WHERE stream_id = ? AND kind = ?'),
    };
  }

  get(streamId: string, kind: string): StoredSnapshot | undefined {
    const row = this.statements.get.get(streamId, kind) as
      { revision: number; event_id: string; fingerprint: string; payload: Buffer } | undefined;
    return row && { revision: row.revision, eventId: row.event_id, fingerprint: row.fingerprint, payload: row.payload };
  }

  put(streamId: string, kind: string, snapshot: StoredSnapshot): void {
    const { revision, eventId, fingerprint, payload } = snapshot;
    this.statements.put.run(streamId, kind, revision, eventId, fingerprint, payload, new Date().toISOString());
  }

  delete(streamId: string, kind: string): void {
    this.statements.delete.run(streamId, kind);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
