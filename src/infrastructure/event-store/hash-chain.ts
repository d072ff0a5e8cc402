import { createHash } from 'node:crypto';
import { EventMetadata, NewEvent } from '../../application/ports/event-store.port';

/**
 * The per-stream hash chain (tamper evidence, see "Tamper evidence" in docs/architecture.md).
 *
 * Every event's metadata carries `prevHash` (its predecessor's `hash`, or `GENESIS(streamId)` at
 * revision 0) and `hash = sha256(prevHash "\n" canonicalJson({streamId, revision, id, type, data,
 * metadata without prevHash/hash}))`. The adapters seal events inside their append, where the
 * predecessor is known for certain; `ChainVerifier` recomputes the same values from what is stored.
 */

/** What the hash covers of an event; the store-assigned `position` and `recordedAt` are deliberately not in it. */
export interface ChainableEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** The `prevHash` of a stream's revision 0: bound to the stream id, so a chain cannot be moved to another stream. */
export function GENESIS(streamId: string): string {
  return sha256(`genesis:${streamId}`);
}

/**
 * Deterministic JSON: keys sorted (by UTF-16 code units) at every level, and first reduced to exactly
 * what survives `JSON.parse(JSON.stringify(value))` — undefined dropped, `toJSON` applied, -0 as 0 —
 * because stores keep events as JSON text and the hash must come out the same before and after.
 */
export function canonicalJson(value: unknown): string {
  // Events are plain JSON-shaped data: written in one pass. Anything else (a Date, a class, toJSON, a
  // cycle) takes the reference path, whose result the fast one equals wherever it answers (tested).
  const fast = plainCanonical(value, 0);
  if (fast !== undefined && fast !== NOT_PLAIN) return fast;
  return referenceCanonicalJson(value);
}

/** The definition: a JSON round trip, then keys sorted. Slow (stringify, parse, rebuild), exact for any value. */
export function referenceCanonicalJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON representation');
  return serialize(JSON.parse(text) as unknown);
}

const NOT_PLAIN = Symbol('not plain');
/** Deeper than any event: a cycle, most likely — left to the reference path, which reports it. */
const MAX_PLAIN_DEPTH = 64;

/**
 * Canonical JSON of plain data in one pass: `undefined` for a value JSON leaves out (undefined, a
 * function, a symbol), NOT_PLAIN when anything could make a JSON round trip differ from reading the value
 * as it is (an object that is not a plain object or array, a toJSON, a bigint, great depth).
 */
function plainCanonical(value: unknown, depth: number): string | undefined | typeof NOT_PLAIN {
  switch (typeof value) {
    case 'string':
    case 'number': // NaN and ±Infinity become null, -0 becomes 0: as a round trip makes them
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return NOT_PLAIN;
    default:
      break;
  }
  if (value === null) return 'null';
  if (depth > MAX_PLAIN_DEPTH) return NOT_PLAIN;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype || 'toJSON' in value) return NOT_PLAIN;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item = plainCanonical(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out += (i > 0 ? ',' : '') + (item ?? 'null');
    }
    return `${out}]`;
  }
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in (value as object)) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = plainCanonical(record[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${item}`;
    first = false;
  }
  return `${out}}`;
}

/** The hash of one event given its predecessor's hash. */
export function chainHash(prevHash: string, streamId: string, revision: number, event: ChainableEvent): string {
  const { prevHash: _prev, hash: _hash, ...metadata } = event.metadata ?? ({} as EventMetadata);
  const content = canonicalJson({ streamId, revision, id: event.id, type: event.type, data: event.data, metadata });
  return sha256(`${prevHash}\n${content}`);
}

/**
 * Returns copies of `events` (to be stored at `firstRevision`, `firstRevision + 1`, …) with
 * `metadata.prevHash`/`metadata.hash` filled in, each linked to the one before; `prevHash` is the
 * hash of the event at `firstRevision - 1` (or `GENESIS(streamId)` when `firstRevision` is 0).
 * Any `prevHash`/`hash` the caller put in the metadata is replaced.
 */
export function sealChain(streamId: string, firstRevision: number, prevHash: string, events: NewEvent[]): NewEvent[] {
  let previous = prevHash;
  return events.map((event, i) => {
    const hash = chainHash(previous, streamId, firstRevision + i, event);
    const sealed: NewEvent = { ...event, metadata: { ...event.metadata, prevHash: previous, hash } };
    previous = hash;
    return sealed;
  });
}

/**
 * The hash the next event of a stream links to, given the stream's current last event. An event from
 * before the chain existed has no `hash`: it is then hashed as if it started the chain, so the next
 * event at least commits to its content (the verifier still reports it as `unchained`).
 */
export function linkHash(last: ChainableEvent & { streamId: string; revision: number }): string {
  const stored = last.metadata?.hash;
  return typeof stored === 'string' ? stored : chainHash(GENESIS(last.streamId), last.streamId, last.revision, last);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function serialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${serialize(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
