import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApiError, notFound, tooLarge } from './api-error';
import type { ApiResponse, Dispatcher } from './dispatcher';
import { MAX_UPLOAD_BYTES, type FileStore } from './file-store';
import type { Registry } from './registry';
import { ParamReader, parseParams } from './request-params';

/** Room for multipart framing and the other fields around a maximal upload. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;

export class BotApiServer {
  private readonly server: http.Server;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly files: FileStore,
    private readonly registry: Registry,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { ok: false, error_code: 500, description: String(error) } });
      });
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) {
      await readBody(req, 0);
      return this.download(res, decodeURIComponent(download[1]), decodeURIComponent(download[2]));
    }
    const route = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!route) return send(res, { status: 404, body: notFound().toBody() });
    const [token, method] = [decodeURIComponent(route[1]), route[2]];
    const query = url.searchParams;
    if (body === undefined) return send(res, this.dispatcher.refuse(token, method, new ParamReader({}), tooLarge()));
    let params: ParamReader;
    try {
      params = parseParams(req.headers['content-type'], body, query);
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      return send(res, this.dispatcher.refuse(token, method, new ParamReader(Object.fromEntries(query)), error));
    }
    if (params.largestUpload() > MAX_UPLOAD_BYTES) return send(res, this.dispatcher.refuse(token, method, params, tooLarge()));
    const hangUp = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) hangUp.abort();
    });
    const response = await this.dispatcher.call(token, method, params, hangUp.signal);
    if (response.reset) return void req.socket.destroy();
    send(res, response);
  }

  private download(res: http.ServerResponse, token: string, filePath: string): void {
    const bot = this.registry.byActiveToken(token);
    const bytes = bot && this.files.download(bot.id, filePath);
    if (!bytes) return send(res, { status: 404, body: notFound().toBody() });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
  }
}

/** The whole body, or undefined when it exceeds `limit` (the rest is drained so the answer still arrives). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(response.body);
  res.writeHead(response.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
