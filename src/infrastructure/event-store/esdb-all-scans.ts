import { BACKWARDS, END, FORWARDS, START, type ReadPosition } from '@eventstore/db-client';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import { allPosition, toRecordedEvent } from './esdb-codec';
import type { StreamNamespace } from './esdb-namespace';
import type { EsdbReads } from './esdb-reads';

/** First page size of the backwards scan of `head`. */
const HEAD_SCAN_PAGE = 64;
/** Upper bound of any page of `$all` (and of the growth of pages that hold none of the namespace's events). */
export const MAX_ALL_PAGE = 4096;

/**
 * The EventStoreDB adapter's reads of `$all`: forwards for `readAll`, backwards for `headPosition`.
 *
 * `$all` holds system events (types or streams starting with `$`, links) and, on a shared server, other
 * namespaces' events: client 6.2.1 cannot ask the server to filter a read of `$all` (it always sends "no
 * filter"), so both scans read them and keep the namespace's own (`StreamNamespace.userEvent`). The
 * server's page size counts what is dropped; the scans move past every event examined, so a page with
 * none of ours is progress, and make the next page larger (up to `MAX_ALL_PAGE`): a busy neighbour costs
 * fewer round trips, and every page stays bounded by its size and the read deadline.
 */
export class EsdbAllScans {
  /** Result of the last `head` scan: `head` as seen with `$all` examined down from `scannedTo`. */
  private headMemo?: { scannedTo: bigint; head: bigint | null };

  constructor(
    private readonly reads: EsdbReads,
    private readonly namespace: StreamNamespace,
  ) {}

  /**
   * Up to `maxCount` of the namespace's events strictly after `after`, in global order. Reads pages until
   * it has `maxCount` or reaches the end of `$all`, so a shorter answer means "caught up" — however many
   * other namespaces' events lie in between (the cost of a shared server: see the adapter's WARNING).
   */
  async forwards(after: bigint | undefined, maxCount: number): Promise<RecordedEvent[]> {
    let pageSize = Math.max(2, Math.min(maxCount + 1, MAX_ALL_PAGE));
    const events: RecordedEvent[] = [];
    let cursor = after;
    while (events.length < maxCount) {
      // WARNING: `fromPosition` is inclusive; commit == prepare is assumed (see the adapter's comment).
      const from: ReadPosition = cursor === undefined ? START : { commit: cursor, prepare: cursor };
      const page = await this.reads.allPage(from, FORWARDS, pageSize);
      let last: bigint | undefined;
      let found = 0;
      for (const resolved of page) {
        const position = allPosition(resolved);
        if (position === undefined) continue;
        last = position;
        if (cursor !== undefined && position <= cursor) continue;
        const own = this.namespace.userEvent(resolved);
        if (!own) continue;
        found += 1;
        if (events.length < maxCount) events.push(toRecordedEvent(own, position));
      }
      const endOfAll = page.length < pageSize;
      const noProgress = last === undefined || (cursor !== undefined && last <= cursor);
      if (endOfAll || noProgress) break;
      cursor = last;
      if (found === 0) pageSize = Math.min(pageSize * 2, MAX_ALL_PAGE);
    }
    return events;
  }

  /**
   * Position of the namespace's last non-system event, or `null` when there is none. The newest position
   * examined and the answer are remembered, so a later call (health checks call this often) only examines
   * what was appended since — a server holding nothing of the namespace is scanned in full once, not on
   * every call.
   */
  async head(): Promise<bigint | null> {
    let from: ReadPosition = END;
    let pageSize = HEAD_SCAN_PAGE;
    let cursor: bigint | undefined;
    let newest: bigint | undefined;
    const remember = (head: bigint | null): bigint | null => {
      if (newest !== undefined) this.headMemo = { scannedTo: newest, head };
      return head;
    };
    for (;;) {
      const page = await this.reads.allPage(from, BACKWARDS, pageSize);
      let oldest: bigint | undefined;
      for (const resolved of page) {
        const position = allPosition(resolved);
        if (position === undefined) continue;
        if (cursor !== undefined && position >= cursor) continue;
        newest ??= position;
        if (this.headMemo && position <= this.headMemo.scannedTo) return remember(this.headMemo.head);
        if (this.namespace.userEvent(resolved)) return remember(position);
        oldest = position;
      }
      if (page.length < pageSize || oldest === undefined) return remember(null);
      cursor = oldest;
      pageSize = Math.min(pageSize * 2, MAX_ALL_PAGE);
      // Backwards reads exclude the event at `from` itself; the `>= cursor` check above is a guard.
      from = { commit: oldest, prepare: oldest };
    }
  }
}
