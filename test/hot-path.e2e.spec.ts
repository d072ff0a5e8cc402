import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';

describe('the hot path of a relayed customer message', () => {
  let h: AppHarness;
  beforeAll(async () => (h = await AppHarness.start()));
  afterAll(async () => h.stop());

  it('a message in a conversation the app already holds costs at most one read of the event store, and only of what is new', async () => {
    const master = await registeredMaster(h, 'Alice');
    const bot = await attachNewBot(h, master, 'hot_path_bot');
    const customer = h.fake.createUser({ firstName: 'Bob' });
    const stream = conversationStreamId(bot.id, customer.id);
    const store = h.app.get<EventStore>(EVENT_STORE);
    const readStream = store.readStream.bind(store);
    const relayed = async (count: number) => {
      while ((await readStream(stream)).filter((e) => e.type === 'MessageRelayed').length < count) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await customerWrites(h, bot, customer, master, 'first message');
    await relayed(1);

    // Every read by the app while the second message is taken in, relayed and its relay recorded.
    const reads: { streamId: string; fromRevision: number }[] = [];
    store.readStream = (streamId, options) => {
      reads.push({ streamId, fromRevision: options?.fromRevision ?? 0 });
      return readStream(streamId, options);
    };
    await customerWrites(h, bot, customer, master, 'second message');
    await relayed(2);
    // A little longer, so a reactor that reads after the relay is counted too (waiting less would only count less).
    await new Promise((resolve) => setTimeout(resolve, 300));
    store.readStream = readStream;

    expect(reads.length).toBeLessThanOrEqual(1);
    for (const read of reads) expect(read.fromRevision).toBeGreaterThan(0);
  });
});
