import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  StreamReadOptions,
  WrongExpectedRevisionError,
} from '../../src/application/ports/event-store.port';

/** One `readStream` call: which stream, from which revision (0 = the whole stream). */
export interface StreamRead {
  streamId: string;
  fromRevision: number;
  /** Only when the read asked for at most so many events. */
  maxCount?: number;
}

/**
 * A real event store with its stream reads (and refused appends) written down, to see what the command side costs.
 * Everything is passed through unchanged.
 */
export class CountingEventStore implements EventStore {
  readonly reads: StreamRead[] = [];
  /** Appends refused because another writer had moved the stream on (each one is a decision taken again). */
  conflicts = 0;

  constructor(private readonly inner: EventStore) {}

  /** The reads made while `work` ran. */
  async readsDuring(work: () => Promise<unknown>): Promise<StreamRead[]> {
    const from = this.reads.length;
    await work();
    return this.reads.slice(from);
  }

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      return await this.inner.appendToStream(streamId, events, expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.conflicts += 1;
      throw error;
    }
  }

  readStream(streamId: string, options?: StreamReadOptions): Promise<RecordedEvent[]> {
    const maxCount = options?.maxCount;
    this.reads.push({ streamId, fromRevision: options?.fromRevision ?? 0, ...(maxCount !== undefined ? { maxCount } : {}) });
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
