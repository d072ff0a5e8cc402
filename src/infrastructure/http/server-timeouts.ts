import type { ServerOptions } from 'node:http';

/** How long a whole request (headers and a body of up to 1 MB) may take to arrive. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long a new connection may take to send its request headers (Telegram sends them at once). */
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * The HTTP server's timeouts (Fastify options), so idle and half-open connections are closed instead of
 * piling up (Fastify's defaults left thousands of silent sockets open for minutes):
 * - a kept-alive connection with no request for `idleMs` is closed (`keepAliveTimeout`). The default 65 s
 *   sits above the 60 s idle timeout of common reverse proxies and load balancers, so it is the proxy
 *   that closes first — a proxy reusing a connection the app is just closing would answer 502. A proxy
 *   keeping upstream connections longer (Caddy: 2 min) should be set below it.
 * - a new connection must send its headers within min(idleMs, 10 s) and its whole request within 30 s,
 *   else it gets 408 and is closed (Node checks these every `connectionsCheckingInterval`).
 * A request being handled is never cut off by these: they bound receiving, not answering.
 */
export function serverTimeouts(idleMs: number): {
  keepAliveTimeout: number;
  requestTimeout: number;
  http: ServerOptions;
} {
  const headersTimeout = Math.min(idleMs, HEADERS_TIMEOUT_MS);
  const requestTimeout = Math.max(headersTimeout, REQUEST_TIMEOUT_MS);
  return {
    keepAliveTimeout: idleMs,
    requestTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: idleMs,
      connectionsCheckingInterval: Math.max(50, Math.min(Math.floor(headersTimeout / 2), 5_000)),
    },
  };
}
