import { excludeSystemEvents, streamNameFilter, type AllStreamResolvedEvent, type Filter } from '@eventstore/db-client';
import { isUserEvent, type EsdbRecorded } from './esdb-codec';
import { NAMESPACE_SEPARATOR, STREAM_PREFIX_PATTERN, streamPrefixProblem } from './stream-prefix';

export { NAMESPACE_SEPARATOR, STREAM_PREFIX_PATTERN } from './stream-prefix';

/** A server stream name that some namespace owns (`<valid prefix>/…`). */
const NAMESPACED = new RegExp(`^${STREAM_PREFIX_PATTERN.source.replace(/^\^|\$$/g, '')}${NAMESPACE_SEPARATOR}`);

/**
 * The part of an EventStoreDB server one installation owns (`EVENTSTORE_STREAM_PREFIX`): the adapter
 * writes the application's stream `S` as `<prefix>/S`, strips the prefix on every read, and keeps every
 * `$all` read and the live subscription to the namespace's streams. Positions stay the server's global
 * ones; only which events are seen changes.
 *
 * Without a prefix (the default) an installation owns every stream that does NOT look namespaced —
 * today's streams — so an installation with a prefix can be added beside an existing one.
 *
 * The hash chain is computed on the application's stream id (the unprefixed one): `audit verify` answers
 * the same whatever the prefix, and a history copied into another namespace still verifies.
 */
export class StreamNamespace {
  private readonly serverPrefix: string;

  constructor(readonly prefix = '') {
    if (prefix !== '') {
      const problem = streamPrefixProblem(prefix);
      if (problem) throw new Error(`EVENTSTORE_STREAM_PREFIX ${problem}`);
    }
    this.serverPrefix = prefix === '' ? '' : `${prefix}${NAMESPACE_SEPARATOR}`;
  }

  /**
   * The server's name of the application's stream `streamId`.
   * @throws Error when `streamId` holds the separator: it would read as another namespace's stream.
   */
  serverName(streamId: string): string {
    if (streamId.includes(NAMESPACE_SEPARATOR)) {
      throw new Error(
        `stream id ${JSON.stringify(streamId)} must not contain "${NAMESPACE_SEPARATOR}": it separates EVENTSTORE_STREAM_PREFIX from the stream id`,
      );
    }
    return this.serverPrefix + streamId;
  }

  /** The application's id of server stream `name`, or `undefined` when this namespace does not own it. */
  appName(name: string): string | undefined {
    if (this.serverPrefix === '') return NAMESPACED.test(name) ? undefined : name;
    return name.startsWith(this.serverPrefix) ? name.slice(this.serverPrefix.length) : undefined;
  }

  /** `recorded` (read from a stream of this namespace) under the application's stream id. */
  fromStream(recorded: EsdbRecorded): EsdbRecorded {
    const streamId = this.appName(recorded.streamId) ?? recorded.streamId;
    return streamId === recorded.streamId ? recorded : { ...recorded, streamId };
  }

  /**
   * A `$all` entry as the application sees it: its own (non-system, JSON, not a link) event under the
   * application's stream id, or `undefined` for anything else — system events, other namespaces' events.
   */
  userEvent(resolved: AllStreamResolvedEvent): EsdbRecorded | undefined {
    if (!isUserEvent(resolved)) return undefined;
    const event = resolved.event as EsdbRecorded;
    const streamId = this.appName(event.streamId);
    if (streamId === undefined) return undefined;
    return streamId === event.streamId ? event : { ...event, streamId };
  }

  /**
   * The server-side filter of the live `$all` subscription: the namespace's stream-name prefix (which
   * leaves out system streams, all `$`-named), or without a prefix the system event types as before
   * (other namespaces' events then still arrive and are dropped by `userEvent`).
   */
  subscriptionFilter(): Filter {
    return this.serverPrefix === '' ? excludeSystemEvents() : streamNameFilter({ prefixes: [this.serverPrefix] });
  }
}
