/** A long stream's fold as saved: what `AggregateSnapshots` encodes, and how to tell it still is a prefix of the stream. */
export interface StoredSnapshot {
  /** The stream's last revision folded in. */
  revision: number;
  /**
   * The event at `revision`, as `<id>#<chain hash>` (`snapshotEventKey`): a snapshot is used only when the stream
   * still has that very event there, same data and same history before it (the hash chains them).
   */
  eventId: string;
  /** The fold code it was made with (`foldFingerprint()`): a snapshot made by other code is not used. */
  fingerprint: string;
  /** The encoded state and causation ids (see AggregateSnapshots). */
  payload: Buffer;
}

/**
 * Saved folds of long streams, so a command on one after a start reads its tail instead of the whole stream. A
 * cache, never a source of truth: anything in it may be missing, stale or unreadable, and is then read from the
 * event store. Synchronous: a local file.
 */
export interface SnapshotStore {
  get(streamId: string, kind: string): StoredSnapshot | undefined;
  put(streamId: string, kind: string, snapshot: StoredSnapshot): void;
  delete(streamId: string, kind: string): void;
  close(): void;
}
