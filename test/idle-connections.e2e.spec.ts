import { connect, Socket } from 'node:net';
import { AppHarness } from './support/app-harness';

/** Resolves when the server closes the socket; fails (naming what) if it is still open after `waitMs`. */
function closedByServer(socket: Socket, what: string, waitMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => reject(new Error(`${what}: still open`)), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const opened = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    // Flowing, so the server's 408 and its close are seen (a paused socket never reports the end).
    socket.resume();
    socket.once('error', reject);
    socket.on('error', () => undefined);
  });

/** Idle connections are closed (HTTP_IDLE_TIMEOUT_MS, short here), so a crowd of them cannot pile up. */
describe('idle HTTP connections', () => {
  let h: AppHarness;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    h = await AppHarness.start({ env: { HTTP_IDLE_TIMEOUT_MS: '300' } });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await h?.stop();
  });

  it('closes connections that never send a request', async () => {
    const idle = await Promise.all(Array.from({ length: 20 }, () => opened(h.port)));
    sockets.push(...idle);
    await Promise.all(idle.map((s, i) => closedByServer(s, `silent connection ${i + 1}`)));
  });

  it('closes a kept-alive connection once it sits idle after a request', async () => {
    const socket = await opened(h.port);
    sockets.push(socket);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    await closedByServer(socket, 'kept-alive connection');
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).toContain('keep-alive');
  });

  it('a kept-alive connection serves the next request that comes in time: only idleness closes it', async () => {
    const socket = await opened(h.port);
    sockets.push(socket);
    let answer = '';
    let answered: () => void = () => undefined;
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      answered();
    });
    const okCount = () => (answer.match(/HTTP\/1\.1 200 OK\r\n/g) ?? []).length;
    const request = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n';
    for (let n = 1; n <= 2; n++) {
      const done = new Promise<void>((resolve) => (answered = () => okCount() >= n && resolve()));
      socket.write(request);
      await done;
    }
    expect(okCount()).toBe(2);
    await closedByServer(socket, 'kept-alive connection after two requests');
  });
});
