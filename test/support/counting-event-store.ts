import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from '../../src/application/ports/event-store.port';

/** One `readStream` call: which stream, from which revision (0 = the whole stream). */
export interface StreamRead {
  streamId: string;
  fromRevision: number;
}

/**
 * A real event store with its stream reads written down, to see what the command side costs.
 * Everything is passed through unchanged.
 */
export class CountingEventStore implements EventStore {
  readonly reads: StreamRead[] = [];

  constructor(private readonly inner: EventStore) {}

  /** The reads made while `work` ran. */
  async readsDuring(work: () => Promise<unknown>): Promise<StreamRead[]> {
    const from = this.reads.length;
    await work();
    return this.reads.slice(from);
  }

  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, events, expected);
  }

  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    this.reads.push({ streamId, fromRevision: options?.fromRevision ?? 0 });
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

  close(): Promise<void> {
    return this.inner.close();
  }
}
