import { randomUUID } from 'node:crypto';
import type { EventLog } from './log';

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

/**
 * The `$`-prefixed events a real node writes into `$all` by itself, interleaved with the clients' events:
 * at every start an epoch record and an `$epoch-information` event; on the first start the `$metadata` of
 * its stats stream; then `$statsCollected` events. The server writes stats on a timer (every 30 s by
 * default); the double writes one after every `everyNthAppend`-th client append instead, so tests are
 * deterministic (`1`: after every append; `0`: never).
 */
export class SystemEvents {
  private appends = 0;
  private epochs = 0;

  constructor(
    private readonly log: EventLog,
    private readonly node: string,
    public everyNthAppend: number,
  ) {}

  /** What the node writes when it starts (again). */
  onStart(): void {
    this.log.writeEpoch();
    this.write('$epoch-information', '$epoch-information', { epochNumber: this.epochs, leaderInstanceId: randomUUID() });
    if (this.epochs === 0) {
      this.write(`$$$stats-${this.node}`, '$metadata', { $maxAge: 86_400 });
      this.statsCollected();
    }
    this.epochs += 1;
  }

  /** Called after each client append that wrote something. */
  afterAppend(): void {
    this.appends += 1;
    if (this.everyNthAppend > 0 && this.appends % this.everyNthAppend === 0) this.statsCollected();
  }

  statsCollected(): void {
    this.write(`$stats-${this.node}`, '$statsCollected', { 'proc-startTime': new Date().toISOString(), 'es-queue-count': 0 });
  }

  private write(streamId: string, type: string, data: unknown): void {
    this.log.write(streamId, { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data: json(data), metadata: new Uint8Array() },
    ]);
  }
}
