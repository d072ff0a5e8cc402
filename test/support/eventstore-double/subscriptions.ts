import { randomUUID } from 'node:crypto';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { errors, eventResponse } from './codec';
import { countCall, type DoubleContext } from './context';
import { defaultAllFilter, READ_BATCH_SIZE, serverSideFilter, type ServerSideFilter } from './filters';
import { atOrAfter, type LogPosition, type StoredEvent } from './log';
import { allStart, whenDrained, type ReadCall } from './streams-read';

/** "Nothing sent yet": before every position (the server's `TFPos.HeadOfTf`). */
const HEAD: LogPosition = { commit: -1n, prepare: -1n };

/** `(position, position) > checkpoint`: an event the client has not been sent yet. */
const after = (position: bigint, checkpoint: LogPosition) =>
  position > checkpoint.commit || (position === checkpoint.commit && position > checkpoint.prepare);
const max = (a: LogPosition, b: LogPosition) => (a.commit > b.commit || (a.commit === b.commit && a.prepare >= b.prepare) ? a : b);

/**
 * A `$all` subscription, in the server's phases:
 * 1. confirmation (with a subscription id);
 * 2. catch-up from the requested position, exclusive (or from the start), read in pages: a page examines
 *    up to `maxSearchWindow` events and returns up to 32 that pass the filter. With a filter, a checkpoint
 *    is sent each time `checkpointInterval` events have been examined and once at the end of catch-up;
 *    like the server's, a checkpoint may be a page boundary `(post-position of the last event examined, 0)`
 *    rather than an event's position — a client that resumes from it must keep both its parts;
 * 3. `caught_up`, then live events as they are written; with a filter, a checkpoint at the position of
 *    every `checkpointInterval`-th event written since the subscription started.
 * A client too slow to take live events falls back to catch-up (no event is lost or repeated), as on the
 * server. The subscription ends only when the client cancels it (or the double stops).
 */
class AllSubscription {
  private checkpoint: LogPosition;
  private stopped = false;
  private unlisten?: () => void;
  private liveCounter = 0;

  constructor(
    private readonly context: DoubleContext,
    private readonly call: ReadCall,
    private readonly filter: ServerSideFilter | undefined,
    private readonly structuredIds: boolean,
    start: LogPosition | 'start' | 'end',
  ) {
    const last = context.log.lastEventPosition;
    this.checkpoint = start === 'start' ? HEAD : start === 'end' ? (last < 0n ? HEAD : { commit: last, prepare: last }) : start;
    call.on('cancelled', () => this.stop());
    this.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    if (start === 'end') this.goLive();
    else void this.catchUp();
  }

  private allows(event: StoredEvent): boolean {
    return (this.filter?.allows ?? defaultAllFilter)(event);
  }

  private async catchUp(): Promise<void> {
    let pageStart: LogPosition = this.checkpoint.commit < 0n ? { commit: 0n, prepare: 0n } : this.checkpoint;
    let examinedSinceCheckpoint = 0;
    const window = this.filter?.maxSearchWindow ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      if (this.stopped) return;
      let examined = 0;
      let returned = 0;
      let next: LogPosition = pageStart;
      let reachedEnd = true;
      for (const event of this.context.log.eventsForwards(pageStart)) {
        if (returned >= READ_BATCH_SIZE || examined >= window) {
          reachedEnd = false;
          break;
        }
        examined += 1;
        next = { commit: event.position + BigInt(event.size), prepare: 0n };
        if (!this.allows(event)) continue;
        returned += 1;
        if (after(event.position, this.checkpoint)) this.sendEvent(event);
      }
      if (this.filter) {
        examinedSinceCheckpoint += examined;
        if (reachedEnd || examinedSinceCheckpoint >= this.filter.checkpointInterval) {
          examinedSinceCheckpoint %= this.filter.checkpointInterval;
          this.checkpoint = max(this.checkpoint, pageStart);
          this.sendCheckpoint(this.checkpoint);
        }
      }
      // Going live happens in the same turn as the last page read, so no write can slip in between.
      if (reachedEnd) return this.goLive();
      pageStart = next;
      if (this.call.writableNeedDrain) await whenDrained(this.call);
    }
  }

  private goLive(): void {
    if (this.stopped) return;
    this.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    this.unlisten = this.context.log.onWritten((event) => {
      const lag = this.context.faults.liveDelayMs;
      // Equal delays keep the order: timers of the same length fire in the order they were set.
      if (lag > 0) setTimeout(() => this.onLive(event), lag);
      else this.onLive(event);
    });
  }

  private onLive(event: StoredEvent): void {
    if (this.stopped) return;
    if (after(event.position, this.checkpoint) && this.allows(event)) this.sendEvent(event);
    if (this.filter && ++this.liveCounter >= this.filter.checkpointInterval) {
      this.liveCounter = 0;
      const position = { commit: event.position, prepare: event.position };
      if (atOrAfter(position.commit, this.checkpoint)) {
        this.checkpoint = max(this.checkpoint, position);
        this.sendCheckpoint(position);
      }
    }
    if (this.call.writableNeedDrain) {
      // Fell behind: stop listening, and catch up from the last position sent once the client drained.
      this.unlisten?.();
      this.unlisten = undefined;
      void whenDrained(this.call).then(() => this.catchUp());
    }
  }

  private sendEvent(event: StoredEvent): void {
    this.write(eventResponse(event, this.structuredIds));
    this.checkpoint = { commit: event.position, prepare: event.position };
  }

  private sendCheckpoint(position: LogPosition): void {
    if (position.commit < 0n) return;
    const checkpoint = new ReadResp.Checkpoint()
      .setCommitPosition(position.commit.toString())
      .setPreparePosition(position.prepare.toString());
    this.write(new ReadResp().setCheckpoint(checkpoint));
  }

  private write(response: ReadResp): void {
    if (!this.stopped && !this.call.cancelled && !this.call.writableEnded) this.call.write(response);
  }

  private stop(): void {
    this.stopped = true;
    this.unlisten?.();
  }
}

/** Starts a `$all` subscription on a `Streams.Read` call (`subscription` set in its options). */
export function subscribeToAll(context: DoubleContext, call: ReadCall, options: ReadReq.Options, structuredIds: boolean): void {
  countCall(context, 'subscribe');
  let filter: ServerSideFilter | undefined;
  if (options.hasFilter()) {
    try {
      filter = serverSideFilter(options.getFilter()!);
    } catch (error) {
      throw errors.invalidArgument(error instanceof Error ? error.message : String(error));
    }
  }
  new AllSubscription(context, call, filter, structuredIds, allStart(context, options));
}
