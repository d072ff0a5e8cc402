import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * What Caddy does in front of `docker compose --scale app=3`: each HTTP request goes to the next
 * replica in turn; one that refuses the connection (killed) is skipped for that request. Counts what
 * each replica answered, so a test can show the traffic was spread.
 */
export class RoundRobinProxy {
  private next = 0;
  /** Requests answered, by backend port. */
  readonly answered = new Map<number, number>();

  private constructor(
    private readonly server: Server,
    readonly backends: number[],
  ) {}

  static async start(backends: number[]): Promise<RoundRobinProxy> {
    const server = createServer();
    const proxy = new RoundRobinProxy(server, backends);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => proxy.forward(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks), res, 0));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(method: string, path: string, headers: Record<string, unknown>, body: Buffer, res: ServerResponse, tried: number): void {
    if (tried >= this.backends.length) {
      res.writeHead(502).end('no replica answered');
      return;
    }
    const port = this.backends[this.next++ % this.backends.length];
    const upstream = request({ host: '127.0.0.1', port, method, path, headers: headers as Record<string, string> }, (answer) => {
      this.answered.set(port, (this.answered.get(port) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // Refused (a killed replica): the request never reached it, so the next one may take it.
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && !res.headersSent) this.forward(method, path, headers, body, res, tried + 1);
      else if (!res.headersSent) res.writeHead(502).end(String(error));
      else res.destroy();
    });
    upstream.end(body);
  }
}
