import type { handleServerStreamingCall, ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { errors, eventResponse, streamIdentifier, streamName } from './codec';
import { countCall, notLeaderFault, type DoubleContext } from './context';
import { defaultAllFilter, serverSideFilter, type EventFilter } from './filters';
import type { LogPosition, StoredEvent } from './log';
import { subscribeToAll } from './subscriptions';

export type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const FORWARDS = ReadReq.Options.ReadDirection.FORWARDS;

/**
 * `Streams.Read`: reads of one stream, reads of `$all`, and `$all` subscriptions. Reads answer their
 * events and end; a stream that never existed is answered with a `stream_not_found` message (not an
 * error), a tombstoned one with the "stream deleted" error. The client sends reads without a deadline.
 */
export function readHandler(context: DoubleContext): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    const options = call.request.getOptions();
    if (context.faults.hangReads) {
      // No answer at all: the call stays open until the client cancels it or its deadline passes.
      countCall(context, 'hungRead');
      return;
    }
    if (!options) return void call.emit('error', errors.invalidArgument('`options` is a required argument'));
    const leader = notLeaderFault(context);
    if (leader) return void call.emit('error', leader);
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    try {
      if (options.hasSubscription()) {
        if (!options.hasAll()) return void call.emit('error', errors.invalidArgument('the double subscribes to $all only'));
        return subscribeToAll(context, call, options, structuredIds);
      }
      countCall(context, options.hasAll() ? 'readAll' : 'readStream');
      const responses = options.hasAll() ? readAll(context, options, structuredIds) : readStream(context, options, structuredIds);
      void writeAll(call, responses);
    } catch (error) {
      call.emit('error', error instanceof Error && 'code' in error ? error : errors.invalidArgument(String(error)));
    }
  };
}

function count(options: ReadReq.Options): bigint {
  return options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER);
}

function readStream(context: DoubleContext, options: ReadReq.Options, structuredIds: boolean): ReadResp[] {
  const streamOptions = options.getStream();
  const name = streamName(streamOptions?.getStreamIdentifier());
  const events = context.log.stream(name);
  if (events === 'deleted') throw errors.streamDeleted(name);
  if (!events) return [new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name)))];
  const max = count(options);
  const last = BigInt(events.length - 1);
  const forwards = options.getReadDirection() === FORWARDS;
  let from: bigint;
  if (streamOptions?.hasRevision()) from = BigInt(streamOptions.getRevision());
  else if (streamOptions?.hasEnd()) from = forwards ? last + 1n : last;
  else from = 0n;
  const selected: StoredEvent[] = [];
  if (forwards) {
    for (let r = from; r <= last && BigInt(selected.length) < max; r++) selected.push(events[Number(r)]);
  } else {
    for (let r = from > last ? last : from; r >= 0n && BigInt(selected.length) < max; r--) selected.push(events[Number(r)]);
  }
  return selected.map((event) => eventResponse(event, structuredIds));
}

/** Where a `$all` read or subscription starts: its beginning, its end, or a position (refused when inside a record). */
export function allStart(context: DoubleContext, options: ReadReq.Options): LogPosition | 'start' | 'end' {
  const all = options.getAll();
  if (!all || all.hasStart()) return 'start';
  if (all.hasEnd()) return 'end';
  const position = all.getPosition();
  const commit = BigInt(position?.getCommitPosition() ?? '0');
  const prepare = BigInt(position?.getPreparePosition() ?? '0');
  // A position inside a record is refused, as the server refuses to read from it.
  if (!context.log.isBoundary(commit)) throw errors.invalidPosition();
  return { commit, prepare };
}

function readAll(context: DoubleContext, options: ReadReq.Options, structuredIds: boolean): ReadResp[] {
  let filter: EventFilter = defaultAllFilter;
  if (options.hasFilter()) {
    try {
      filter = serverSideFilter(options.getFilter()!).allows;
    } catch (error) {
      throw errors.invalidArgument(error instanceof Error ? error.message : String(error));
    }
  }
  const start = allStart(context, options);
  const end = context.log.endPosition;
  const max = count(options);
  const forwards = options.getReadDirection() === FORWARDS;
  const from: LogPosition = start === 'start' ? { commit: 0n, prepare: 0n } : start === 'end' ? { commit: end, prepare: end } : start;
  const source = forwards
    ? context.log.eventsForwards(from)
    : context.log.eventsBackwards(from.commit > end ? { commit: end, prepare: end } : from);
  const responses: ReadResp[] = [];
  for (const event of source) {
    if (BigInt(responses.length) >= max) break;
    if (filter(event)) responses.push(eventResponse(event, structuredIds));
  }
  return responses;
}

/** Writes every response (waiting for the client to drain when it is slow), then ends the call. */
async function writeAll(call: ReadCall, responses: ReadResp[]): Promise<void> {
  for (const response of responses) {
    if (call.cancelled || call.writableEnded) return;
    if (!call.write(response)) await whenDrained(call);
  }
  if (!call.cancelled && !call.writableEnded) call.end();
}

/** Resolves when a slow client has taken what was written (or has gone away). */
export function whenDrained(call: ReadCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
