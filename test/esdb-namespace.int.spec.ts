import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent } from '../src/application/ports/event-store.port';
import { openEventStore } from '../src/app.module';
import { ChainVerifier } from '../src/audit/chain-verifier';
import { loadStorageConfig } from '../src/infrastructure/config/app-config';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb.event-store';
import { EventStoreDouble } from './support/eventstore-double';
import { makeTempDir } from './support/temp-dir';

/**
 * Several installations on one EventStoreDB server, each in its own namespace (`EVENTSTORE_STREAM_PREFIX`):
 * none ever reads another's events, in any read the app makes, and the same stream name in two
 * namespaces is two streams. On the protocol-level double, with the real client.
 */
const event = (type: string, data: Record<string, unknown> = {}, id = randomUUID()): NewEvent => ({
  id,
  type,
  data,
  metadata: { schemaVersion: 1, correlationId: 'namespace-test', causationId: 'namespace-test', occurredAt: '2026-11-28T10:00:00.000Z' },
});
const streamsOf = (events: RecordedEvent[]) => [...new Set(events.map((e) => e.streamId))];
const typesOf = (events: RecordedEvent[]) => events.map((e) => e.type);

describe('installations sharing one EventStoreDB server through stream prefixes', () => {
  let double: EventStoreDouble;
  const stores: EsdbEventStore[] = [];
  const open = async (streamPrefix?: string) => {
    const store = await EsdbEventStore.connect(double.url, { streamPrefix });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    double = await EventStoreDouble.start({ systemEventEveryNthAppend: 1 });
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await double.stop();
  });

  it('keeps the same stream name in two namespaces as two independent streams, each seeing only its own', async () => {
    // "shop" starts the name of "shop-2": its streams must still not be taken for shop-2's.
    const shop = await open('shop');
    const shop2 = await open('shop-2');
    await shop.appendToStream('master-42', [event('MasterStarted', { shop: 1 })], 'no_stream');
    await shop2.appendToStream('master-42', [event('MasterStarted', { shop: 2 }), event('BotAttached', { shop: 2 })], 'no_stream');
    const last = await shop.appendToStream('master-42', [event('BotAttached', { shop: 1 })], 0);

    const mine = await shop.readStream('master-42');
    expect(mine.map((e) => [e.streamId, e.revision, e.data])).toEqual([
      ['master-42', 0, { shop: 1 }],
      ['master-42', 1, { shop: 1 }],
    ]);
    expect((await shop2.readStream('master-42')).map((e) => e.data)).toEqual([{ shop: 2 }, { shop: 2 }]);

    const allOfShop = await shop.readAll({ maxCount: 100 });
    expect(allOfShop.map((e) => e.data)).toEqual([{ shop: 1 }, { shop: 1 }]);
    expect(streamsOf(await shop2.readAll({ maxCount: 100 }))).toEqual(['master-42']);
    expect((await shop2.readAll({ maxCount: 100 })).map((e) => e.data)).toEqual([{ shop: 2 }, { shop: 2 }]);
    expect(await shop.headPosition()).toBe(last.position);
    expect(await shop2.headPosition()).toBe((await shop2.readStream('master-42'))[1].position);

    // On the server they are two streams under the namespaces' names.
    expect(double.storedEvents('shop/master-42')).toHaveLength(2);
    expect(double.storedEvents('shop-2/master-42')).toHaveLength(2);
    expect(double.storedEvents('master-42')).toHaveLength(0);
  });

  it('leaves an installation without a prefix on its own streams when a namespaced one joins the server', async () => {
    const production = await open();
    await production.appendToStream('master-1', [event('MasterStarted')], 'no_stream');
    const staging = await open('staging');
    expect(await staging.headPosition()).toBeNull();
    expect(await staging.readAll({ maxCount: 10 })).toEqual([]);

    const stagingAppend = await staging.appendToStream('master-1', [event('StagingOnly')], 'no_stream');
    const productionHead = await production.headPosition();
    expect(typesOf(await production.readAll({ maxCount: 10 }))).toEqual(['MasterStarted']);
    expect(typesOf(await production.readStream('master-1'))).toEqual(['MasterStarted']);
    expect(productionHead).not.toBe(stagingAppend.position);
    expect(typesOf(await staging.readAll({ maxCount: 10 }))).toEqual(['StagingOnly']);
  });

  it("seals the hash chain on the application's stream id, so audit verify answers the same in every namespace", async () => {
    const batch = [event('MasterStarted', { n: 1 }), event('BotAttached', { n: 2 })];
    const plain = await open();
    const namespaced = await open('tenant-7');
    await plain.appendToStream('master-7', batch, 'no_stream');
    await namespaced.appendToStream('master-7', batch, 'no_stream');

    const hashes = async (store: EsdbEventStore) => (await store.readStream('master-7')).map((e) => e.metadata.hash);
    expect(await hashes(namespaced)).toEqual(await hashes(plain));
    expect(await new ChainVerifier(namespaced).verifyStream('master-7')).toMatchObject({ ok: true, events: 2, breaks: [] });
    expect(await new ChainVerifier(namespaced).verifyAll()).toMatchObject({ ok: true, events: 2, breaks: [] });
  });

  it("crosses a long stretch of another namespace's events to find its own, and scans it in few reads", async () => {
    const busy = await open('busy');
    const quiet = await open('quiet');
    const first = await quiet.appendToStream('conversation-1-2', [event('CustomerMessageReceived', { n: 1 })], 'no_stream');
    for (let batch = 0; batch < 4; batch++) {
      await busy.appendToStream(
        `conversation-${batch}`,
        Array.from({ length: 500 }, (_, i) => event('CustomerMessageReceived', { i })),
        'no_stream',
      );
    }
    const second = await quiet.appendToStream('conversation-1-2', [event('CustomerMessageReceived', { n: 2 })], 0);

    const readsBefore = double.callCount('readAll');
    // A reactor checkpointed at quiet's first event asks for what follows: 2 000 of busy's events lie between.
    const page = await quiet.readAll({ after: first.position, maxCount: 100 });
    expect(page.map((e) => [e.streamId, e.data])).toEqual([['conversation-1-2', { n: 2 }]]);
    // Pages grow while they hold nothing of ours: 5 reads (101, 202, … 1 616 events), not one per 101-event page (some 20).
    expect(double.callCount('readAll') - readsBefore).toBeLessThan(10);
    // The same after quiet's last event: nothing, i.e. caught up.
    expect(await quiet.readAll({ after: second.position, maxCount: 100 })).toEqual([]);

    // Looking back for quiet's head crosses nothing; after more of busy's events, it crosses them all.
    expect(await quiet.headPosition()).toBe(second.position);
    await busy.appendToStream(
      'conversation-99',
      Array.from({ length: 300 }, () => event('CustomerMessageReceived')),
      'no_stream',
    );
    const fresh = await open('quiet');
    expect(await fresh.headPosition()).toBe(second.position);
  });

  it("wakes and feeds an installation's live subscription with its own namespace's events only", async () => {
    const shop = await open('shop');
    const shopReplica = await open('shop');
    const neighbour = await open('neighbour');
    const before = await shop.headPosition();
    let wakeUps = 0;
    const unsubscribe = shop.onAppended(() => (wakeUps += 1));
    try {
      // The subscription starts after the namespace's head once confirmed: keep appending through the
      // neighbour and then the replica (so no local wake-up) until the replica's event has woken `shop`.
      const deadline = Date.now() + 10_000;
      for (let n = 0; wakeUps === 0 && Date.now() < deadline; n++) {
        await neighbour.appendToStream('master-5', [event('NeighbourEvent', { n })], n === 0 ? 'no_stream' : n - 1);
        await shopReplica.appendToStream('master-5', [event('ShopEvent', { n })], n === 0 ? 'no_stream' : n - 1);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(wakeUps).toBeGreaterThan(0);
      // Caught up: the pump's next read is answered from what the subscription delivered, with no read of $all.
      const readsBefore = double.callCount('readAll');
      const delivered = await shop.readAll({ after: before ?? undefined, maxCount: 100 });
      expect(double.callCount('readAll')).toBe(readsBefore);
      expect(new Set(typesOf(delivered))).toEqual(new Set(['ShopEvent']));
      expect(streamsOf(delivered)).toEqual(['master-5']);
    } finally {
      unsubscribe();
    }
  });

  it('refuses a stream id holding the separator, and writes nothing', async () => {
    const shop = await open('shop');
    await expect(shop.appendToStream('other/master-1', [event('Sneaky')], 'no_stream')).rejects.toThrow(/must not contain "\/"/);
    await expect(shop.readStream('other/master-1')).rejects.toThrow(/must not contain "\/"/);
    expect(double.storedEvents('shop/other/master-1')).toHaveLength(0);
    expect(await shop.headPosition()).toBeNull();
  });

  it('refuses a malformed prefix at connect, without connecting', async () => {
    const readsBefore = double.callCount('readAll');
    for (const bad of ['Shop', 'a/b', '-shop', 'x'.repeat(33), 'shop!']) {
      await expect(EsdbEventStore.connect(double.url, { streamPrefix: bad })).rejects.toThrow(
        /EVENTSTORE_STREAM_PREFIX must be 1 to 32 characters/,
      );
    }
    expect(double.callCount('readAll')).toBe(readsBefore);
  });

  it("opens the CLI's store (audit, projections, privacy erase) in the same namespace as the app's", async () => {
    const app = await open('shop');
    await app.appendToStream('master-9', [event('MasterStarted')], 'no_stream');
    const dataDir = makeTempDir();
    const cli = await openEventStore(
      loadStorageConfig({ EVENTSTORE_URL: double.url, EVENTSTORE_STREAM_PREFIX: 'shop', DATA_DIR: dataDir.dir }),
    );
    try {
      expect(typesOf(await cli.readStream('master-9'))).toEqual(['MasterStarted']);
      expect(streamsOf(await cli.readAll({ maxCount: 10 }))).toEqual(['master-9']);
    } finally {
      await cli.close();
      dataDir.remove();
    }
  });
});
