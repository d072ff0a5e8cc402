import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { DoubleContext, DoubleFaults, DoubleSettings } from './context';
import { EventLog, type StoredEvent } from './log';
import { serverFeaturesHandler } from './server-features';
import { appendHandler, batchAppendHandler } from './streams-append';
import { readHandler } from './streams-read';
import { SystemEvents } from './system-events';

export interface EventStoreDoubleOptions extends Partial<DoubleSettings> {
  /** Port on 127.0.0.1; 0 (the default) takes a free one. Kept across `restart()`. */
  port?: number;
  /** A `$statsCollected` system event after every n-th client append (default 5; 1: after every append; 0: never). */
  systemEventEveryNthAppend?: number;
  /** Ids the server remembers for recognising `any` re-appends (default 100 000; the server's is bounded by 8 MiB). */
  idWindowSize?: number;
}

/**
 * A protocol-level double of EventStoreDB: a real gRPC server (`@grpc/grpc-js`) serving the service
 * definitions and messages that `@eventstore/db-client` ships, so the real client talks to it over a real
 * socket with `esdb://127.0.0.1:<port>?tls=false`. It serves `ServerFeatures.GetSupportedMethods`,
 * `Streams.Append`, `Streams.BatchAppend` and `Streams.Read` (stream reads, `$all` reads, `$all`
 * subscriptions); every other call is answered UNIMPLEMENTED. The data lives in memory, for the life of
 * this object (across `restart()`). What it knowingly does differently from the server is listed in
 * README.md next to this file.
 *
 * Faults (`faults`, switchable at any time): reads that never answer, delayed appends (answered "timed
 * out" after `writeTimeoutMs`, yet written when the delay ends, as on the server), "not leader" answers;
 * and `stop()` / `restart()` (same port, same data, a new epoch; the id window is emptied).
 */
export class EventStoreDouble {
  readonly faults: DoubleFaults = { hangReads: false, appendDelayMs: 0, liveDelayMs: 0 };
  readonly settings: DoubleSettings;
  private readonly log: EventLog;
  private readonly system: SystemEvents;
  private readonly calls = new Map<string, number>();
  private server?: Server;
  private stopController = new AbortController();
  private boundPort: number;

  private constructor(options: EventStoreDoubleOptions) {
    this.settings = {
      maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
      writeTimeoutMs: options.writeTimeoutMs ?? 2_000,
      advertiseBatchAppend: options.advertiseBatchAppend ?? true,
      serverVersion: options.serverVersion ?? '24.10.0',
    };
    this.boundPort = options.port ?? 0;
    this.log = new EventLog(options.idWindowSize ?? 100_000);
    this.system = new SystemEvents(this.log, '127.0.0.1:2113', options.systemEventEveryNthAppend ?? 5);
  }

  static async start(options: EventStoreDoubleOptions = {}): Promise<EventStoreDouble> {
    const double = new EventStoreDouble(options);
    await double.listen();
    return double;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The connection string for the client (insecure: no TLS, no credentials). */
  get url(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** A system event after every n-th client append (1: after every one, deterministically; 0: none). */
  set systemEventEveryNthAppend(n: number) {
    this.system.everyNthAppend = n;
  }

  /** Writes one `$statsCollected` system event now. */
  writeSystemEvent(): void {
    this.system.statsCollected();
  }

  /** Deletes a stream for good (what `tombstoneStream` does on the server). */
  tombstone(streamId: string): void {
    this.log.tombstone(streamId);
  }

  /** The events of one stream as stored (revision, `$all` position, raw data), for assertions. */
  storedEvents(streamId: string): readonly StoredEvent[] {
    const events = this.log.stream(streamId);
    return Array.isArray(events) ? events : [];
  }

  /** How many calls of a kind arrived: `append`, `batchAppend`, `batch` (a complete batch received over BatchAppend), `readStream`, `readAll`, `hungRead`, `subscribe`, `serverFeatures`. */
  callCount(kind: string): number {
    return this.calls.get(kind) ?? 0;
  }

  /** Stops listening and drops every connection, as a crashed node would; the data stays in this object. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.stopController.abort();
    server?.forceShutdown();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** `stop()`, then listen again on the same port with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    this.log.idWindow.clear();
    await this.listen();
  }

  private async listen(): Promise<void> {
    this.stopController = new AbortController();
    const context: DoubleContext = {
      log: this.log,
      system: this.system,
      settings: this.settings,
      faults: this.faults,
      calls: this.calls,
      stopSignal: this.stopController.signal,
    };
    const server = new Server();
    server.addService(StreamsService, {
      read: readHandler(context),
      append: appendHandler(context),
      batchAppend: batchAppendHandler(context),
    });
    server.addService(ServerFeaturesService, { getSupportedMethods: serverFeaturesHandler(context) });
    this.boundPort = await bind(server, this.boundPort);
    this.server = server;
    this.system.onStart();
  }
}

/** Binds to 127.0.0.1, retrying briefly while a just-closed listener still holds the port. */
async function bind(server: Server, port: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
          error ? reject(error) : resolve(bound),
        ),
      );
    } catch (error) {
      if (attempt >= 50 || port === 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
