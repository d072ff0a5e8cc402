import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AuditLog } from '../src/audit/audit-log';
import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster } from './support/master-steps';
import { eventually } from './support/scripted-reactor';
import { botPostsInGroup, customerGets, customerWritesToTopic, linkedTeamGroup, TOPIC_RIGHTS } from './support/team-group-steps';
import type { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/**
 * M12 + M13: conversations answered from a team group's topics stay in sync both ways — an agent's edit or
 * `/delete` reaches the customer's copy, an agent's reaction reaches the customer's message, a customer's edit
 * shows on their message in the topic — and nothing of it leaks to another tenant or out of an internal note.
 */
describe('conversations answered in team-group topics stay in sync, end to end', () => {
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let ann: FakeUser;
  let ben: FakeUser;
  let group: number;

  beforeAll(async () => {
    h = await AppHarness.start();
    master = await registeredMaster(h, 'Maria');
    bot = await attachNewBot(h, master, 'acme_sync_bot');
    ann = h.fake.createUser({ firstName: 'Ann' });
    ben = h.fake.createUser({ firstName: 'Ben' });
    group = await linkedTeamGroup(h, master, bot, 'Acme support', [ann, ben]);
  });
  afterAll(async () => h.stop());

  const recorded = async (type: string) =>
    (await h.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 })).filter((e) => e.type === type);
  /** The events of this type on the master's own stream (what the audit timeline shows for them). */
  const events = async (owner: FakeUser, type: string) =>
    (await new AuditLog(h.app.get<EventStore>(EVENT_STORE)).timeline(owner.id, { limit: 1000 })).entries.filter((e) => e.type === type);
  const saidInTopic = (threadId: number, fragment: string) =>
    botPostsInGroup(h, bot, group, (s) => s.threadId === threadId && (s.text ?? '').includes(fragment));
  const customerCopy = (customer: FakeUser, copy: SentRecord) =>
    h.fake.messagesInChat(bot.id, customer.id).find((entry) => entry.messageId === copy.messageId);
  const inGroup = (messageId: number) => h.fake.groups.messages(group).find((entry) => entry.messageId === messageId);

  /** A customer asks; `agent` answers in the customer's topic; resolves once the answer was delivered and marked 👍. */
  async function answeredInTopic(customer: FakeUser, question: string, agent: FakeUser, answer: string) {
    const asked = await customerWritesToTopic(h, bot, group, customer, question);
    const threadId = asked.threadId!;
    const written = h.fake.groups.sends(group, agent.id, answer, { threadId });
    const copy = await customerGets(h, bot, customer, answer);
    await h.fake.waitFor(() => h.fake.reactions(bot.id, group, written.messageId).includes('👍'));
    return { threadId, asked, answerId: written.messageId, copy };
  }

  it('an agent’s edit of their answer in the topic edits the customer’s copy, and records who edited', async () => {
    const carol = h.fake.createUser({ firstName: 'Carol' });
    const { answerId, copy } = await answeredInTopic(carol, 'When do you open?', ann, 'At 8.');

    h.fake.groups.edits(group, ann.id, answerId, 'At 9, sorry.');

    await h.fake.waitFor(() => customerCopy(carol, copy)?.message.text === 'At 9, sorry.');
    expect(h.fake.messagesInChat(bot.id, carol.id).filter((entry) => entry.fromBot)).toHaveLength(1);
    const [edited] = await events(master, 'ReplyEdited');
    expect(edited.data).toEqual(expect.objectContaining({ agent: expect.objectContaining({ agentId: ann.id, messageId: answerId }) }));
  });

  it('an internal note never reaches the customer, not even edited into words without //; an answer edited into a note is left as sent', async () => {
    const dave = h.fake.createUser({ firstName: 'Dave' });
    const { threadId, answerId, copy } = await answeredInTopic(dave, 'Is the blue one in stock?', ann, 'Let me check.');
    const note = h.fake.groups.sends(group, ben.id, '// warehouse says 3 left', { threadId });
    h.fake.groups.edits(group, ben.id, note.messageId, 'We have 3 left.');
    h.fake.groups.edits(group, ann.id, answerId, '// do not promise a date');
    // One bot's updates are handled in order: once this answer arrives, the edits before it were decided.
    h.fake.groups.sends(group, ann.id, 'Yes, three left.', { threadId });
    await customerGets(h, bot, dave, 'Yes, three left.');

    const seen = h.fake.messagesInChat(bot.id, dave.id).map((entry) => entry.message.text ?? '');
    expect(seen.filter((text) => /3 left|warehouse|promise/.test(text))).toEqual([]);
    expect(customerCopy(dave, copy)?.message.text).toBe('Let me check.');
  });

  it('/delete replying to an answer in the topic deletes the customer’s copy, says so there, and records who asked', async () => {
    const erin = h.fake.createUser({ firstName: 'Erin' });
    const { threadId, answerId, copy } = await answeredInTopic(erin, 'Can I pay by invoice?', ann, 'Yes, always.');

    h.fake.groups.sends(group, ben.id, '/delete', { threadId, replyToMessageId: answerId });

    await saidInTopic(threadId, 'Deleted for the customer.');
    expect(customerCopy(erin, copy)?.deleted).toBe(true);
    const [asked] = (await events(master, 'ReplyDeletionRequested')).filter((e) => e.data.masterMessageId === answerId);
    expect(asked.data).toEqual(expect.objectContaining({ agent: expect.objectContaining({ agentId: ben.id, threadId }) }));
  });

  it('/delete on anything but an answer, or replying to nothing, is told briefly in the topic and deletes nothing', async () => {
    const fay = h.fake.createUser({ firstName: 'Fay' });
    const { threadId, asked, copy } = await answeredInTopic(fay, 'Do you ship abroad?', ann, 'To the EU, yes.');

    h.fake.groups.sends(group, ann.id, '/delete', { threadId });
    await saidInTopic(threadId, 'reply /delete to that answer');
    h.fake.groups.sends(group, ann.id, '/delete', { threadId, replyToMessageId: asked.messageId });
    await saidInTopic(threadId, 'That message is not an answer to the customer');
    expect(customerCopy(fay, copy)?.deleted).toBe(false);
  });

  it('a delete Telegram refuses is told in the topic, recorded, and counted in /metrics', async () => {
    const gus = h.fake.createUser({ firstName: 'Gus' });
    const { threadId, answerId, copy } = await answeredInTopic(gus, 'Where is my parcel?', ann, 'It left today.');
    h.fake.failNext(bot.id, 'deleteMessage', { errorCode: 400, description: "Bad Request: message can't be deleted for everyone" });

    h.fake.groups.sends(group, ann.id, '/delete', { threadId, replyToMessageId: answerId });

    await saidInTopic(threadId, 'Telegram lets bots delete their messages for 48 hours only');
    expect(customerCopy(gus, copy)?.deleted).toBe(false);
    const failures = (await recorded('ReplyDeletionFailed')).filter((e) => e.data.customerId === gus.id);
    expect(failures.map((e) => e.data.reason)).toEqual(['telegram_cannot_delete']);
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/feedbackbots_sync_outcomes_total\{action="delete",outcome="telegram_cannot_delete"\} 1/);
    // The master's own chat is not bothered with what the agents were already told.
    expect(h.fake.sent(h.masterBot.id, master.id).some((s) => (s.text ?? '').includes('48 hours'))).toBe(false);
  });

  it('an agent’s reaction on a customer’s message in the topic shows on the customer’s original; a refused one is recorded', async () => {
    const hana = h.fake.createUser({ firstName: 'Hana' });
    const asked = await customerWritesToTopic(h, bot, group, hana, 'Do you have it in red?');
    const original = h.fake.messagesInChat(bot.id, hana.id).find((entry) => entry.message.text === 'Do you have it in red?')!;

    h.fake.groups.reactsInGroup(group, ann.id, asked.messageId, ['🔥']);

    await h.fake.waitFor(() => h.fake.reactions(bot.id, hana.id, original.messageId).includes('🔥'));
    const [reacted] = (await events(master, 'MasterReacted')).filter(
      (e) => (e.data.target as { customerId: number }).customerId === hana.id,
    );
    expect(reacted.data).toEqual(expect.objectContaining({ emoji: '🔥', agent: { agentId: ann.id, chatId: group } }));

    h.fake.failNext(bot.id, 'setMessageReaction', { errorCode: 400, description: 'Bad Request: message to react not found' });
    h.fake.groups.reactsInGroup(group, ben.id, asked.messageId, ['👍']);
    await eventually('the refused mirror is recorded', async () =>
      (await recorded('ReactionNotMirrored')).some((e) => e.data.customerId === hana.id && e.data.reason === 'message_not_found'),
    );
  });

  it('a customer’s edit edits their message’s copy in the topic, and the MasterBot chat hears nothing of it', async () => {
    const ivan = h.fake.createUser({ firstName: 'Ivan' });
    const sent = h.fake.userSends(bot.id, ivan.id, 'I ordered size M.');
    const copy = await botPostsInGroup(h, bot, group, (s) => s.text === 'I ordered size M.');
    const masterChatBefore = h.fake.sent(h.masterBot.id, master.id).length;

    h.fake.userEdits(bot.id, ivan.id, sent.messageId, 'I ordered size L.');

    await h.fake.waitFor(() => inGroup(copy.messageId)?.message.text === 'I ordered size L.');
    await eventually('the edit is recorded as shown in the topic', async () =>
      (await recorded('EditRelayed')).some(
        (e) => e.data.customerId === ivan.id && (e.data.inTopic as { copyEdited?: boolean } | undefined)?.copyEdited === true,
      ),
    );
    expect(h.fake.sent(h.masterBot.id, master.id)).toHaveLength(masterChatBefore);
  });

  it('/unban in the topic lifts a ban typed there, says so, and the customer’s messages come back to the topic', async () => {
    const jo = h.fake.createUser({ firstName: 'Jo', username: 'jo_r' });
    const threadId = (await customerWritesToTopic(h, bot, group, jo, 'HELLO???')).threadId!;
    h.fake.groups.sends(group, ben.id, '/ban', { threadId });
    await saidInTopic(threadId, 'Jo (@jo_r) is banned');

    h.fake.groups.sends(group, ann.id, '/unban', { threadId });

    await saidInTopic(threadId, 'Jo (@jo_r) is no longer banned');
    await masterBotSays(h, master, 'Jo (@jo_r) may write to @acme_sync_bot again');
    const back = await customerWritesToTopic(h, bot, group, jo, 'Sorry for shouting.');
    expect(back.threadId).toBe(threadId);
    const [unban] = (await recorded('CustomerUnbanned')).filter((e) => e.data.customerId === jo.id);
    expect(unban.data.topic).toEqual({ chatId: group, threadId, agentId: ann.id });
  });

  it('the card opening a customer’s topic shows their language, and /help in the group says what agents can do', async () => {
    const kai = h.fake.createUser({ firstName: 'Kai', languageCode: 'de' });
    h.fake.userSends(bot.id, kai.id, 'Hallo!');
    await botPostsInGroup(h, bot, group, (s) => (s.text ?? '').startsWith('👤 Kai') && (s.text ?? '').includes('🌐 language: de'));

    h.fake.groups.sends(group, ann.id, '/help');
    await botPostsInGroup(h, bot, group, (s) => (s.text ?? '').includes('reply /delete to an answer to delete it for the customer'));
  });

  it('another tenant’s bot in the same group edits, deletes and mirrors nothing, and says nothing there', async () => {
    const otto = await registeredMaster(h, 'Otto');
    const rival = await attachNewBot(h, otto, 'otto_rival_bot');
    h.fake.groups.addsBot(group, master.id, rival.id, TOPIC_RIGHTS);
    const lena = h.fake.createUser({ firstName: 'Lena' });
    const { threadId, asked, answerId, copy } = await answeredInTopic(lena, 'Is it waterproof?', ann, 'Up to 10 m.');
    const rivalCallsBefore = h.fake.calls.filter((c) => c.botId === rival.id).length;

    h.fake.groups.reactsInGroup(group, ben.id, asked.messageId, ['❤']);
    h.fake.groups.edits(group, ann.id, answerId, 'Up to 30 m.');
    h.fake.groups.sends(group, ben.id, '/delete', { threadId, replyToMessageId: answerId });

    await saidInTopic(threadId, 'Deleted for the customer.');
    expect(customerCopy(lena, copy)?.deleted).toBe(true);
    const rivalCalls = h.fake.calls.filter((c) => c.botId === rival.id).slice(rivalCallsBefore);
    expect(rivalCalls.filter((c) => c.method !== 'getUpdates')).toEqual([]);
    for (const type of ['ReplyEdited', 'ReplyDeletionRequested', 'MasterReacted', 'TopicCommandRefused']) {
      expect(await events(otto, type)).toEqual([]);
    }
    expect(await events(master, 'TopicCommandRefused')).toHaveLength(2); // the two refusals of the test above
  });
  it('a customer’s edit the group refuses (Telegram says the bot was kicked) reaches the MasterBot chat as a notice instead', async () => {
    const mia = h.fake.createUser({ firstName: 'Mia' });
    const sent = h.fake.userSends(bot.id, mia.id, 'Table for two at 7?');
    await botPostsInGroup(h, bot, group, (s) => s.text === 'Table for two at 7?');
    h.fake.failNext(bot.id, 'editMessageText', { errorCode: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });
    h.fake.failNext(bot.id, 'sendMessage', { errorCode: 403, description: 'Forbidden: bot was kicked from the supergroup chat' });

    h.fake.userEdits(bot.id, mia.id, sent.messageId, 'Table for three at 7?');

    await masterBotSays(h, master, 'Mia edited this message:\n\nTable for three at 7?');
  });
});
