import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openEventStore } from '../src/app.module';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb.event-store';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { READ_MODEL_DATA_SOURCE } from '../src/projections/projections.service';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import { testEngines } from './support/test-engines';

/**
 * The end-to-end suite proves the production path only if its apps really run there: in the `e2e` jest
 * project on the embedded files, in `e2e-production` on EventStoreDB (the double, or `EVENTSTORE_URL`)
 * and MariaDB. Were the switch lost, every other spec would still pass — on SQLite, twice.
 */
describe('the storage engines the apps of the end-to-end suite run on', () => {
  let h: AppHarness;
  afterAll(async () => h?.stop());

  it("are the jest project's: a relayed customer message is recorded in that project's event store and read models", async () => {
    h = await AppHarness.start();
    const master = await registeredMaster(h, 'Ada');
    const bot = await attachNewBot(h, master, 'ada_engines_bot');
    const customer = h.fake.createUser({ firstName: 'Bo' });
    await customerWrites(h, bot, customer, master, 'Where is my parcel today?');

    const production = testEngines() === 'production';
    expect(existsSync(join(h.dataDir, 'events.sqlite'))).toBe(!production);
    expect(existsSync(join(h.dataDir, 'read-models.sqlite'))).toBe(!production);
    expect(h.app.get<DataSource>(READ_MODEL_DATA_SOURCE).options.type).toBe(production ? 'mysql' : 'better-sqlite3');

    const store = await openEventStore(h.config);
    try {
      expect(store).toBeInstanceOf(production ? EsdbEventStore : SqliteEventStore);
      const conversation = await store.readStream(conversationStreamId(bot.id, customer.id));
      expect(conversation.map((e) => e.type)).toContain('CustomerMessageReceived');
    } finally {
      await store.close();
    }
    // In a namespace (EVENTSTORE_STREAM_PREFIX: always on a real server, or forced on the double), the
    // app's streams are not the server's streams of that name: a store outside the namespace sees nothing.
    if (h.config.eventStoreStreamPrefix) {
      const outside = await EsdbEventStore.connect(h.config.eventStoreUrl!);
      try {
        expect(await outside.readStream(conversationStreamId(bot.id, customer.id))).toEqual([]);
      } finally {
        await outside.close();
      }
    }
  });
});
