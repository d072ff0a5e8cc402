import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStore, NewEvent } from '../src/application/ports/event-store.port';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb.event-store';
import { describeEventStoreContract, type ContractFixture } from './event-store.contract';
import { EventStoreDouble } from './support/eventstore-double';

/**
 * The shared event store contract against EventStoreDB, in every `npm test`: on the protocol-level double
 * (`test/support/eventstore-double`, a gRPC server the real client talks to), once through `BatchAppend`
 * and once with the double not advertising it (the client then appends with `Append`); and against a
 * real server instead when `EVENTSTORE_URL` is set (`docker compose up eventstore`, or the CI service
 * container), e.g. `esdb://127.0.0.1:2113?tls=false`. The double writes a system event after every append,
 * so the adapter always reads past them.
 *
 * Stream names carry a per-run random prefix (the contract's, and `run` below), so repeated runs against
 * one long-lived server never collide; nothing is deleted afterwards.
 */
const realUrl = process.env.EVENTSTORE_URL;
let double: EventStoreDouble | undefined;
beforeAll(async () => {
  if (!realUrl) double = await EventStoreDouble.start({ systemEventEveryNthAppend: 1 });
});
afterAll(async () => {
  await double?.stop();
});
const url = () => realUrl ?? double!.url;

/** A system event as the server writes them: the double's `$statsCollected`, or a `$metadata` event on a real server. */
async function writeSystemEvent(): Promise<void> {
  if (double) return double.writeSystemEvent();
  const client = EventStoreDBClient.connectionString(url());
  try {
    await client.setStreamMetadata(`contract-system-${randomUUID()}`, { maxAge: 3600 });
  } finally {
    await client.dispose();
  }
}

/** The contract's stores, all in the namespace `streamPrefix` (none by default). */
const namespacedFixture = (streamPrefix?: string) => async (): Promise<ContractFixture> => {
  const connect = () => EsdbEventStore.connect(url(), { streamPrefix });
  let current: EventStore = await connect();
  const others: EventStore[] = [];
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = await connect();
      return current;
    },
    openAnother: async () => {
      const other = await connect();
      others.push(other);
      return other;
    },
    writeSystemEvent,
    cleanup: async () => {
      await Promise.all([current, ...others].map((store) => store.close()));
    },
  };
};
const esdbFixture = namespacedFixture();

describeEventStoreContract(realUrl ? 'EventStoreDB' : 'EventStoreDB double, BatchAppend', esdbFixture);

// The same contract in a namespace (EVENTSTORE_STREAM_PREFIX), on a server that already holds the events
// of the run above, outside any namespace: the prefixed stores must read past them as if they were not there.
describeEventStoreContract(
  `${realUrl ? 'EventStoreDB' : 'EventStoreDB double'}, streams in a namespace`,
  namespacedFixture(`contract-${randomUUID().slice(0, 8)}`),
);

if (!realUrl) {
  describe('the client appending with Append (BatchAppend not advertised)', () => {
    let batchAppendsBefore = 0;
    beforeAll(() => {
      double!.settings.advertiseBatchAppend = false;
      batchAppendsBefore = double!.callCount('batchAppend');
    });
    afterAll(() => {
      double!.settings.advertiseBatchAppend = true;
    });
    describeEventStoreContract('EventStoreDB double, Append', esdbFixture);
    it('really took the Append path', () => {
      expect(double!.callCount('append')).toBeGreaterThan(0);
      expect(double!.callCount('batchAppend')).toBe(batchAppendsBefore);
    });
  });
}

describe('EventStoreDB adapter specifics', () => {
  const run = randomUUID().slice(0, 8);
  const stream = (label: string) => `esdb_${run}-${label}`;
  const event = (type: string, id = randomUUID()): NewEvent => ({
    id,
    type,
    data: { type },
    metadata: { schemaVersion: 1, correlationId: 'esdb-test', causationId: 'esdb-test' },
  });
  let store: EsdbEventStore;

  beforeEach(async () => {
    store = await EsdbEventStore.connect(url());
  });
  afterEach(async () => {
    await store?.close();
  });

  it('returns the original position on an idempotent re-append', async () => {
    const s = stream('idempotent-position');
    const single = [event('One')];
    const first = await store.appendToStream(s, single, 'no_stream');
    expect(await store.appendToStream(s, single, 'no_stream')).toEqual(first);
    const batch = [event('Two'), event('Three')];
    const second = await store.appendToStream(s, batch, 0);
    expect(await store.appendToStream(s, batch, 0)).toEqual(second);
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['One', 'Two', 'Three']);
  });

  it('gives an event the same position in its stream and in $all', async () => {
    const s = stream('positions');
    const before = await store.headPosition();
    const appended = await store.appendToStream(s, [event('A'), event('B'), event('C')], 'no_stream');
    const fromStream = await store.readStream(s);
    const fromAll = (await store.readAll({ after: before ?? undefined, maxCount: 1000 })).filter((e) => e.streamId === s);
    expect(fromAll.map((e) => e.position)).toEqual(fromStream.map((e) => e.position));
    expect(fromStream[2].position).toBe(appended.position);
    // A single-event append reports the server's own position for it: it must be the same one.
    const single = await store.appendToStream(s, [event('D')], 2);
    expect((await store.readStream(s, { fromRevision: 3 }))[0].position).toBe(single.position);
    expect(fromStream.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(fromStream[1].recordedAt).toBeInstanceOf(Date);
    expect(Math.abs(fromStream[1].recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('pages through $all without losing or repeating events', async () => {
    const s = stream('paging');
    const before = await store.headPosition();
    await store.appendToStream(
      s,
      Array.from({ length: 7 }, (_, i) => event(`E${i}`)),
      'no_stream',
    );
    const seen: string[] = [];
    let after = before ?? undefined;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 2 });
      if (page.length === 0) break;
      seen.push(...page.filter((e) => e.streamId === s).map((e) => e.type));
      after = page[page.length - 1].position;
    }
    expect(seen).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
  });

  it('wakes onAppended listeners for appends made by another client', async () => {
    const other = await EsdbEventStore.connect(url());
    try {
      let calls = 0;
      const unsubscribe = store.onAppended(() => (calls += 1));
      // The live subscription starts from the end of $all once confirmed, which may take a moment:
      // keep appending (through the other client, so no local notification) until one is seen.
      const s = stream('wake');
      let revision = -1;
      const deadline = Date.now() + 10_000;
      while (calls === 0 && Date.now() < deadline) {
        await other.appendToStream(s, [event(`W${revision + 1}`)], revision < 0 ? 'no_stream' : revision);
        revision += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      unsubscribe();
      expect(calls).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

describe('EventStoreDB adapter start-up', () => {
  it('refuses a connection string that is not esdb:// and never echoes credentials', async () => {
    await expect(EsdbEventStore.connect('mysql://root:s3cret@localhost/db')).rejects.toThrow(/esdb:\/\//);
    await expect(EsdbEventStore.connect('mysql://root:s3cret@localhost/db')).rejects.not.toThrow(/s3cret/);
    await expect(EsdbEventStore.connect('esdb://admin:s3cret@localhost:notaport')).rejects.not.toThrow(/s3cret/);
    // An unreachable node fails at start, with the address but not the password.
    await expect(EsdbEventStore.connect('esdb://admin:s3cret@127.0.0.1:1?tls=false', { verifyTimeoutMs: 3_000 })).rejects.toThrow(
      /^Cannot use EventStoreDB at esdb:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:1/,
    );
  });
});
