import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  StreamReadOptions,
  WrongExpectedRevisionError,
} from '../../application/ports/event-store.port';
import { AppMetrics } from './app-metrics';
import { OutcomeMetrics } from './outcome-metrics';

/**
 * The event store port, measured: append latency, and (through OutcomeMetrics) the relay and delivery
 * outcomes the appended events record. Everything else passes through untouched, so both adapters are
 * measured the same way and no use case carries a counter.
 */
export class MeteredEventStore implements EventStore {
  private readonly outcomes: OutcomeMetrics;

  constructor(
    private readonly inner: EventStore,
    private readonly metrics: AppMetrics,
  ) {
    this.outcomes = new OutcomeMetrics(metrics);
  }

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stop = this.metrics.appendLatency.startTimer();
    try {
      const result = await this.inner.appendToStream(streamId, events, expected);
      stop({ result: 'ok' });
      this.outcomes.appended(events);
      return result;
    } catch (error) {
      stop({ result: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
      throw error;
    }
  }

  readStream(streamId: string, options?: StreamReadOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<bigint | null> {
    return this.inner.headPosition();
  }

  onAppended(listener: () => void): () => void {
    return this.inner.onAppended(listener);
  }

  writeMark(): unknown {
    return this.inner.writeMark?.();
  }

  tailIsEmpty(streamId: string, revision: number, mark: unknown): boolean {
    return this.inner.tailIsEmpty?.(streamId, revision, mark) ?? false;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
