import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './log';

export type EventFilter = (event: StoredEvent) => boolean;

/**
 * What every `$all` read and subscription leaves out, filter or not (the server's default `$all` filter):
 * the `$epoch-information` stream and the checkpoint and parked-message streams of persistent
 * subscriptions to `$all`. Everything else — `$statsCollected`, `$metadata`, … — is in `$all`.
 */
export const defaultAllFilter: EventFilter = (event) => {
  const stream = event.streamId;
  if (!stream.startsWith('$')) return true;
  if (stream === '$epoch-information') return false;
  const persistent = stream.startsWith('$persistentsubscription-$all::');
  return !(persistent && (stream.endsWith('-checkpoint') || stream.endsWith('-parked')));
};

/** The server's read size and default search window (`ReadBatchSize`). */
export const READ_BATCH_SIZE = 32;

export interface ServerSideFilter {
  allows: EventFilter;
  /** Events examined per page (the client's `maxSearchWindow`, else 32). */
  maxSearchWindow: number;
  /** A checkpoint is due every `maxSearchWindow × multiplier` events examined. */
  checkpointInterval: number;
}

/**
 * The client's server-side filter: on the event type or the stream name, by regular expression or by
 * prefixes, always on top of the default `$all` filter. The double matches with JavaScript regular
 * expressions where the server uses .NET ones (the same for the usual patterns, e.g. `^[^$].*`).
 * @throws Error for a filter without expression or with an invalid regular expression.
 */
export function serverSideFilter(options: ReadReq.Options.FilterOptions): ServerSideFilter {
  const onType = options.getEventType();
  const expression = onType ?? options.getStreamIdentifier();
  if (!expression) throw new Error('a filter needs an event-type or stream-name expression');
  const field = (event: StoredEvent) => (onType ? event.type : event.streamId);
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  let matches: (value: string) => boolean;
  if (regex) {
    const pattern = new RegExp(regex);
    matches = (value) => pattern.test(value);
  } else {
    matches = (value) => prefixes.some((prefix) => value.startsWith(prefix));
  }
  const maxSearchWindow = options.hasMax() ? options.getMax() : READ_BATCH_SIZE;
  const multiplier = options.getCheckpointintervalmultiplier();
  if (!(maxSearchWindow > 0) || !(multiplier > 0)) throw new Error('the search window and checkpoint interval must be positive');
  return {
    allows: (event) => defaultAllFilter(event) && matches(field(event)),
    maxSearchWindow,
    checkpointInterval: maxSearchWindow * multiplier,
  };
}
