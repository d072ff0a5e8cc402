import http from 'node:http';
import https from 'node:https';

/** Sockets for ordinary calls (sends, edits, getMe…) to one API root over plain http. */
const SENDING_SOCKETS_HTTP = 64;

/**
 * The connection pools one gateway (one API root) uses, kept apart on purpose:
 *
 * - `polling` carries only long polls (`getUpdates`). Each poller holds one socket for up to
 *   POLLING_TIMEOUT_SECONDS, so the pool has no socket limit — 1,000 client bots are 1,000 open
 *   connections, all polled at once — and keeps every idle socket (Node's default keeps only 256, so
 *   the rest would reconnect after each poll). The number of sockets stays bounded by the number of
 *   pollers: a poller never has two polls in flight.
 * - `sending` carries everything else. Because no long poll ever takes one of its sockets, a relay's
 *   sendMessage never waits behind polls that hang until Telegram has an update.
 *
 * Telegraf drops its own keep-alive agent for http:// roots (a self-hosted Bot API server, the test
 * fake) and would open a connection per call; over http the sending pool is bounded, as it was.
 */
export interface TelegramAgents {
  readonly sending: http.Agent;
  readonly polling: http.Agent;
}

export function telegramAgents(apiRoot: string): TelegramAgents {
  const plain = apiRoot.startsWith('http://');
  const make = (options: http.AgentOptions): http.Agent => (plain ? new http.Agent(options) : new https.Agent(options));
  return {
    sending: make({ keepAlive: true, keepAliveMsecs: 10_000, ...(plain ? { maxSockets: SENDING_SOCKETS_HTTP } : {}) }),
    polling: make({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: Infinity, maxFreeSockets: Infinity }),
  };
}
