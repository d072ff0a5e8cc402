import { EVENT_STORE, EventStore, StreamReadOptions } from '../src/application/ports/event-store.port';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster, relayButton } from './support/master-steps';
import { botPostsInGroup, customerGets, customerWritesToTopic, linkedTeamGroup } from './support/team-group-steps';

/**
 * A customer's edit, a ban, an unban and a new topic's card read from their conversation only the one event they need (the message
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

  /** Reads of the stream to its end from its first event (a read of one event alone is not one). */
  const wholeReadsDuring = async (stream: string, act: () => Promise<void>) => {
    const reads: StreamReadOptions[] = [];
    const readStream = store.readStream.bind(store);
    const spy = jest.spyOn(store, 'readStream').mockImplementation((streamId, options) => {
      if (streamId === stream) reads.push(options ?? {});
      return readStream(streamId, options);
    });
    try {
      await act();
    } finally {
      spy.mockRestore();
    }
    return {
      whole: reads.filter((r) => (r.fromRevision ?? 0) === 0 && r.maxCount === undefined),
      alone: reads.filter((r) => r.maxCount === 1),
    };
  };

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

    const { whole, alone } = await wholeReadsDuring(stream, async () => {
      h.fake.userEdits(bot.id, customer.id, messageIds[11], 'message 12, corrected');
      await masterBotSays(h, master, '✏️ Sam edited this message:\n\nmessage 12, corrected');

      const last = await masterBotSays(h, master, 'message 30');
      h.fake.userPressesButton(h.masterBot.id, master.id, last.messageId, relayButton(last, '🚫 Ban'));
      await masterBotSays(h, master, 'Sam (@sam_k) is banned from @rita_shop_bot');
      h.fake.userSends(h.masterBot.id, master.id, '/banned');
      const list = await masterBotSays(h, master, 'Banned customers (1)');
      h.fake.userPressesButton(h.masterBot.id, master.id, list.messageId, `unban:${bot.id}:${customer.id}`);
      await masterBotSays(h, master, 'Sam (@sam_k) may write to @rita_shop_bot again');
    });

    expect(whole).toEqual([]);
    // The edited message, the last message (the ban's name) and the ban (the unban's): each read alone.
    expect(alone.length).toBeGreaterThanOrEqual(3);
  });

  it("in a team group: a ban and an unban in the topic name the customer, and a new topic's card counts the whole history", async () => {
    const master = await registeredMaster(h, 'Tess');
    const bot = await attachNewBot(h, master, 'tess_desk_bot');
    const agent = h.fake.createUser({ firstName: 'Uma' });
    const group = await linkedTeamGroup(h, master, bot, 'Tess support', [agent]);
    const customer = h.fake.createUser({ firstName: 'Gus' });
    const stream = conversationStreamId(bot.id, customer.id);
    let threadId = 0;
    for (const text of ['one', 'two', 'three']) threadId = (await customerWritesToTopic(h, bot, group, customer, text)).threadId!;
    h.fake.groups.sends(group, agent.id, 'Hello Gus', { threadId });
    await customerGets(h, bot, customer, 'Hello Gus');
    const firstCard = h.fake.sent(bot.id, group).find((s) => s.threadId === threadId && (s.text ?? '').startsWith('👤'))!;
    const saidInTopic = (fragment: string) => botPostsInGroup(h, bot, group, (s) => (s.text ?? '').includes(fragment));

    const { whole, alone } = await wholeReadsDuring(stream, async () => {
      h.fake.groups.sends(group, agent.id, '/ban', { threadId });
      await saidInTopic('Gus is banned');
      h.fake.groups.sends(group, agent.id, '/unban', { threadId });
      await saidInTopic('Gus is no longer banned');
      h.fake.groups.deletesTopic(group, threadId);
      await customerWritesToTopic(h, bot, group, customer, 'four');
    });

    const [reopened] = h.fake.groups.topics(group).filter((t) => !t.deleted && t.name.startsWith('Gus'));
    const card = h.fake.sent(bot.id, group).find((s) => s.threadId === reopened.threadId && (s.text ?? '').startsWith('👤'))!;
    expect(card.text).toContain('💬 4 messages, 1 answer\n✅ not banned');
    // First seen when the first topic's card said so: read from the conversation's first event.
    const firstSeen = (text: string | undefined) => /🕒 first seen (.+) UTC/.exec(text ?? '')?.[1];
    expect(firstSeen(card.text)).toBe(firstSeen(firstCard.text));
    expect(card.text).toContain('Earlier history with this customer was in a topic that was deleted.');
    expect(whole).toEqual([]);
    expect(alone.length).toBeGreaterThanOrEqual(3);
  });
});
