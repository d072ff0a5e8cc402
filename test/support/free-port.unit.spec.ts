import { createServer, Socket } from 'node:net';
import { ephemeralPortRange, freePort } from './free-port';

/**
 * The port a test gives its app must stay free until the app listens, seconds later: no outbound connection on the
 * machine may take it meanwhile as its local port (the kernel gives those from the ephemeral range).
 */
describe('freePort: a port for an app that listens later', () => {
  // Read from /proc (Linux); where it cannot be, freePort falls back to port 0 and only a port is asked for.
  const range = ephemeralPortRange();

  it('is never one an outbound connection could be given meanwhile (outside the ephemeral range)', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) expect(range ? port < range.low || port > range.high : port > 0).toBe(true);
  });

  it('is free on every interface, as the app listens', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '0.0.0.0', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('an outbound connection takes its local port from the ephemeral range (why port 0 was not enough)', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const socket = new Socket();
    await new Promise<void>((resolve) => socket.connect(typeof address === 'object' && address ? address.port : 0, '127.0.0.1', resolve));
    const local = socket.localPort ?? 0;
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    if (range) expect(local >= range.low && local <= range.high).toBe(true);
    else expect(local).toBeGreaterThan(0);
  });
});
