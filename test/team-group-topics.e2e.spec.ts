import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AuditLog } from '../src/audit/audit-log';
import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster } from './support/master-steps';
import { botPostsInGroup, customerGets, customerWritesToTopic, linkedTeamGroup, TOPIC_RIGHTS } from './support/team-group-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/** M12: what agents do to a customer's conversation from its topic: /close, /reopen, /ban; topics closed by hand. */
describe('managing conversations from their topics, end to end', () => {
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let ann: FakeUser;
  let ben: FakeUser;
  let group: number;

  beforeAll(async () => {
    h = await AppHarness.start();
    master = await registeredMaster(h, 'Maria');
    bot = await attachNewBot(h, master, 'acme_topics_bot');
    ann = h.fake.createUser({ firstName: 'Ann' });
    ben = h.fake.createUser({ firstName: 'Ben' });
    group = await linkedTeamGroup(h, master, bot, 'Acme support', [ann, ben]);
  });
  afterAll(async () => h.stop());

  const topic = (threadId: number) => h.fake.groups.topics(group).find((t) => t.threadId === threadId)!;
  const saidInTopic = (threadId: number, fragment: string) =>
    botPostsInGroup(h, bot, group, (s) => s.threadId === threadId && (s.text ?? '').includes(fragment));
  const masterEvents = async (type: string) =>
    (await new AuditLog(h.app.get<EventStore>(EVENT_STORE)).timeline(master.id, { limit: 1000 })).entries.filter((e) => e.type === type);

  it('/close closes the customer’s topic and says how it reopens; their next message reopens it and is delivered', async () => {
    const carol = h.fake.createUser({ firstName: 'Carol' });
    const threadId = (await customerWritesToTopic(h, bot, group, carol, 'My order never came.')).threadId!;
    h.fake.groups.sends(group, ann.id, '/close', { threadId });
    await saidInTopic(threadId, 'Conversation closed. The topic reopens by itself when the customer writes again');
    await h.fake.waitFor(() => topic(threadId).closed);
    expect((await masterEvents('ConversationClosed')).map((e) => e.data)).toEqual([
      expect.objectContaining({ customerId: carol.id, threadId, by: ann.id, how: 'command' }),
    ]);

    const again = await customerWritesToTopic(h, bot, group, carol, 'Hello? Still nothing.');
    expect(again.threadId).toBe(threadId);
    expect(topic(threadId).closed).toBe(false);
    expect((await masterEvents('ConversationReopened')).map((e) => e.data)).toEqual([
      expect.objectContaining({ customerId: carol.id, threadId, how: 'customer_wrote' }),
    ]);
    // Ben may not manage topics: he can write there only because it is open again.
    h.fake.groups.sends(group, ben.id, 'Sorry, Carol, a new parcel leaves today.', { threadId });
    await customerGets(h, bot, carol, 'Sorry, Carol, a new parcel leaves today.');
  });

  it('/reopen opens a closed topic again, and says so', async () => {
    const dave = h.fake.createUser({ firstName: 'Dave' });
    const threadId = (await customerWritesToTopic(h, bot, group, dave, 'Do you ship abroad?')).threadId!;
    h.fake.groups.sends(group, ann.id, '/close', { threadId });
    await h.fake.waitFor(() => topic(threadId).closed);
    h.fake.groups.sends(group, master.id, '/reopen', { threadId });
    await saidInTopic(threadId, 'Conversation reopened');
    expect(topic(threadId).closed).toBe(false);
    h.fake.groups.sends(group, ben.id, 'Yes, to the whole EU.', { threadId });
    await customerGets(h, bot, dave, 'Yes, to the whole EU.');
  });

  it('/ban bans the topic’s customer as a ban from the MasterBot chat would, and says so in the topic', async () => {
    const spammer = h.fake.createUser({ firstName: 'Sam', username: 'sam_spam' });
    const carl = h.fake.createUser({ firstName: 'Carl' });
    const threadId = (await customerWritesToTopic(h, bot, group, spammer, 'BUY CHEAP FOLLOWERS')).threadId!;
    h.fake.groups.sends(group, ben.id, '/ban', { threadId });
    await saidInTopic(threadId, 'Sam (@sam_spam) is banned: their messages are no longer relayed');
    await masterBotSays(h, master, 'Sam (@sam_spam) is banned from @acme_topics_bot');

    h.fake.userSends(bot.id, spammer.id, 'BUY MORE FOLLOWERS');
    // One bot's customers are relayed in order: once Carl's message is in the group, Sam's was dropped before it.
    await customerWritesToTopic(h, bot, group, carl, 'Is the blue one back in stock?');
    expect(h.fake.sent(bot.id, group).some((s) => s.text === 'BUY MORE FOLLOWERS')).toBe(false);
    h.fake.userSends(h.masterBot.id, master.id, '/banned');
    await masterBotSays(h, master, 'Banned customers (1)');
  });

  it('reopens a topic closed by hand in Telegram when the customer writes again, and delivers the message there', async () => {
    const erin = h.fake.createUser({ firstName: 'Erin' });
    const threadId = (await customerWritesToTopic(h, bot, group, erin, 'Can I pay by invoice?')).threadId!;
    // The bot hears of it (a service message) before Erin's next message: one bot's updates are handled in order.
    h.fake.groups.closesTopic(group, master.id, threadId);

    const again = await customerWritesToTopic(h, bot, group, erin, 'Hello?');
    expect(again.threadId).toBe(threadId);
    expect(topic(threadId).closed).toBe(false);
    const closed = (await masterEvents('ConversationClosed')).filter((e) => e.data.threadId === threadId);
    expect(closed.map((e) => e.data)).toEqual([expect.objectContaining({ by: master.id, how: 'by_hand' })]);
    h.fake.groups.sends(group, ben.id, 'Yes, for orders over 100 €.', { threadId });
    await customerGets(h, bot, erin, 'Yes, for orders over 100 €.');
  });

  it('reopens a closed topic Telegram refuses to post into (TOPIC_CLOSED), and the relay is not lost', async () => {
    const fay = h.fake.createUser({ firstName: 'Fay' });
    const threadId = (await customerWritesToTopic(h, bot, group, fay, 'Where do I send a return?')).threadId!;
    // A close the bot never heard of, by a bot that may not post into closed topics: Telegram says TOPIC_CLOSED.
    h.fake.failNext(bot.id, 'sendMessage', { errorCode: 400, description: 'Bad Request: TOPIC_CLOSED' });
    const again = await customerWritesToTopic(h, bot, group, fay, 'The address, please.');
    expect(again.threadId).toBe(threadId);
    expect(h.fake.calls.filter((c) => c.method === 'reopenForumTopic' && Number(c.params.message_thread_id) === threadId)).toHaveLength(1);
  });

  it('tells the master once when the bot is removed, relays to the MasterBot chat without trying the group, and into the topics again once it is back', async () => {
    const hana = h.fake.createUser({ firstName: 'Hana' });
    const { threadId } = await customerWritesToTopic(h, bot, group, hana, 'Is the red one in stock?');
    h.fake.groups.kicksBot(group, master.id, bot.id);
    await masterBotSays(h, master, '@acme_topics_bot was removed from your team group');
    const callsBefore = h.fake.calls.length;
    h.fake.userSends(bot.id, hana.id, 'Hello?');
    h.fake.userSends(bot.id, hana.id, 'Anyone?');
    await masterBotSays(h, master, 'Anyone?');
    const intoGroup = h.fake.calls.slice(callsBefore).filter((c) => c.botId === bot.id && Number(c.params.chat_id) === group);
    expect(intoGroup).toEqual([]);

    h.fake.groups.addsBot(group, master.id, bot.id, TOPIC_RIGHTS);
    await masterBotSays(h, master, '✅ @acme_topics_bot is back in your team group');
    const back = await customerWritesToTopic(h, bot, group, hana, 'Still there?');
    expect(back.threadId).toBe(threadId);
    const told = h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').includes('was removed from your team group'));
    expect(told).toHaveLength(1);
  });

  it('records the group as lost when Telegram refuses a relay there (an update the bot missed), once, and the relay is not lost', async () => {
    const ivan = h.fake.createUser({ firstName: 'Ivan' });
    await customerWritesToTopic(h, bot, group, ivan, 'Do you deliver on Saturdays?');
    h.fake.failNext(bot.id, 'sendMessage', { errorCode: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    h.fake.userSends(bot.id, ivan.id, 'And on Sundays?');
    await masterBotSays(h, master, 'And on Sundays?');
    h.fake.userSends(bot.id, ivan.id, 'Thanks!');
    await masterBotSays(h, master, 'Thanks!');
    const told = h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').includes('was removed from your team group'));
    expect(told).toHaveLength(2); // the one of the test before, and this one
    h.fake.groups.promotesBot(group, master.id, bot.id, TOPIC_RIGHTS);
    await h.fake.waitFor(
      () => h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').includes('is back in your team group')).length === 2,
    );
    await customerWritesToTopic(h, bot, group, ivan, 'See you!');
  });

  it('does nothing with /close, /reopen, /ban, /unban, /delete or /help in a group the bot is not linked to', async () => {
    const other = h.fake.groups.create({ title: 'Acme staff room', creatorId: master.id, forum: true, memberIds: [ann.id] }).id;
    h.fake.groups.addsBot(other, master.id, bot.id, TOPIC_RIGHTS);
    const chatter = h.fake.groups.createsTopic(other, ann.id, 'Lunch');
    h.fake.groups.sends(other, ann.id, '/close', { threadId: chatter });
    h.fake.groups.sends(other, ann.id, '/ban', { threadId: chatter });
    h.fake.groups.sends(other, ann.id, '/unban', { threadId: chatter });
    const said = h.fake.groups.sends(other, ann.id, 'Pizza?', { threadId: chatter });
    h.fake.groups.sends(other, ann.id, '/delete', { threadId: chatter, replyToMessageId: said.messageId });
    h.fake.groups.sends(other, ann.id, '/help', { threadId: chatter });
    // The bot's updates are handled in order: once this /close in the linked group shows, the others were decided.
    const gina = h.fake.createUser({ firstName: 'Gina' });
    const threadId = (await customerWritesToTopic(h, bot, group, gina, 'Thanks, all good!')).threadId!;
    h.fake.groups.sends(group, ann.id, '/close', { threadId });
    await saidInTopic(threadId, 'Conversation closed');
    expect(h.fake.groups.topics(other).find((t) => t.threadId === chatter)?.closed).toBe(false);
    expect(h.fake.sent(bot.id, other)).toEqual([]);
  });
  it('follows the group to its new id when Telegram answers that it became a supergroup, and loses no message', async () => {
    // Telegram migrates basic groups only, and topics need a supergroup: the answer is Telegram's documented one
    // (ResponseParameters.migrate_to_chat_id), played here by the fake on a post into the linked group.
    const successor = h.fake.groups.create({ title: 'Acme support (new)', creatorId: master.id, forum: true, memberIds: [ann.id] }).id;
    h.fake.groups.addsBot(successor, master.id, bot.id, TOPIC_RIGHTS);
    const jo = h.fake.createUser({ firstName: 'Jo' });
    await customerWritesToTopic(h, bot, group, jo, 'Is the shop open today?');
    const upgraded = {
      errorCode: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      migrateToChatId: successor,
    };
    h.fake.failNext(bot.id, 'sendMessage', upgraded);
    const moved = await customerWritesToTopic(h, bot, successor, jo, 'Until when?');
    const [topicThere] = h.fake.groups.topics(successor);
    expect(topicThere.name).toBe('Jo · @acme_topics_bot');
    expect(moved.threadId).toBe(topicThere.threadId);
    expect((await masterEvents('TeamGroupMoved')).map((e) => e.data)).toEqual([
      expect.objectContaining({ fromChatId: group, toChatId: successor }),
    ]);
    h.fake.groups.sends(successor, ann.id, 'Until 6 pm.', { threadId: moved.threadId });
    await customerGets(h, bot, jo, 'Until 6 pm.');
    const later = await customerWritesToTopic(h, bot, successor, jo, 'Thanks!');
    expect(later.threadId).toBe(topicThere.threadId);
  });
});
