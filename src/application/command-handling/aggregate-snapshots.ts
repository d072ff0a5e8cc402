import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RecordedEvent } from '../ports/event-store.port';
import { SnapshotStore } from '../ports/snapshot-store.port';

/** A stream is snapshotted from this many events on: below it, a whole read costs less than ~35 ms here. */
export const DEFAULT_SNAPSHOT_EVENTS = 5_000;

/** A held fold is saved again once it has grown this many events past its last snapshot (at shutdown, or when read afresh). */
export const SNAPSHOT_AGAIN_AFTER = 1_000;

/** The event a snapshot is taken at, as far as it matters to it. */
export type SnapshotAt = Pick<RecordedEvent, 'id' | 'revision' | 'metadata'>;

/**
 * What a snapshot says of the event it was taken at: its id and its chain hash (`<id>#<hash>`). Ids are
 * deterministic (the same update decided again gets the same id), the hash is not unless the data and everything
 * before it are the same: a snapshot of events a power loss took back is not mistaken for the stream recorded since.
 */
export function snapshotEventKey(event: SnapshotAt): string {
  const hash = event.metadata?.hash;
  return typeof hash === 'string' ? `${event.id}#${hash}` : event.id;
}

/** A stream's fold as restored from a snapshot: what `AggregateStore` folds the stream's tail into. */
export interface RestoredFold<S> {
  revision: number;
  eventId: string;
  state: S;
  causations: Set<string>;
}

/**
 * Folds of long streams saved and restored, so the first command on a 100,000-event conversation or master after
 * a start reads the events after its snapshot, not all of them (~12 µs per event read and folded: 1.2 s).
 *
 * Encoded as JSON with Maps, Sets and `undefined` fields tagged (`encodeFold`: states are plain data, as copyState
 * says), so a restored fold is made of this realm's own Maps and Sets. A snapshot is used only when it was made by
 * this very fold code (`foldFingerprint`: a change to any decider, event type or upcaster makes every snapshot
 * stale) and when the event store still has the
 * event it was taken at, at its revision, with the same chain hash (AggregateStore checks that with the same read
 * that gives it the tail):
 * a restored backup, another EventStoreDB namespace or a rebuilt store is read whole instead.
 */
export class AggregateSnapshots {
  private readonly logger = new Logger('AggregateSnapshots');

  constructor(
    private readonly store: SnapshotStore,
    readonly minEvents = DEFAULT_SNAPSHOT_EVENTS,
    readonly fingerprint = foldFingerprint(),
  ) {
    if (!Number.isSafeInteger(minEvents) || minEvents < 0)
      throw new RangeError(`snapshot threshold must be a whole number ≥ 0 (0: none), got ${minEvents}`);
  }

  /** Whether a fold up to `revision`, last saved at `savedAt`, is worth saving now. */
  due(revision: number, savedAt: number | undefined): boolean {
    if (this.minEvents === 0 || revision + 1 < this.minEvents) return false;
    return savedAt === undefined || revision - savedAt >= SNAPSHOT_AGAIN_AFTER;
  }

  /** The saved fold of the stream by deciders of `kind`; `undefined` when none, made by other code, or unreadable. */
  restore<S>(streamId: string, kind: string): RestoredFold<S> | undefined {
    if (this.minEvents === 0) return undefined;
    try {
      const saved = this.store.get(streamId, kind);
      if (!saved || saved.fingerprint !== this.fingerprint) return undefined;
      const decoded = JSON.parse(saved.payload.toString('utf8')) as { state?: unknown; causations?: unknown };
      if (!decoded || typeof decoded !== 'object' || !('state' in decoded) || !Array.isArray(decoded.causations))
        throw new Error('not a saved fold');
      return {
        revision: saved.revision,
        eventId: saved.eventId,
        state: decodeFold(decoded.state) as S,
        causations: new Set(decoded.causations as string[]),
      };
    } catch (error) {
      this.logger.warn(`the snapshot of ${streamId} cannot be read (${(error as Error).message}): the stream is read whole`);
      this.forget(streamId, kind);
      return undefined;
    }
  }

  /**
   * Saves the fold of the stream up to its `revision`, whose event is `at` (read back before use: `snapshotEventKey`).
   * Synchronous: the state is encoded as it is now. Whether it was saved; a failure is logged: it is a cache.
   */
  save(streamId: string, kind: string, fold: { revision: number; state: unknown; causations: Set<string> }, at: SnapshotAt): boolean {
    const eventId = snapshotEventKey(at);
    try {
      if (at.revision !== fold.revision) throw new Error(`the fold is at ${fold.revision}, the event at ${at.revision}`);
      const payload = Buffer.from(JSON.stringify({ state: encodeFold(fold.state), causations: [...fold.causations] }), 'utf8');
      this.store.put(streamId, kind, { revision: fold.revision, eventId, fingerprint: this.fingerprint, payload });
      return true;
    } catch (error) {
      this.logger.warn(`could not save the snapshot of ${streamId}: ${(error as Error).message}`);
      return false;
    }
  }

  close(): void {
    this.store.close();
  }

  forget(streamId: string, kind: string): void {
    try {
      this.store.delete(streamId, kind);
    } catch (error) {
      this.logger.warn(`could not drop the snapshot of ${streamId}: ${(error as Error).message}`);
    }
  }
}

/**
 * A hash of the code a fold depends on: every file of the domain (deciders, states, events) and of command handling
 * (upcasters, the aggregate store), as this process runs them (compiled JavaScript, or TypeScript under ts-jest).
 * Coarse on purpose: any change there makes old snapshots unused (one whole read per long stream), never wrong.
 */
export function foldFingerprint(): string {
  const hash = createHash('sha256');
  for (const dir of [join(__dirname, '..', '..', 'domain'), __dirname]) {
    for (const file of codeFiles(dir)) hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

function codeFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...codeFiles(path));
    else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Tags of the JSON encoding: a Map's entries, a Set's items, `undefined`, and an object that has a tag's name as its only key. */
const MAP = '$map';
const SET = '$set';
const UNDEFINED = '$undefined';
const OBJECT = '$object';
const TAGS = new Set([MAP, SET, UNDEFINED, OBJECT]);

/**
 * A folded state as JSON-safe data: objects, arrays and primitives as they are, Maps and Sets as tagged arrays,
 * `undefined` as a tag. Anything else (a Date, a class instance, a number JSON cannot hold) is refused: a state
 * the codec does not know is not saved (see `save`), rather than restored as something else.
 */
export function encodeFold(value: unknown): unknown {
  if (value === undefined) return { [UNDEFINED]: true };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`a state holds ${value}, which JSON cannot`);
    return value;
  }
  if (Array.isArray(value)) return value.map(encodeFold);
  if (value instanceof Map) return { [MAP]: [...value].map(([k, v]) => [encodeFold(k), encodeFold(v)]) };
  if (value instanceof Set) return { [SET]: [...value].map(encodeFold) };
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = encodeFold((value as Record<string, unknown>)[key]);
    const keys = Object.keys(out);
    return keys.length === 1 && TAGS.has(keys[0]) ? { [OBJECT]: out } : out;
  }
  throw new TypeError(
    `a state holds a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}, which snapshots do not encode`,
  );
}

/** The state `encodeFold` encoded, with this realm's Maps and Sets. */
export function decodeFold(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeFold);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && TAGS.has(keys[0])) {
    const [tag] = keys;
    const inner = record[tag];
    if (tag === UNDEFINED) return undefined;
    if (tag === OBJECT) return decodePlain(inner as Record<string, unknown>);
    if (!Array.isArray(inner)) throw new Error(`${tag} holds no list`);
    if (tag === SET) return new Set(inner.map(decodeFold));
    return new Map((inner as [unknown, unknown][]).map(([k, v]) => [decodeFold(k), decodeFold(v)]));
  }
  return decodePlain(record);
}

function decodePlain(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = decodeFold(record[key]);
  return out;
}
