/**
 * The rules of `EVENTSTORE_STREAM_PREFIX`, apart from the adapter (`esdb-namespace.ts`) so the
 * configuration can check them without loading the EventStoreDB client (which an embedded app never needs).
 */

/**
 * What a prefix may be: short, lower case, safe in a stream name and a URL, and free of the separator, so
 * `<prefix>/<stream>` splits one way only.
 */
export const STREAM_PREFIX_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * Between the prefix and the application's stream id on the server: `staging/master-42`. A `/` never
 * occurs in this project's stream ids (`master-…`, `conversation-…`, `broadcast-…`, `client-bot-…`; the
 * audit's STREAM_ID rule allows letters, digits and `: _ . @ -` only) nor in a prefix, so a namespaced name
 * cannot be taken for another namespace's, nor for a stream of an installation without a prefix.
 */
export const NAMESPACE_SEPARATOR = '/';

/** Why `prefix` is refused, in the operator's words (without echoing it); `null` when it is valid. */
export function streamPrefixProblem(prefix: string): string | null {
  if (STREAM_PREFIX_PATTERN.test(prefix)) return null;
  return 'must be 1 to 32 characters: lower-case letters, digits, _ and -, starting with a letter or digit (e.g. staging)';
}
