import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { AppHarness } from './support/app-harness';
import { randomBytes } from 'node:crypto';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';
import { botPostsInGroup, linkedTeamGroup } from './support/team-group-steps';
import type { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/**
 * M14, the third inbox: the owner talks to their client bot directly. Customers' messages are relayed by the
 * client bot into the owner's own chat with it — a topic per customer when the bot has topics on, a header and
 * Reply otherwise — and the owner answers there.
 */
describe('the client bot’s own chat as its inbox, end to end', () => {
  let h: AppHarness;
  let maria: FakeUser;
  let topicsBot: CreatedBot;
  let replyBot: CreatedBot;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { FREE_BOT_LIMIT: '10' } });
    maria = await registeredMaster(h, 'Maria');
    topicsBot = await attachNewBot(h, maria, 'maria_topics_bot', { topicsInPrivateChats: true });
    replyBot = await attachNewBot(h, maria, 'maria_reply_bot');
  });
  afterAll(async () => h.stop());

  /** Resolves with the first message `bot` sent `user` whose text (or caption) contains `fragment`. */
  const botSays = (bot: CreatedBot, user: FakeUser, fragment: string): Promise<SentRecord> =>
    h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === user.id && (s.text ?? s.caption ?? '').includes(fragment));
  const customerGets = (bot: CreatedBot, customer: FakeUser, text: string) =>
    h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === text);
  /** The copy `sent` (a message the bot sent) as it now stands in the chat: edited, deleted. */
  const copyOf = (bot: CreatedBot, user: FakeUser, sent: SentRecord) =>
    h.fake.messagesInChat(bot.id, user.id).find((entry) => entry.messageId === sent.messageId);
  const masterBotTexts = () => h.fake.sent(h.masterBot.id, maria.id).map((s) => s.text ?? s.caption ?? '');
  const events = (stream: string) => h.app.get<EventStore>(EVENT_STORE).readStream(stream);
  /** The offer's button to press for `mode`, as the owner's app holds it. */
  const pressInbox = (bot: CreatedBot, where: CreatedBot, offer: SentRecord, word: 'master' | 'bot' | 'group') =>
    h.fake.userPressesButton(where.id, maria.id, offer.messageId, `inbox:${bot.id}:${word}`);

  describe('choosing where a bot’s messages arrive', () => {
    it('offers the three inboxes when the owner sends /start to their own bot, and never takes them for a customer', async () => {
      h.fake.userSends(replyBot.id, maria.id, '/start');
      const offer = await botSays(replyBot, maria, 'Hello, owner of @maria_reply_bot!');
      expect(offer.text).toContain('arrive in the MasterBot chat');
      expect(
        h.fake.sent(replyBot.id, maria.id).some((s) => s.text === 'Hello! Send us your message and we will answer here as soon as we can.'),
      ).toBe(false);
      h.fake.userSends(replyBot.id, maria.id, '/help');
      await h.fake.waitFor(() => h.fake.sent(replyBot.id, maria.id).filter((s) => (s.text ?? '').includes('Hello, owner of')).length === 2);
      h.fake.userSends(replyBot.id, maria.id, 'Is this thing on?');
      expect(masterBotTexts().some((t) => t.includes('Is this thing on?') || t.includes('Maria →'))).toBe(false);
      expect(await events(conversationStreamId(replyBot.id, maria.id))).toEqual([]);
    });

    it('offers them once on a plain message to the bot; after that only on /start, /help or /inbox', async () => {
      const chattyBot = await attachNewBot(h, maria, 'maria_chatty_bot');
      const offers = () => h.fake.sent(chattyBot.id, maria.id).filter((s) => (s.text ?? '').includes('Hello, owner of @maria_chatty_bot'));
      h.fake.userSends(chattyBot.id, maria.id, 'Hi bot');
      await botSays(chattyBot, maria, 'Hello, owner of @maria_chatty_bot!');
      h.fake.userSends(chattyBot.id, maria.id, 'Testing again');
      h.fake.userSends(chattyBot.id, maria.id, 'And again');
      // One bot's updates are handled in order: once /inbox is answered, the plain messages before it were decided.
      h.fake.userSends(chattyBot.id, maria.id, '/inbox');
      await h.fake.waitFor(() => offers().length === 2);
      const offered = (await events(masterStreamId(maria.id))).filter(
        (e) => e.type === 'InboxModeOffered' && e.data.botId === chattyBot.id,
      );
      expect(offered).toHaveLength(2);
      expect(offers()).toHaveLength(2);
    });

    it('switches the bot to its own chat from the buttons there', async () => {
      const [offer] = h.fake.sent(replyBot.id, maria.id).filter((s) => (s.text ?? '').includes('Hello, owner of'));
      pressInbox(replyBot, replyBot, offer, 'bot');
      await botSays(replyBot, maria, '✅ Messages customers send @maria_reply_bot now arrive in your own chat with @maria_reply_bot.');
      await botSays(replyBot, maria, '📥 This chat is now the inbox of this bot. Answer a customer with Reply on their message.');
    });

    it('/inbox in the MasterBot chat asks which bot, then switches it to its own chat', async () => {
      h.fake.userSends(topicsBot.id, maria.id, '/start');
      await botSays(topicsBot, maria, 'Hello, owner of @maria_topics_bot!');
      h.fake.userSends(h.masterBot.id, maria.id, '/inbox');
      const picker = await masterBotSays(h, maria, 'Which bot’s inbox do you want to see or change?');
      h.fake.userPressesButton(h.masterBot.id, maria.id, picker.messageId, `pick:inbox:${topicsBot.id}`);
      const offer = await masterBotSays(h, maria, 'Messages your customers send @maria_topics_bot arrive in the MasterBot chat.');
      pressInbox(topicsBot, h.masterBot, offer, 'bot');
      await masterBotSays(h, maria, '✅ Messages customers send @maria_topics_bot now arrive in your own chat with @maria_topics_bot.');
      await botSays(topicsBot, maria, '📥 This chat is now the inbox of this bot. Each customer gets a topic here');
    });

    it('refuses a team group that was never linked, saying how to link one', async () => {
      const [offer] = h.fake
        .sent(h.masterBot.id, maria.id)
        .filter((s) => (s.text ?? '').includes('Messages your customers send @maria_topics_bot'));
      pressInbox(topicsBot, h.masterBot, offer, 'group');
      await masterBotSays(h, maria, 'That bot has no team group yet. Make a group with Topics');
    });

    it('refuses a bot that is no longer the master’s (an old button)', async () => {
      const oldBot = await attachNewBot(h, maria, 'maria_old_bot');
      h.fake.userSends(h.masterBot.id, maria.id, '/inbox');
      const pickers = () => h.fake.sent(h.masterBot.id, maria.id).filter((s) => (s.text ?? '').includes('Which bot’s inbox'));
      await h.fake.waitFor(() => pickers().length === 2);
      h.fake.userPressesButton(h.masterBot.id, maria.id, pickers()[1].messageId, `pick:inbox:${oldBot.id}`);
      const offer = await masterBotSays(h, maria, 'Messages your customers send @maria_old_bot arrive');
      h.fake.userSends(h.masterBot.id, maria.id, '/remove');
      const which = await masterBotSays(h, maria, 'Which bot should I detach?');
      h.fake.userPressesButton(h.masterBot.id, maria.id, which.messageId, `pick:remove:${oldBot.id}`);
      await masterBotSays(h, maria, '@maria_old_bot is detached');
      pressInbox(oldBot, h.masterBot, offer, 'bot');
      await masterBotSays(h, maria, 'That bot is no longer attached to your account.');
      const chosen = (await events(masterStreamId(maria.id))).filter((e) => e.type === 'InboxModeChosen');
      expect(chosen.map((e) => e.data.botId)).not.toContain(oldBot.id);
    });

    it('/bots shows each bot’s inbox', async () => {
      h.fake.userSends(h.masterBot.id, maria.id, '/bots');
      const list = await masterBotSays(h, maria, 'Your client bots:');
      expect(list.text).toMatch(/@maria_topics_bot\n.*\n {3}📥 inbox: its own chat/);
      expect(list.text).toMatch(/@maria_reply_bot\n.*\n {3}📥 inbox: its own chat/);
    });
  });

  describe('with topics on: a topic per customer in the owner’s chat', () => {
    let carol: FakeUser;
    let dave: FakeUser;
    let carolCopy: SentRecord;
    let daveCopy: SentRecord;

    it('relays a customer’s message into their own topic, named after them, opened by a short card', async () => {
      carol = h.fake.createUser({ firstName: 'Carol', username: 'carol_k' });
      h.fake.userSends(topicsBot.id, carol.id, 'Where is my parcel?');
      carolCopy = await botSays(topicsBot, maria, 'Where is my parcel?');
      const [topic] = h.fake.privateTopics(topicsBot.id, maria.id);
      expect(topic.name).toBe('Carol (@carol_k)');
      expect(carolCopy.threadId).toBe(topic.threadId);
      const card = h.fake.sent(topicsBot.id, maria.id).find((s) => s.threadId === topic.threadId && (s.text ?? '').startsWith('👤'));
      expect(card?.text).toMatch(/^👤 Carol \(@carol_k\)\n🕒 first seen .+ UTC\n/);
      expect(masterBotTexts().some((t) => t.includes('Where is my parcel?'))).toBe(false);
    });

    it('delivers what the owner writes in the topic (no Reply needed) to that customer only; two customers stay apart', async () => {
      dave = h.fake.createUser({ firstName: 'Dave' });
      h.fake.userSends(topicsBot.id, dave.id, 'Can I change my order?');
      daveCopy = await botSays(topicsBot, maria, 'Can I change my order?');
      expect(daveCopy.threadId).not.toBe(carolCopy.threadId);
      h.fake.userSends(topicsBot.id, maria.id, { text: 'Your parcel leaves today.', threadId: carolCopy.threadId });
      h.fake.userSends(topicsBot.id, maria.id, { text: 'Yes, until Friday.', threadId: daveCopy.threadId });
      await customerGets(topicsBot, carol, 'Your parcel leaves today.');
      await customerGets(topicsBot, dave, 'Yes, until Friday.');
      const texts = (customer: FakeUser) => h.fake.sent(topicsBot.id, customer.id).map((s) => s.text);
      expect(texts(carol)).not.toContain('Yes, until Friday.');
      expect(texts(dave)).not.toContain('Your parcel leaves today.');
      expect(h.fake.privateTopics(topicsBot.id, maria.id).map((t) => t.name)).toEqual(['Carol (@carol_k)', 'Dave']);
    });

    it('records the owner as the one who answered, and keeps // notes in the chat', async () => {
      h.fake.userSends(topicsBot.id, maria.id, { text: '// refund approved', threadId: carolCopy.threadId });
      h.fake.userSends(topicsBot.id, maria.id, { text: 'We will refund the shipping.', threadId: carolCopy.threadId });
      await customerGets(topicsBot, carol, 'We will refund the shipping.');
      expect(h.fake.sent(topicsBot.id, carol.id).some((s) => (s.text ?? '').includes('refund approved'))).toBe(false);
      const sent = (await events(masterStreamId(maria.id))).filter((e) => e.type === 'ReplySent');
      expect(sent.map((e) => e.data.agent)).toEqual([
        expect.objectContaining({ ownChat: true, agentId: maria.id, chatId: maria.id, threadId: carolCopy.threadId }),
        expect.objectContaining({ ownChat: true, agentId: maria.id, threadId: daveCopy.threadId }),
        expect.objectContaining({ ownChat: true, agentId: maria.id, threadId: carolCopy.threadId }),
      ]);
    });

    it('edits the customer’s copy when the owner edits their answer in the topic', async () => {
      const written = h.fake.userSends(topicsBot.id, maria.id, { text: 'It ships on Monday.', threadId: carolCopy.threadId });
      const delivered = await customerGets(topicsBot, carol, 'It ships on Monday.');
      h.fake.userEdits(topicsBot.id, maria.id, written.messageId, 'It ships on Tuesday.');
      await h.fake.waitFor(() => copyOf(topicsBot, carol, delivered)?.message.text === 'It ships on Tuesday.');
      const [edited] = (await events(masterStreamId(maria.id))).filter((e) => e.type === 'ReplyEdited');
      expect(edited.data.agent).toEqual(expect.objectContaining({ ownChat: true, agentId: maria.id, messageId: written.messageId }));
    });

    it('deletes the customer’s copy with /delete replying to the owner’s answer, and says so in that chat', async () => {
      const written = h.fake.userSends(topicsBot.id, maria.id, { text: 'Use code SPRING.', threadId: carolCopy.threadId });
      const delivered = await customerGets(topicsBot, carol, 'Use code SPRING.');
      h.fake.userSends(topicsBot.id, maria.id, { text: '/delete', threadId: carolCopy.threadId, replyToMessageId: written.messageId });
      const said = await botSays(topicsBot, maria, '🗑 Deleted for the customer.');
      expect(said.replyToMessageId).toBe(written.messageId);
      expect(copyOf(topicsBot, carol, delivered)?.deleted).toBe(true);
      h.fake.userSends(topicsBot.id, maria.id, { text: '/delete', threadId: carolCopy.threadId });
      await botSays(topicsBot, maria, 'To delete an answer for the customer, reply /delete to your answer.');
      expect(masterBotTexts().some((t) => t.includes('Deleted for the customer') || t.includes('reply /delete'))).toBe(false);
    });

    it('mirrors the owner’s reaction on a customer’s message onto the customer’s original', async () => {
      const original = h.fake.messagesInChat(topicsBot.id, carol.id).find((entry) => entry.message.text === 'Where is my parcel?')!;
      h.fake.userReacts(topicsBot.id, maria.id, carolCopy.messageId, ['🔥']);
      await h.fake.waitFor(() => h.fake.reactions(topicsBot.id, carol.id, original.messageId).includes('🔥'));
      const [reacted] = (await events(masterStreamId(maria.id))).filter((e) => e.type === 'MasterReacted');
      expect(reacted.data.agent).toEqual({ agentId: maria.id, chatId: maria.id, ownChat: true });
    });

    it('shows a customer’s edit by editing their message’s copy in the topic; the MasterBot chat hears nothing', async () => {
      const sent = h.fake.userSends(topicsBot.id, carol.id, 'I need 2 boxes.');
      const copy = await botSays(topicsBot, maria, 'I need 2 boxes.');
      const masterChatBefore = masterBotTexts().length;
      h.fake.userEdits(topicsBot.id, carol.id, sent.messageId, 'I need 3 boxes.');
      await h.fake.waitFor(() => copyOf(topicsBot, maria, copy)?.message.text === 'I need 3 boxes.');
      expect(masterBotTexts()).toHaveLength(masterChatBefore);
    });

    it('sends the customer’s next messages into the same topic', async () => {
      h.fake.userSends(topicsBot.id, carol.id, 'Thank you!');
      const later = await botSays(topicsBot, maria, 'Thank you!');
      expect(later.threadId).toBe(carolCopy.threadId);
      expect(h.fake.privateTopics(topicsBot.id, maria.id)).toHaveLength(2);
    });

    it('opens the customer’s topic again when the owner deleted it, and loses no message', async () => {
      h.fake.userDeletesTopic(topicsBot.id, maria.id, carolCopy.threadId!);
      h.fake.userSends(topicsBot.id, carol.id, 'Still there?');
      const relayed = await botSays(topicsBot, maria, 'Still there?');
      const carolTopics = h.fake.privateTopics(topicsBot.id, maria.id).filter((t) => t.name === 'Carol (@carol_k)');
      expect(carolTopics.map((t) => t.deleted)).toEqual([true, false]);
      expect(relayed.threadId).toBe(carolTopics[1].threadId);
      h.fake.userSends(topicsBot.id, maria.id, { text: 'Yes, still here.', threadId: relayed.threadId });
      await customerGets(topicsBot, carol, 'Yes, still here.');
    });

    it('bans the customer with /ban typed in their topic: said there, and their next message is not relayed', async () => {
      h.fake.userSends(topicsBot.id, maria.id, { text: '/ban', threadId: daveCopy.threadId });
      const said = await botSays(topicsBot, maria, '🚫 Dave is banned from @maria_topics_bot');
      expect(said.threadId).toBe(daveCopy.threadId);
      expect(masterBotTexts().some((t) => t.includes('Dave is banned'))).toBe(false);
      h.fake.userSends(topicsBot.id, dave.id, 'Hello again?');
      h.fake.userSends(topicsBot.id, carol.id, 'One more question.');
      await botSays(topicsBot, maria, 'One more question.');
      expect(h.fake.sent(topicsBot.id, maria.id).some((s) => s.text === 'Hello again?')).toBe(false);
    });
  });

  describe('without topics: a header, and answers by Reply', () => {
    let erin: FakeUser;
    let copy: SentRecord;

    it('relays a customer’s message into the owner’s chat with a line saying who wrote', async () => {
      erin = h.fake.createUser({ firstName: 'Erin', username: 'erin_w' });
      h.fake.userSends(replyBot.id, erin.id, 'Do you ship abroad?');
      copy = await botSays(replyBot, maria, 'Do you ship abroad?');
      expect(copy.text).toBe('💬 Erin (@erin_w)\n\nDo you ship abroad?');
      expect(copy.threadId).toBeUndefined();
      expect(masterBotTexts().some((t) => t.includes('Do you ship abroad?'))).toBe(false);
    });

    it('delivers the owner’s Reply to that customer, and the owner’s edit of it edits the customer’s copy', async () => {
      const written = h.fake.userSends(replyBot.id, maria.id, { text: 'Yes, to all of Europe.', replyToMessageId: copy.messageId });
      const delivered = await customerGets(replyBot, erin, 'Yes, to all of Europe.');
      h.fake.userEdits(replyBot.id, maria.id, written.messageId, 'Yes, to all of Europe and the UK.');
      await h.fake.waitFor(() => copyOf(replyBot, erin, delivered)?.message.text === 'Yes, to all of Europe and the UK.');
    });

    it('shows a customer’s edit as a line replying to their message, which a Reply answers too', async () => {
      const sent = h.fake.userSends(replyBot.id, erin.id, 'Is Norway in Europe for you?');
      const asked = await botSays(replyBot, maria, 'Is Norway in Europe for you?');
      h.fake.userEdits(replyBot.id, erin.id, sent.messageId, 'Is Norway included?');
      const line = await botSays(replyBot, maria, 'Erin edited this message:');
      expect(line.text).toContain('Is Norway included?');
      expect(line.replyToMessageId).toBe(asked.messageId);
      expect(masterBotTexts().some((t) => t.includes('Is Norway'))).toBe(false);
      h.fake.userSends(replyBot.id, maria.id, { text: 'Yes, Norway too.', replyToMessageId: line.messageId });
      await customerGets(replyBot, erin, 'Yes, Norway too.');
    });

    it('bans the customer named by the 🚫 Ban button under their message, and says so in that chat', async () => {
      const data = (copy.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0][0];
      expect(data.text).toBe('🚫 Ban');
      h.fake.userPressesButton(replyBot.id, maria.id, copy.messageId, data.callback_data);
      await botSays(replyBot, maria, '🚫 Erin (@erin_w) is banned from @maria_reply_bot');
      expect(masterBotTexts().some((t) => t.includes('Erin (@erin_w) is banned'))).toBe(false);
    });

    it('says how to answer when the owner writes without Reply, and delivers nothing', async () => {
      h.fake.userSends(replyBot.id, maria.id, 'Hello everyone');
      await botSays(replyBot, maria, 'This chat is your bot’s inbox: to answer a customer, write in their topic or use Reply');
      expect(h.fake.sent(replyBot.id, erin.id).some((s) => s.text === 'Hello everyone')).toBe(false);
    });
  });

  it('relays a customer’s photo into the owner’s chat as a header and a copy, and the owner’s Reply to it reaches them', async () => {
    const hana = h.fake.createUser({ firstName: 'Hana' });
    const photo = Buffer.concat([Buffer.from('photo'), randomBytes(2048)]);
    h.fake.userSends(replyBot.id, hana.id, { photo, caption: 'It arrived broken' });
    const copy = await botSays(replyBot, maria, 'It arrived broken');
    expect(copy.method).toBe('copyMessage');
    expect(h.fake.fileBytes(copy.file!.fileId)).toEqual(photo);
    const header = h.fake.sent(replyBot.id, maria.id).find((s) => s.text === '💬 Hana' && s.messageId === copy.messageId - 1);
    expect(header).toBeDefined();
    h.fake.userSends(replyBot.id, maria.id, { text: 'Sorry! A new one is on its way.', replyToMessageId: copy.messageId });
    await customerGets(replyBot, hana, 'Sorry! A new one is on its way.');
  });

  it('sends the messages to the MasterBot chat, saying why, while the owner never started their bot', async () => {
    const quietBot = await attachNewBot(h, maria, 'maria_quiet_bot');
    h.fake.userSends(h.masterBot.id, maria.id, '/inbox');
    const pickers = () => h.fake.sent(h.masterBot.id, maria.id).filter((s) => (s.text ?? '').includes('Which bot’s inbox'));
    await h.fake.waitFor(() => pickers().length === 3);
    h.fake.userPressesButton(h.masterBot.id, maria.id, pickers()[2].messageId, `pick:inbox:${quietBot.id}`);
    const offer = await masterBotSays(h, maria, 'Messages your customers send @maria_quiet_bot arrive');
    pressInbox(quietBot, h.masterBot, offer, 'bot');
    await masterBotSays(h, maria, '⚠️ @maria_quiet_bot cannot write to you yet: open https://t.me/maria_quiet_bot and press Start');
    const ivan = h.fake.createUser({ firstName: 'Ivan' });
    const copy = await customerWrites(h, quietBot, ivan, maria, 'Anyone there?');
    expect(copy.text).toContain('⚠️ @maria_quiet_bot could not post this message into your chat with it');
    h.fake.userSends(h.masterBot.id, maria.id, { text: 'Yes, here.', replyToMessageId: copy.messageId });
    await customerGets(quietBot, ivan, 'Yes, here.');
  });

  it('switches a bot from its team group back to the MasterBot chat; an answer in an old topic still reaches its customer', async () => {
    const teamBot = await attachNewBot(h, maria, 'maria_team_bot');
    const agent = h.fake.createUser({ firstName: 'Ann' });
    const group = await linkedTeamGroup(h, maria, teamBot, 'Maria support', [agent]);
    const jo = h.fake.createUser({ firstName: 'Jo' });
    h.fake.userSends(teamBot.id, jo.id, 'Is my order late?');
    const inTopic = await botPostsInGroup(h, teamBot, group, (s) => s.text === 'Is my order late?');
    h.fake.userSends(h.masterBot.id, maria.id, '/inbox');
    const pickers = () => h.fake.sent(h.masterBot.id, maria.id).filter((s) => (s.text ?? '').includes('Which bot’s inbox'));
    await h.fake.waitFor(() => pickers().length === 4);
    h.fake.userPressesButton(h.masterBot.id, maria.id, pickers()[3].messageId, `pick:inbox:${teamBot.id}`);
    const offer = await masterBotSays(h, maria, 'Messages your customers send @maria_team_bot arrive in its team group');
    pressInbox(teamBot, h.masterBot, offer, 'master');
    await masterBotSays(h, maria, '✅ Messages customers send @maria_team_bot now arrive in the MasterBot chat.');
    h.fake.groups.sends(group, agent.id, 'It ships tomorrow.', { threadId: inTopic.threadId });
    await customerGets(teamBot, jo, 'It ships tomorrow.');
    await customerWrites(h, teamBot, jo, maria, 'Great, thanks.');
  });

  it('keeps replies to old messages working when a bot switches inbox, both ways', async () => {
    const shopBot = await attachNewBot(h, maria, 'maria_shop_bot');
    const fay = h.fake.createUser({ firstName: 'Fay' });
    const inMasterChat = await customerWrites(h, shopBot, fay, maria, 'Is the shop open on Sunday?');
    h.fake.userSends(shopBot.id, maria.id, '/start');
    const offer = await botSays(shopBot, maria, 'Hello, owner of @maria_shop_bot!');
    pressInbox(shopBot, shopBot, offer, 'bot');
    await botSays(shopBot, maria, '📥 This chat is now the inbox of this bot.');

    h.fake.userSends(h.masterBot.id, maria.id, { text: 'Yes, from 10 to 4.', replyToMessageId: inMasterChat.messageId });
    await customerGets(shopBot, fay, 'Yes, from 10 to 4.');
    h.fake.userSends(shopBot.id, fay.id, 'And on Monday?');
    const inOwnChat = await botSays(shopBot, maria, 'And on Monday?');

    const [later] = h.fake.sent(shopBot.id, maria.id).filter((s) => (s.text ?? '').includes('Hello, owner of'));
    pressInbox(shopBot, shopBot, later, 'master');
    await botSays(shopBot, maria, '✅ Messages customers send @maria_shop_bot now arrive in the MasterBot chat.');
    h.fake.userSends(shopBot.id, maria.id, { text: 'Monday too.', replyToMessageId: inOwnChat.messageId });
    await customerGets(shopBot, fay, 'Monday too.');
    await customerWrites(h, shopBot, fay, maria, 'Thanks!');
  });

  it('another master writing to this bot is a customer, never its owner; bots left in the MasterBot chat still work', async () => {
    const otto = await registeredMaster(h, 'Otto');
    const ottoBot = await attachNewBot(h, otto, 'otto_shop_bot');
    const gus = h.fake.createUser({ firstName: 'Gus' });
    const copy = await customerWrites(h, ottoBot, gus, otto, 'Do you sell gift cards?');
    h.fake.userSends(h.masterBot.id, otto.id, { text: 'Yes, from 10 euros.', replyToMessageId: copy.messageId });
    await customerGets(ottoBot, gus, 'Yes, from 10 euros.');

    h.fake.userSends(topicsBot.id, otto.id, '/start');
    await customerGets(topicsBot, otto, 'Hello! Send us your message and we will answer here as soon as we can.');
    h.fake.userSends(topicsBot.id, otto.id, 'I am a customer here.');
    const relayed = await botSays(topicsBot, maria, 'I am a customer here.');
    expect(h.fake.privateTopics(topicsBot.id, maria.id).find((t) => t.threadId === relayed.threadId)?.name).toBe('Otto');
    expect(h.fake.sent(topicsBot.id, otto.id).some((s) => (s.text ?? '').includes('Hello, owner of'))).toBe(false);
  });
});
