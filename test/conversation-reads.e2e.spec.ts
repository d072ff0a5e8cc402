import { EVENT_STORE, EventStore, StreamReadOptions } from '../src/application/ports/event-store.port';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster, relayButton } from './support/master-steps';

/**
 * A customer's edit, a ban and an unban read from their conversation only the one event they need (the message
 * edited, the last message for the name, the ban that carries it), found where the conversation's fold says it
 * is: issue 10's "one tenant's long history does not stall everyone" — before, each read the whole conversation.
 */
describe("a long-lived customer's edits and bans read one event of the conversation, not all of it", () => {
  let h: AppHarness;
  let store: EventStore;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { FLOOD_LIMIT_PER_MINUTE: '1000' } });
    store = h.app.get(EVENT_STORE);
  });
  afterAll(async () => h.stop());

  it('the master is told of the edit and of the ban and unban, naming the customer, and no whole read happens', async () => {
    const master = await registeredMaster(h, 'Rita');
    const bot = await attachNewBot(h, master, 'rita_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Sam', username: 'sam_k' });
    const stream = conversationStreamId(bot.id, customer.id);
    const messageIds: number[] = [];
    for (let i = 1; i <= 30; i++) {
      messageIds.push(h.fake.userSends(bot.id, customer.id, `message ${i}`).messageId);
      await masterBotSays(h, master, `message ${i}`);
    }

    const reads: StreamReadOptions[] = [];
    const readStream = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation((streamId, options) => {
      if (streamId === stream) reads.push(options ?? {});
      return readStream(streamId, options);
    });

    h.fake.userEdits(bot.id, customer.id, messageIds[11], 'message 12, corrected');
    await masterBotSays(h, master, '✏️ Sam edited this message:\n\nmessage 12, corrected');

    const last = await masterBotSays(h, master, 'message 30');
    h.fake.userPressesButton(h.masterBot.id, master.id, last.messageId, relayButton(last, '🚫 Ban'));
    await masterBotSays(h, master, 'Sam (@sam_k) is banned from @rita_shop_bot');
    h.fake.userSends(h.masterBot.id, master.id, '/banned');
    const list = await masterBotSays(h, master, 'Banned customers (1)');
    h.fake.userPressesButton(h.masterBot.id, master.id, list.messageId, `unban:${bot.id}:${customer.id}`);
    await masterBotSays(h, master, 'Sam (@sam_k) may write to @rita_shop_bot again');

    const whole = reads.filter((r) => (r.fromRevision ?? 0) === 0 && r.maxCount === undefined);
    expect(whole).toEqual([]);
    // The edited message, the last message (the ban's name) and the ban (the unban's): each read alone.
    expect(reads.filter((r) => r.maxCount === 1).length).toBeGreaterThanOrEqual(3);
  });
});
