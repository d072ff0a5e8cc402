import Database from 'better-sqlite3';
import { RecordedEvent } from '../../application/ports/event-store.port';

/** A row of the embedded store's `events` table (integers as bigint: the connection reads safe integers). */
export interface EventRow {
  position: number | bigint;
  id: string;
  stream_id: string;
  revision: number | bigint;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

export type EventStatements = Record<
  'lastEvent' | 'streamHead' | 'findById' | 'insert' | 'readStreamSome' | 'readStreamOfTypes' | 'readAll' | 'readAllBelow' | 'head',
  Database.Statement
>;

/**
 * The embedded store's one table and the statements SqliteEventStore runs on it. `position` is the rowid (dense,
 * the global order); `(stream_id, revision)` is unique, so a stream's reads and its head come from that index.
 */
export function openEventTable(db: Database.Database): EventStatements {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position    INTEGER PRIMARY KEY AUTOINCREMENT,
      id          TEXT    NOT NULL UNIQUE,
      stream_id   TEXT    NOT NULL,
      revision    INTEGER NOT NULL,
      type        TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT    NOT NULL,
      recorded_at TEXT    NOT NULL,
      UNIQUE (stream_id, revision)
    );
  `);
  return {
    lastEvent: db.prepare(
      'SELECT stream_id, revision, id, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    ),
    // Answered from the (stream_id, revision) index alone: position is the rowid.
    streamHead: db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
    findById: db.prepare('SELECT stream_id, revision, position FROM events WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at)
       VALUES (@id, @streamId, @revision, @type, @data, @metadata, @recordedAt)`,
    ),
    readStreamSome: db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
    // The other types' rows are skipped by SQLite itself: read from the table, never handed to JavaScript nor parsed.
    readStreamOfTypes: db.prepare(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY revision LIMIT ?',
    ),
    readAll: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
    readAllBelow: db.prepare('SELECT * FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?'),
    head: db.prepare('SELECT MAX(position) AS position FROM events'),
  };
}

/** A row as the port's event: revision a number, position a bigint, data and metadata parsed. */
export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data) as RecordedEvent['data'],
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    recordedAt: new Date(row.recorded_at),
  };
}
