import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { AppHarness } from './support/app-harness';
import { attachNewBot, registeredMaster } from './support/master-steps';

/**
 * AGGREGATE_CACHE_EVENTS: an operator sizes the cache of folded aggregates (issue 10 item 5). By default a
 * customer's next message reads at most its conversation's tail — on the embedded store, which knows that no other
 * writer touched it, nothing at all; with 0 the app keeps no fold and reads the whole conversation for every
 * command on it.
 */
describe.each([
  ['by default', {}, 'reads only what follows its cached fold (on the embedded store, nothing)'],
  ['with AGGREGATE_CACHE_EVENTS=0', { AGGREGATE_CACHE_EVENTS: '0' }, 'reads the whole conversation for every command'],
])('the aggregate cache %s', (_name, env: Record<string, string>, behaviour) => {
  let h: AppHarness;
  let store: EventStore;

  beforeAll(async () => {
    h = await AppHarness.start({ env });
    store = h.app.get(EVENT_STORE);
  });
  afterAll(async () => h.stop());

  it(`a returning customer's conversation: the app ${behaviour}`, async () => {
    const master = await registeredMaster(h, 'Vera');
    const bot = await attachNewBot(h, master, 'vera_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Walt' });
    const stream = conversationStreamId(bot.id, customer.id);
    const relayed = (text: string) => h.fake.waitForSent((s) => s.botId === h.masterBot.id && (s.text ?? '').endsWith(text));

    h.fake.userSends(bot.id, customer.id, 'First question');
    await relayed('First question');
    // Reads to the end of the stream, by where they start (a read of one event alone is not one).
    const reads: number[] = [];
    const readStream = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation((streamId, options) => {
      if (streamId === stream && options?.maxCount === undefined) reads.push(options?.fromRevision ?? 0);
      return readStream(streamId, options);
    });
    for (const text of ['Second question', 'Third question']) {
      h.fake.userSends(bot.id, customer.id, text);
      await relayed(text);
    }

    if (env.AGGREGATE_CACHE_EVENTS === '0') expect(reads.filter((from) => from === 0).length).toBeGreaterThanOrEqual(4);
    else if (store.writeMark?.() !== undefined)
      expect(reads).toEqual([]); // the store can tell no one else wrote
    else expect(reads.length > 0 && reads.every((from) => from > 0)).toBe(true); // EventStoreDB: the tails only
  });
});
