import { EventEmitter } from 'node:events';
import type { CallRecord, DeliveryRecord, SentRecord } from './types';

export interface JournalView {
  calls: readonly CallRecord[];
  sent: readonly SentRecord[];
  deliveries: readonly DeliveryRecord[];
}

export interface WaitOptions {
  timeoutMs?: number;
  description?: string;
}

type Probe<T> = (view: JournalView) => T | undefined | null | false;

export class Journal implements JournalView {
  readonly calls: CallRecord[] = [];
  readonly sent: SentRecord[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private readonly changes = new EventEmitter();

  constructor() {
    this.changes.setMaxListeners(0);
  }

  recordCall(call: CallRecord): void {
    this.calls.push(call);
    this.changed();
  }

  recordSent(sent: SentRecord): void {
    this.sent.push(sent);
    this.changed();
  }

  recordDelivery(delivery: DeliveryRecord): void {
    this.deliveries.push(delivery);
    this.changed();
  }

  /** Wakes waiters; also used by state changes that are not journal entries (queues, webhooks). */
  changed(): void {
    this.changes.emit('change');
  }

  waitFor<T>(probe: Probe<T>, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        let result: T | undefined | null | false;
        try {
          result = probe(this);
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
          return true;
        }
        if (result === undefined || result === null || result === false) return false;
        if (result instanceof Promise) {
          // An async probe returns a (truthy) promise at once: the wait would pass without checking anything.
          finish();
          reject(new Error('waitFor takes a synchronous probe; an async one would always pass at once'));
          return true;
        }
        finish();
        resolve(result);
        return true;
      };
      const onChange = (): void => void check();
      const timer = setTimeout(() => {
        finish();
        reject(new Error(this.timeoutMessage(options.description, timeoutMs)));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.changes.off('change', onChange);
      };
      this.changes.on('change', onChange);
      check();
    });
  }

  private timeoutMessage(description: string | undefined, timeoutMs: number): string {
    const recentCalls = this.calls
      .slice(-15)
      .map(
        (c) =>
          `  ${new Date(c.at).toISOString()} bot ${c.botId} ${c.method} -> ${c.status}${c.description ? ` (${c.description})` : ''} ${brief(c.params)}`,
      );
    const recentSent = this.sent
      .slice(-5)
      .map((s) => `  bot ${s.botId} -> chat ${s.chatId} #${s.messageId} ${s.method} ${brief(s.text ?? s.caption ?? '')}`);
    const recentDeliveries = this.deliveries.slice(-5).map((d) => `  bot ${d.botId} update ${d.updateId} -> ${d.status || d.error}`);
    return [
      `waitFor${description ? ` (${description})` : ''} timed out after ${timeoutMs} ms.`,
      `Recent API calls (${this.calls.length} in total):`,
      ...(recentCalls.length ? recentCalls : ['  none']),
      'Recently sent messages:',
      ...(recentSent.length ? recentSent : ['  none']),
      `Recent webhook deliveries (${this.deliveries.length} in total):`,
      ...(recentDeliveries.length ? recentDeliveries : ['  none']),
    ].join('\n');
  }
}

function brief(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
