import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AuditLog } from '../src/audit/audit-log';
import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/** M12, first slice: a client bot's inbox is a team group, one topic per customer, answered by any member. */
describe('the team group inbox, end to end', () => {
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let agentAnn: FakeUser;
  let agentBen: FakeUser;
  let group: number;
  const topicRights = { can_manage_topics: true, can_delete_messages: true };

  beforeAll(async () => {
    h = await AppHarness.start();
    master = await registeredMaster(h, 'Maria');
    bot = await attachNewBot(h, master, 'acme_team_bot');
    agentAnn = h.fake.createUser({ firstName: 'Ann' });
    agentBen = h.fake.createUser({ firstName: 'Ben' });
    group = h.fake.groups.create({ title: 'Acme support', creatorId: master.id, forum: true, memberIds: [agentAnn.id, agentBen.id] }).id;
  });
  afterAll(async () => h.stop());

  const botPostsInGroup = (match: (sent: SentRecord) => boolean) =>
    h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === group && match(s));
  const customerGets = (customer: FakeUser, text: string) =>
    h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === text);

  describe('linking a team group', () => {
    it('refuses a group without topics, and says how to turn them on', async () => {
      const plain = h.fake.groups.create({ title: 'Acme chat', creatorId: master.id }).id;
      h.fake.groups.addsBot(plain, master.id, bot.id, topicRights);
      h.fake.groups.sends(plain, master.id, '/connect');
      await masterBotSays(h, master, 'The group was not linked: it has no topics');
    });

    it('refuses while the bot is not an administrator allowed to manage topics', async () => {
      h.fake.groups.addsBot(group, master.id, bot.id);
      h.fake.groups.sends(group, master.id, '/connect');
      await masterBotSays(h, master, 'the bot is not an administrator allowed to manage topics');
    });

    it('refuses a /connect from anyone but the bot’s master, and tells the master', async () => {
      h.fake.groups.promotesBot(group, master.id, bot.id, topicRights);
      h.fake.groups.sends(group, agentAnn.id, '/connect');
      await masterBotSays(h, master, 'Someone who is not you sent /connect');
    });

    it('asks the master to confirm in the MasterBot chat; ✖️ No links nothing', async () => {
      h.fake.groups.sends(group, master.id, '/connect');
      const question = await masterBotSays(h, master, 'Link it as the inbox of @acme_team_bot?');
      h.fake.userPressesButton(h.masterBot.id, master.id, question.messageId, `team:${bot.id}:${group}:no`);
      await masterBotSays(h, master, 'Not linked: @acme_team_bot keeps relaying here.');
    });

    it('links the group when the master confirms their /connect, and says so in both places', async () => {
      h.fake.groups.sends(group, master.id, '/connect');
      const questions = () => h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').includes('Link it as the inbox'));
      await h.fake.waitFor(() => questions().length === 2);
      h.fake.userPressesButton(h.masterBot.id, master.id, questions()[1].messageId, `team:${bot.id}:${group}:yes`);
      await masterBotSays(h, master, '@acme_team_bot now relays its customers into your team group');
      await botPostsInGroup((s) => (s.text ?? '').includes('This group is now the inbox of @acme_team_bot'));
    });
  });

  describe('answering customers from their topics', () => {
    let carol: FakeUser;
    let dave: FakeUser;
    let carolTopic: number;
    let daveTopic: number;

    it('opens a topic per customer named after them and the bot, with a customer card, then the message', async () => {
      carol = h.fake.createUser({ firstName: 'Carol', username: 'carol_k' });
      dave = h.fake.createUser({ firstName: 'Dave' });
      h.fake.userSends(bot.id, carol.id, 'Where is my parcel?');
      const carolCopy = await botPostsInGroup((s) => s.text === 'Where is my parcel?');
      h.fake.userSends(bot.id, dave.id, 'Can I change my order?');
      const daveCopy = await botPostsInGroup((s) => s.text === 'Can I change my order?');
      const topics = h.fake.groups.topics(group);
      expect(topics.map((t) => t.name)).toEqual(['Carol (@carol_k) · @acme_team_bot', 'Dave · @acme_team_bot']);
      [carolTopic, daveTopic] = topics.map((t) => t.threadId);
      expect([carolCopy.threadId, daveCopy.threadId]).toEqual([carolTopic, daveTopic]);
      const card = h.fake.sent(bot.id, group).find((s) => s.threadId === carolTopic && (s.text ?? '').startsWith('👤'));
      expect(card?.text).toMatch(
        /^👤 Carol \(@carol_k\)\n🤖 via @acme_team_bot\n🌐 language: not shared\n🕒 first seen .+ UTC\n💬 1 message, 0 answers\n✅ not banned$/,
      );
      expect(h.fake.sent(h.masterBot.id, master.id).some((s) => (s.text ?? '').includes('Where is my parcel?'))).toBe(false);
    });

    it('sends later messages of a customer into the same topic', async () => {
      h.fake.userSends(bot.id, carol.id, 'It was due on Monday.');
      const later = await botPostsInGroup((s) => s.text === 'It was due on Monday.');
      expect(later.threadId).toBe(carolTopic);
      expect(h.fake.groups.topics(group)).toHaveLength(2);
    });

    it('delivers what two agents write in two topics each to that topic’s customer only', async () => {
      h.fake.groups.sends(group, agentAnn.id, 'Your parcel leaves today.', { threadId: carolTopic });
      h.fake.groups.sends(group, agentBen.id, 'Yes, until Friday.', { threadId: daveTopic });
      await customerGets(carol, 'Your parcel leaves today.');
      await customerGets(dave, 'Yes, until Friday.');
      const texts = (customer: FakeUser) => h.fake.sent(bot.id, customer.id).map((s) => s.text);
      expect(texts(carol)).not.toContain('Yes, until Friday.');
      expect(texts(dave)).not.toContain('Your parcel leaves today.');
    });

    it('records the answering agent on the audit timeline', async () => {
      const timeline = await new AuditLog(h.app.get<EventStore>(EVENT_STORE)).timeline(master.id, { limit: 500 });
      const sent = timeline.entries.filter((e) => e.type === 'ReplySent');
      expect(sent.map((e) => e.trigger)).toEqual(['AnswerInTopic', 'AnswerInTopic']);
      expect(sent.map((e) => e.data.agent)).toEqual([
        expect.objectContaining({ agentId: agentAnn.id, threadId: carolTopic, chatId: group }),
        expect.objectContaining({ agentId: agentBen.id, threadId: daveTopic, chatId: group }),
      ]);
    });

    it('keeps internal notes (//) in the group', async () => {
      h.fake.groups.sends(group, agentBen.id, '// refund approved by Maria', { threadId: carolTopic });
      h.fake.groups.sends(group, agentBen.id, 'We will refund the shipping.', { threadId: carolTopic });
      await customerGets(carol, 'We will refund the shipping.');
      expect(h.fake.sent(bot.id, carol.id).some((s) => (s.text ?? '').includes('refund approved'))).toBe(false);
    });

    it('shows a customer’s reaction to an agent’s answer on the agent’s message, and the 👍 again when it is taken back', async () => {
      const answer = h.fake.groups.sends(group, agentAnn.id, 'Thanks for waiting.', { threadId: carolTopic });
      const copy = await customerGets(carol, 'Thanks for waiting.');
      const onAnswer = () => h.fake.reactions(bot.id, group, answer.messageId);
      await h.fake.waitFor(() => onAnswer().includes('👍'));

      h.fake.userReacts(bot.id, carol.id, copy.messageId, ['🔥']);
      await h.fake.waitFor(() => onAnswer().join() === '🔥');
      h.fake.userReacts(bot.id, carol.id, copy.messageId, []);
      await h.fake.waitFor(() => onAnswer().join() === '👍');
      expect(
        h.fake.calls.filter(
          (c) => c.method === 'setMessageReaction' && c.botId === h.masterBot.id && String(c.params.chat_id) === String(group),
        ),
      ).toHaveLength(0);
    });

    it('opens the customer’s topic again when it was deleted by hand, saying so, and loses no message', async () => {
      h.fake.groups.deletesTopic(group, daveTopic);
      h.fake.userSends(bot.id, dave.id, 'Hello? Anyone there?');
      const relayed = await botPostsInGroup((s) => s.text === 'Hello? Anyone there?');
      const reopened = h.fake.groups.topics(group).filter((t) => !t.deleted && t.name === 'Dave · @acme_team_bot');
      expect(reopened).toHaveLength(1);
      expect(relayed.threadId).toBe(reopened[0].threadId);
      const card = h.fake.sent(bot.id, group).find((s) => s.threadId === reopened[0].threadId && (s.text ?? '').startsWith('👤'));
      expect(card?.text).toContain('Earlier history with this customer was in a topic that was deleted.');
      h.fake.groups.sends(group, agentAnn.id, 'Yes, we are here.', { threadId: reopened[0].threadId });
      await customerGets(dave, 'Yes, we are here.');
    });
  });

  it('never brings another master’s customers into the group', async () => {
    const other = await registeredMaster(h, 'Otto');
    const otherBot = await attachNewBot(h, other, 'otto_shop_bot');
    const erin = h.fake.createUser({ firstName: 'Erin' });
    h.fake.userSends(otherBot.id, erin.id, 'Do you sell gift cards?');
    await masterBotSays(h, other, 'Do you sell gift cards?');
    expect(h.fake.sent(undefined, group).some((s) => (s.text ?? '').includes('gift cards'))).toBe(false);
    expect(h.fake.groups.topics(group).some((t) => t.name.includes('Erin'))).toBe(false);
  });

  it('loses no message when the bot is removed from the group: the master is told what to do, and it comes to the MasterBot chat', async () => {
    const fay = h.fake.createUser({ firstName: 'Fay' });
    h.fake.groups.kicksBot(group, master.id, bot.id);
    await masterBotSays(h, master, '@acme_team_bot was removed from your team group. Add it back as an administrator');
    h.fake.userSends(bot.id, fay.id, 'Is the shop open on Sunday?');
    const copy = await masterBotSays(h, master, 'Is the shop open on Sunday?');
    expect(copy.text).toContain('💬 Fay → @acme_team_bot');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, from 10 to 4.', replyToMessageId: copy.messageId });
    await customerGets(fay, 'Yes, from 10 to 4.');
  });
});
