import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { openEventStore } from '../src/app.module';
import { AppHarness } from './support/app-harness';
import { EventStoreDouble } from './support/eventstore-double';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';

/**
 * The end-to-end suite against one real EventStoreDB server (`EVENTSTORE_URL` in the test environment) is
 * only trustworthy if its apps cannot see each other there: each Bot API fake numbers its users and bots
 * from the same ids, so two specs' masters have the same stream names. Here one double stands in for
 * that shared server, named by `EVENTSTORE_URL` exactly as a real one would be, and two apps run on it
 * at once — each must get a namespace of its own (`test-engines.ts`) and keep it across a restart.
 */
describe('apps of the end-to-end suite on one shared EventStoreDB server', () => {
  let server: EventStoreDouble;
  const apps: AppHarness[] = [];
  const saved = {
    TEST_ENGINES: process.env.TEST_ENGINES,
    EVENTSTORE_URL: process.env.EVENTSTORE_URL,
    EVENTSTORE_STREAM_PREFIX: process.env.EVENTSTORE_STREAM_PREFIX,
  };

  beforeAll(async () => {
    server = await EventStoreDouble.start();
    process.env.TEST_ENGINES = 'production';
    process.env.EVENTSTORE_URL = server.url;
    delete process.env.EVENTSTORE_STREAM_PREFIX;
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await Promise.allSettled(apps.map((app) => app.stop()));
    await server.stop();
  });

  it('run each in a namespace of their own: the same master and customer ids in two apps never mix', async () => {
    const first = await AppHarness.start();
    apps.push(first);
    const second = await AppHarness.start();
    apps.push(second);
    const ada = await registeredMaster(first, 'Ada');
    const bea = await registeredMaster(second, 'Bea');
    expect(bea.id).toBe(ada.id); // the fakes number users alike: one stream name, two installations

    const adaBot = await attachNewBot(first, ada, 'ada_shared_bot');
    const beaBot = await attachNewBot(second, bea, 'bea_shared_bot');
    const customerOfAda = first.fake.createUser({ firstName: 'Cy' });
    const customerOfBea = second.fake.createUser({ firstName: 'Di' });
    await customerWrites(first, adaBot, customerOfAda, ada, 'Is my order on its way?');
    await customerWrites(second, beaBot, customerOfBea, bea, 'Can I change my address?');

    expect(first.config.eventStoreUrl).toBe(server.url);
    expect(first.config.eventStoreStreamPrefix).toMatch(/^e2e-[0-9a-f]{8}$/);
    expect(second.config.eventStoreStreamPrefix).toMatch(/^e2e-[0-9a-f]{8}$/);
    expect(second.config.eventStoreStreamPrefix).not.toBe(first.config.eventStoreStreamPrefix);

    // Each app's history holds its own master's registration and customer only.
    const historyOf = async (app: AppHarness) => {
      const store = await openEventStore(app.config);
      try {
        const all = await store.readAll({ maxCount: 1000 });
        const master = await store.readStream(masterStreamId(ada.id));
        return { streams: new Set(all.map((e) => e.streamId)), masterEvents: master.length, all };
      } finally {
        await store.close();
      }
    };
    const a = await historyOf(first);
    const b = await historyOf(second);
    expect(a.streams).toContain(conversationStreamId(adaBot.id, customerOfAda.id));
    expect(b.streams).toContain(conversationStreamId(beaBot.id, customerOfBea.id));
    expect(JSON.stringify(a.all.map((e) => e.data))).not.toContain('bea_shared_bot');
    expect(JSON.stringify(b.all.map((e) => e.data))).not.toContain('ada_shared_bot');
    expect(server.storedEvents(masterStreamId(ada.id))).toHaveLength(0);
    expect(server.storedEvents(`${first.config.eventStoreStreamPrefix}/${masterStreamId(ada.id)}`)).toHaveLength(a.masterEvents);

    // A restart is the same installation: same namespace, same history — the master is still known.
    const prefix = first.config.eventStoreStreamPrefix;
    await first.restartWith({});
    expect(first.config.eventStoreStreamPrefix).toBe(prefix);
    const again = first.fake.createUser({ firstName: 'Ed' });
    await customerWrites(first, adaBot, again, ada, 'Do you ship abroad?');
  });
});
