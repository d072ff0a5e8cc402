import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel's range of ephemeral ports (Linux: `ip_local_port_range`), or undefined where it cannot be read.
 * Outbound connections take their local port from it.
 */
export function ephemeralPortRange(): { low: number; high: number } | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? { low, high } : undefined;
  } catch {
    return undefined;
  }
}

/** Ports below the ephemeral range picked from (above the well-known services this machine runs: 3306, 5432, 6379 …). */
const LOWEST = 10_000;

/**
 * A TCP port that was free a moment ago (the app needs its port before it starts: PUBLIC_URL).
 *
 * Picked at random below the kernel's ephemeral range, not by listening on port 0: a port from that range can be
 * taken, between this call and the app's `listen` seconds later, as the local port of any outbound connection on
 * the machine (a test's HTTP or MariaDB client), and the app then fails with EADDRINUSE (seen in CI: a start-up
 * test whose app listened after 3 s of back-off). Checked by listening on all interfaces, as the app does.
 */
export async function freePort(): Promise<number> {
  const range = ephemeralPortRange();
  if (!range || range.low - LOWEST < 1_000) return listenOn(0);
  for (let attempt = 0; ; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (range.low - LOWEST));
    try {
      return await listenOn(port);
    } catch (error) {
      if (attempt >= 50) throw error;
    }
  }
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
