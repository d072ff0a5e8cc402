import { EventStore, RecordedEvent } from '../application/ports/event-store.port';
import { GENESIS, chainHash, linkHash, sha256 } from '../infrastructure/event-store/hash-chain';

/**
 * Checks the per-stream hash chains the event store adapters write (see `hash-chain.ts` and "Tamper
 * evidence" in docs/architecture.md), and takes/checks anchors of the chain heads.
 *
 * What a chain cannot show on its own: a stream whose newest events were cut off (the remaining prefix
 * still verifies), and a whole stream rewritten consistently by someone who can run the hash code.
 * Both change the stream's head, which is what an anchor stored outside the system catches.
 */

export type ChainBreakReason = 'content-altered' | 'link-broken' | 'revision-gap' | 'unchained';

export interface ChainBreak {
  streamId: string;
  revision: number;
  /** Global position of the offending event, as a decimal string (positions are bigints). */
  position: string;
  eventId: string;
  type: string;
  reason: ChainBreakReason;
  /** What the chain says should be there (a hash, or a revision for `revision-gap`). */
  expected?: string;
  /** What is there instead. */
  actual?: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** What was checked, for display: `stream <id>` or `all streams`. */
  scope: string;
  streams: number;
  events: number;
  /** The first break of each broken stream (at most MAX_REPORTED_BREAKS of them). */
  breaks: ChainBreak[];
  /** Broken streams beyond MAX_REPORTED_BREAKS, counted but not listed; absent when none. */
  omittedBreaks?: number;
  /**
   * Events at the start of their streams written before the hash chain existed (an upgraded installation):
   * not covered by any hash, except the last of each such prefix, which the first sealed event links to.
   */
  unchainedEvents: number;
}

export interface AnchorHead {
  streamId: string;
  revision: number;
  hash: string;
}

export interface Anchor {
  takenAt: string;
  /** Position of the newest event included, as a decimal string; `null` for an empty store. */
  headPosition: string | null;
  streams: number;
  events: number;
  /** `anchorRoot(heads)`: the one value worth keeping outside the system. */
  root: string;
  /** Every stream's last revision and hash, sorted by stream id. */
  heads: AnchorHead[];
}

export interface AnchorCheck {
  ok: boolean;
  problems: string[];
}

/** The anchor given to `checkAnchor` is not one `anchor()` could have produced. */
export class InvalidAnchorError extends Error {
  constructor(detail: string) {
    super(`not an anchor: ${detail}`);
    this.name = 'InvalidAnchorError';
  }
}

export const MAX_REPORTED_BREAKS = 100;
const MAX_REPORTED_PROBLEMS = 100;
const PAGE_SIZE = 1000;
/** Streams read at once by `checkAnchor` (round trips matter with EventStoreDB). */
const ANCHOR_CHECK_CONCURRENCY = 8;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** sha256 over the sorted `streamId revision hash` lines (one per stream, `\n`-separated). */
export function anchorRoot(heads: AnchorHead[]): string {
  const lines = heads.map((head) => `${head.streamId} ${head.revision} ${head.hash}`);
  return sha256(lines.sort(byCodeUnits).join('\n'));
}

export class ChainVerifier {
  constructor(private readonly store: EventStore) {}

  /** Walks one stream from revision 0 and reports its first break. A stream that does not exist verifies as empty. */
  async verifyStream(streamId: string): Promise<VerifyReport> {
    const events = await this.store.readStream(streamId);
    const walk = new StreamWalk(streamId);
    const breaks: ChainBreak[] = [];
    for (const event of events) {
      const found = walk.next(event);
      if (found) {
        breaks.push(found);
        break;
      }
    }
    return {
      ok: breaks.length === 0,
      scope: `stream ${streamId}`,
      streams: events.length > 0 ? 1 : 0,
      events: events.length,
      breaks,
      unchainedEvents: walk.unchainedPrefix,
    };
  }

  /**
   * One pass over the whole store in global order, keeping each stream's last hash: the first break of
   * every broken stream (later events of a broken stream are not judged — nothing after a break can be
   * trusted anyway). Memory grows with the number of streams (one hash each), not of events.
   */
  async verifyAll(onProgress?: (progress: { events: number; streams: number }) => void): Promise<VerifyReport> {
    const walks = new Map<string, StreamWalk>();
    const breaks: ChainBreak[] = [];
    let omittedBreaks = 0;
    let events = 0;
    for await (const page of this.pages()) {
      for (const event of page) {
        events += 1;
        let walk = walks.get(event.streamId);
        if (!walk) walks.set(event.streamId, (walk = new StreamWalk(event.streamId)));
        const found = walk.next(event);
        if (!found) continue;
        if (breaks.length < MAX_REPORTED_BREAKS) breaks.push(found);
        else omittedBreaks += 1;
      }
      onProgress?.({ events, streams: walks.size });
    }
    let unchainedEvents = 0;
    for (const walk of walks.values()) unchainedEvents += walk.unchainedPrefix;
    const report: VerifyReport = { ok: breaks.length === 0, scope: 'all streams', streams: walks.size, events, breaks, unchainedEvents };
    if (omittedBreaks > 0) report.omittedBreaks = omittedBreaks;
    return report;
  }

  /**
   * Every stream's current head. Keeping `root` (or the whole anchor) somewhere the operators of this
   * system cannot write lets a later `checkAnchor` show that no chain was rewritten or cut short since.
   */
  async anchor(): Promise<Anchor> {
    const takenAt = new Date().toISOString();
    const heads = new Map<string, AnchorHead>();
    let events = 0;
    let headPosition: bigint | null = null;
    for await (const page of this.pages()) {
      for (const event of page) {
        events += 1;
        headPosition = event.position;
        const known = heads.get(event.streamId);
        if (!known || event.revision >= known.revision) {
          // An unchained head (written before the chain existed) is represented by its content hash.
          heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: linkHash(event) });
        }
      }
    }
    const sorted = [...heads.values()].sort((a, b) => byCodeUnits(a.streamId, b.streamId));
    return {
      takenAt,
      headPosition: headPosition === null ? null : String(headPosition),
      streams: sorted.length,
      events,
      root: anchorRoot(sorted),
      heads: sorted,
    };
  }

  /**
   * Is every anchored head still there, at the same revision, with the same hash? Together with a
   * passing `verifyAll` (every link from genesis up to each head intact) this shows that nothing
   * anchored was changed, removed or rewritten since. Streams created after the anchor are not
   * judged. The anchor's own `root` is recomputed, so an edited anchor file is reported too; with
   * `expectedRoot` (the root kept outside the system) a file whose heads and root were both edited is too.
   * @throws InvalidAnchorError when `anchor` is malformed.
   */
  async checkAnchor(anchor: Anchor, options: { expectedRoot?: string } = {}): Promise<AnchorCheck> {
    validateAnchor(anchor);
    const problems: string[] = [];
    const root = anchorRoot(anchor.heads);
    if (root !== anchor.root) {
      problems.push(`the anchor's root ${anchor.root} does not match its own heads (${root}): the anchor itself was altered`);
    }
    // The file sits with the data it vouches for; only a root kept elsewhere proves the file is the original.
    if (options.expectedRoot !== undefined && options.expectedRoot !== root) {
      problems.push(
        `the anchor's heads hash to ${root}, not to the root you kept (${options.expectedRoot}): this is not the anchor you stored`,
      );
    }
    const headProblems: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < anchor.heads.length) {
        const problem = await this.checkHead(anchor.heads[next++]);
        if (problem) headProblems.push(problem);
      }
    };
    await Promise.all(Array.from({ length: Math.min(ANCHOR_CHECK_CONCURRENCY, anchor.heads.length) }, worker));
    headProblems.sort(byCodeUnits);
    problems.push(...headProblems.slice(0, MAX_REPORTED_PROBLEMS));
    if (headProblems.length > MAX_REPORTED_PROBLEMS) {
      problems.push(`… and ${headProblems.length - MAX_REPORTED_PROBLEMS} more anchored stream(s) changed`);
    }
    return { ok: problems.length === 0, problems };
  }

  private async checkHead(head: AnchorHead): Promise<string | null> {
    const [event] = await this.store.readStream(head.streamId, { fromRevision: head.revision });
    if (!event || event.revision !== head.revision) {
      const all = await this.store.readStream(head.streamId);
      const now = all.length === 0 ? 'the stream no longer exists' : `the stream now ends at revision ${all[all.length - 1].revision}`;
      return `${head.streamId}: anchored revision ${head.revision} is gone (${now}): the stream was truncated, deleted or rewritten`;
    }
    const hash = linkHash(event);
    if (hash !== head.hash) {
      return `${head.streamId} @ revision ${head.revision}: hash is now ${hash}, anchored ${head.hash}: the stream was rewritten up to the anchored event`;
    }
    return null;
  }

  /** `readAll` from the start, page by page. */
  private async *pages(): AsyncGenerator<RecordedEvent[]> {
    let after: bigint | undefined;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: PAGE_SIZE });
      if (page.length > 0) {
        yield page;
        after = page[page.length - 1].position;
      }
      if (page.length < PAGE_SIZE) return;
    }
  }
}

/**
 * One stream's chain, event by event in revision order. After its first break it judges nothing more
 * (returns null), so a caller collects at most one break per stream.
 */
class StreamWalk {
  private nextRevision = 0;
  private lastHash: string;
  private broken = false;
  private sealedSeen = false;
  /** Leading events written before the chain existed (see VerifyReport.unchainedEvents). */
  unchainedPrefix = 0;

  constructor(private readonly streamId: string) {
    this.lastHash = GENESIS(streamId);
  }

  next(event: RecordedEvent): ChainBreak | null {
    if (this.broken) return null;
    const found = this.judge(event);
    if (found) this.broken = true;
    return found;
  }

  private judge(event: RecordedEvent): ChainBreak | null {
    const at = (reason: ChainBreak['reason'], message: string, expected?: string, actual?: string): ChainBreak => ({
      streamId: this.streamId,
      revision: event.revision,
      position: String(event.position),
      eventId: event.id,
      type: event.type,
      reason,
      ...(expected === undefined ? {} : { expected }),
      ...(actual === undefined ? {} : { actual }),
      message,
    });
    if (event.revision !== this.nextRevision) {
      const message =
        event.revision > this.nextRevision
          ? `revision ${this.nextRevision}${event.revision - 1 > this.nextRevision ? `…${event.revision - 1}` : ''} is missing: deleted from the store`
          : `revision ${event.revision} comes again after revision ${this.nextRevision - 1}: events were reordered or duplicated`;
      return at('revision-gap', message, String(this.nextRevision), String(event.revision));
    }
    const { prevHash, hash } = event.metadata ?? {};
    if ((typeof prevHash !== 'string' || typeof hash !== 'string') && !this.sealedSeen) {
      // Written before the chain existed (an upgraded installation). The adapters link the first sealed
      // event to this one's content hash (`linkHash`), so the last such event is covered from there on.
      this.unchainedPrefix += 1;
      this.nextRevision += 1;
      this.lastHash = linkHash(event);
      return null;
    }
    if (typeof prevHash !== 'string' || typeof hash !== 'string') {
      return at(
        'unchained',
        'the event carries no hash although events before it do: it was inserted by a tool that does not seal events; nothing from here on in this stream can be checked',
      );
    }
    const recomputed = chainHash(prevHash, this.streamId, event.revision, event);
    if (recomputed !== hash) {
      return at(
        'content-altered',
        "the event's content no longer matches its hash: its data, metadata, type, id or revision was changed after it was written",
        recomputed,
        hash,
      );
    }
    if (prevHash !== this.lastHash) {
      const message =
        event.revision === 0
          ? "revision 0 does not link to the stream's genesis value: it was moved from another stream, or the stream's first events were removed and the rest renumbered"
          : `the event does not link to revision ${event.revision - 1}: an event before it was deleted, inserted, reordered, or rewritten with a recomputed hash`;
      return at('link-broken', message, this.lastHash, prevHash);
    }
    this.sealedSeen = true;
    this.nextRevision += 1;
    this.lastHash = hash;
    return null;
  }
}

function validateAnchor(anchor: Anchor): void {
  if (anchor === null || typeof anchor !== 'object') throw new InvalidAnchorError('expected an object');
  if (typeof anchor.root !== 'string' || !HASH_PATTERN.test(anchor.root)) throw new InvalidAnchorError('root must be a sha256 hex string');
  if (!Array.isArray(anchor.heads)) throw new InvalidAnchorError('heads must be an array');
  anchor.heads.forEach((head: unknown, i) => {
    const h = head as Partial<AnchorHead> | null;
    if (!h || typeof h !== 'object') throw new InvalidAnchorError(`heads[${i}] must be an object`);
    if (typeof h.streamId !== 'string' || h.streamId === '')
      throw new InvalidAnchorError(`heads[${i}].streamId must be a non-empty string`);
    if (typeof h.revision !== 'number' || !Number.isSafeInteger(h.revision) || h.revision < 0) {
      throw new InvalidAnchorError(`heads[${i}].revision must be a non-negative integer`);
    }
    if (typeof h.hash !== 'string' || !HASH_PATTERN.test(h.hash))
      throw new InvalidAnchorError(`heads[${i}].hash must be a sha256 hex string`);
  });
}

/** Plain code-unit order: the same on every machine, unlike `localeCompare`. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
