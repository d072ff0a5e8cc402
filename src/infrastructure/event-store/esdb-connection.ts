import { EventStoreDBClient } from '@eventstore/db-client';
import { backoffMs } from '../backoff';
import { isErrorOfType } from './esdb-codec';

/**
 * The connection side of the EventStoreDB adapter: one client per connection string per process, the
 * connection string's credentials kept out of every message, and the retry when a node is not the leader.
 */

/** A use of the process's client for one connection string; `release` once, when the store closes. */
export interface ClientLease {
  readonly client: EventStoreDBClient;
  release(): Promise<void>;
}

const shared = new Map<string, { client: EventStoreDBClient; users: number }>();

/**
 * The one client of this process for `url`, created on first use and disposed when its last user releases it.
 *
 * Why shared: client 6.2.1 keeps ONE table of pending batch appends for the whole process, and when a
 * client's append channel ends (which `dispose()` does) it rejects every entry of that table — other
 * clients' in-flight appends too — and their replies, arriving later, find no entry and throw inside the
 * library's handler, which crashes the process. With one client per connection string, closing one store
 * disposes nothing while another store still uses the client.
 *
 * WARNING: stores on DIFFERENT connection strings in one process still share that table: the last store on
 * one of them closing rejects the in-flight appends of the others (and a late reply may crash the process).
 * The app and the CLI open one connection string; keep it that way.
 *
 * Throws the client's parse error (which quotes the connection string: never show it unmasked).
 */
export function acquireClient(url: string): ClientLease {
  let entry = shared.get(url);
  if (!entry) {
    entry = { client: EventStoreDBClient.connectionString(url), users: 0 };
    shared.set(url, entry);
  }
  const used = entry;
  used.users += 1;
  let released = false;
  return {
    client: used.client,
    release: async () => {
      if (released) return;
      released = true;
      used.users -= 1;
      if (used.users > 0) return;
      if (shared.get(url) === used) shared.delete(url);
      await used.client.dispose();
    },
  };
}

/** Tries of a call answered "not leader" (the client reconnects to the leader it names between tries). */
const LEADER_ATTEMPTS = 6;

/**
 * Runs `call` again, with a back-off, while a follower answers "not leader": the client then switches its
 * channel to the leader the answer names, so a later try reaches it. Safe for appends as well as reads: a
 * follower writes nothing, and a batch re-sent with the same ids at the same expected revision is
 * recognised by the server anyway. `stillWanted` is asked before each retry (false: the store closed).
 */
export async function retryOnNotLeader<T>(call: () => Promise<T>, stillWanted: () => void = () => undefined): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isErrorOfType(error, 'not-leader') || attempt + 1 >= LEADER_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 50, 1_000)));
      stillWanted();
    }
  }
}

/**
 * Masks the credentials of a connection string the way client 6.2.1 parses them: after `scheme://`,
 * everything up to the first `@` after a `:` is `user:password` — so the password may hold `/`, `?`, `#`
 * or `:`, which a URL parser would treat as the end of the user-info. A password with a raw `@` makes the
 * client take its rest as the host: everything up to the last `@` before the settings is masked as well.
 */
export function redactConnectionString(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return url;
  let rest = url.slice(scheme[0].length);
  const credentials = /^[^:]+:[^@]+@/.exec(rest);
  let masked = false;
  if (credentials) {
    rest = rest.slice(credentials[0].length);
    masked = true;
  }
  const settings = rest.indexOf('?');
  const hosts = settings < 0 ? rest : rest.slice(0, settings);
  const lastAt = hosts.lastIndexOf('@');
  if (lastAt >= 0) {
    rest = rest.slice(lastAt + 1);
    masked = true;
  }
  return masked ? `${scheme[0]}***:***@${rest}` : url;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `message` with every copy of the connection string replaced by its masked form. */
export function scrub(message: string, url: string, redacted: string): string {
  return url === redacted ? message : message.split(url).join(redacted);
}

/** The client's parse errors quote the whole string (credentials included): rebuild the message. */
export function describeParseError(error: unknown, url: string, redacted: string): string {
  const parse = error as { expected?: unknown; location?: unknown };
  if (typeof parse.expected === 'string' && Array.isArray(parse.location) && typeof parse.location[0] === 'number') {
    return `expected ${parse.expected} at character ${parse.location[0] + 1}`;
  }
  return scrub(errorMessage(error), url, redacted);
}
