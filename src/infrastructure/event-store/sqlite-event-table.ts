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
  | 'lastEvent'
  | 'streamHead'
  | 'streamIdsFrom'
  | 'streamTail'
  | 'insert'
  | 'readStreamSome'
  | 'readStreamOfTypes'
  | 'readAll'
  | 'readAllBelow'
  | 'head',
  Database.Statement
>;

const EVENTS_TABLE = (name: string) => `
    CREATE TABLE IF NOT EXISTS ${name} (
      position    INTEGER PRIMARY KEY AUTOINCREMENT,
      id          TEXT    NOT NULL,
      stream_id   TEXT    NOT NULL,
      revision    INTEGER NOT NULL,
      type        TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT    NOT NULL,
      recorded_at TEXT    NOT NULL,
      UNIQUE (stream_id, revision)
    );`;

/**
 * The embedded store's one table and the statements SqliteEventStore runs on it. `position` is the rowid (dense,
 * the global order); `(stream_id, revision)` is unique, so a stream's reads, its head and a re-append's check
 * (`replays.ts`) come from that index. There is no index of event ids: a random id's page written per event cost
 * ~10 % of the recording path, and ids are only ever compared within a stream (as on EventStoreDB). A file made
 * before (its `id` column UNIQUE) is rebuilt without that index once, when first opened (`onRebuild` is told).
 */
export function openEventTable(db: Database.Database, onRebuild: (events: number) => void = () => undefined): EventStatements {
  db.exec(EVENTS_TABLE('events'));
  if (hasEventIdIndex(db)) rebuildWithoutEventIdIndex(db, onRebuild);
  return {
    lastEvent: db.prepare(
      'SELECT stream_id, revision, id, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    ),
    // Answered from the (stream_id, revision) index alone: position is the rowid.
    streamHead: db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
    // A re-append's check: the events right after a revision, or the stream's last ones (newest first).
    streamIdsFrom: db.prepare('SELECT id, revision, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
    streamTail: db.prepare('SELECT id, revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT ?'),
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

/** A UNIQUE index on the `id` column alone: the table as created before 2026-11-29. */
function hasEventIdIndex(db: Database.Database): boolean {
  const indexes = db.pragma('index_list(events)') as { name: string; unique: number | bigint }[];
  return indexes.some((index) => {
    if (Number(index.unique) !== 1) return false;
    const columns = db.pragma(`index_info(${JSON.stringify(index.name)})`) as { name: string }[];
    return columns.length === 1 && columns[0].name === 'id';
  });
}

/**
 * The table copied, in one IMMEDIATE transaction, into one without the index (positions as they were, and the
 * AUTOINCREMENT sequence no lower than it was: a position once handed out is never handed out again), then put in
 * its place: a crash leaves either the old table or the new one, whole. The write-ahead log, as large as the table
 * by then, is folded into the file and cut back afterwards; the old table's pages stay in the file as free pages
 * that later appends reuse.
 */
function rebuildWithoutEventIdIndex(db: Database.Database, onRebuild: (events: number) => void): void {
  const rebuilt = db
    .transaction(() => {
      if (!hasEventIdIndex(db)) return false; // another process rebuilt it meanwhile
      const { count } = db.prepare('SELECT COUNT(*) AS count FROM events').get() as { count: number | bigint };
      onRebuild(Number(count));
      const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number | bigint | undefined;
      db.exec('DROP TABLE IF EXISTS events_rebuilt');
      db.exec(EVENTS_TABLE('events_rebuilt'));
      db.exec(`INSERT INTO events_rebuilt (position, id, stream_id, revision, type, data, metadata, recorded_at)
               SELECT position, id, stream_id, revision, type, data, metadata, recorded_at FROM events ORDER BY position`);
      db.exec('DROP TABLE events');
      db.exec('ALTER TABLE events_rebuilt RENAME TO events');
      // The rename carried the new table's sequence (its last position); the old one may have been higher.
      db.prepare("DELETE FROM sqlite_sequence WHERE name = 'events'").run();
      if (sequence !== undefined) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(sequence);
      return true;
    })
    .immediate();
  if (rebuilt) db.pragma('wal_checkpoint(TRUNCATE)');
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
