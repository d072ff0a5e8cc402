import { createServer } from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1 (the app needs its port before it starts: PUBLIC_URL). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
