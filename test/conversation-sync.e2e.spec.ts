import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AuditLog } from '../src/audit/audit-log';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster, relayButton } from './support/master-steps';
import { eventually } from './support/scripted-reactor';
import { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';
import { pngHeader } from './support/telegram-fake/fixtures';

/**
 * M13 in the MasterBot chat: what the master does to an answer after sending it (edit, /delete, react)
 * reaches the customer's copy, and the customer's reactions reach the master.
 */
describe('conversations stay in sync both ways', () => {
  let h: AppHarness;
  let store: EventStore;

  beforeAll(async () => {
    h = await AppHarness.start();
    store = h.app.get(EVENT_STORE);
  });
  afterAll(async () => h.stop());

  /** The types of the events recorded for this master and their customers, in order. */
  const recordedTypes = async (master: FakeUser) =>
    (await store.readAll({ maxCount: 100_000 })).filter((e) => e.data.masterId === master.id).map((e) => e.type);
  const customerChat = (bot: CreatedBot, customer: FakeUser) => h.fake.messagesInChat(bot.id, customer.id);

  /** A customer asks, the master answers by Reply; resolves with both ends of the answer once it was delivered. */
  async function answered(master: FakeUser, bot: CreatedBot, customer: FakeUser, question: string, answer: string) {
    const relayed = await customerWrites(h, bot, customer, master, question);
    const sent = h.fake.userSends(h.masterBot.id, master.id, { text: answer, replyToMessageId: relayed.messageId });
    const copy = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === answer);
    await eventually(
      'the answer is marked answered',
      async () => h.fake.reactions(h.masterBot.id, master.id, relayed.messageId).length > 0,
    );
    return { relayed, answerMessageId: sent.messageId, copy };
  }

  const copyText = (bot: CreatedBot, customer: FakeUser, copy: SentRecord) =>
    customerChat(bot, customer).find((entry) => entry.messageId === copy.messageId)?.message.text;

  describe('edited answers', () => {
    it("a master's edit of an answer edits the customer's copy", async () => {
      const master = await registeredMaster(h, 'Edda');
      const bot = await attachNewBot(h, master, 'edda_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Finn' });
      const { answerMessageId, copy } = await answered(master, bot, customer, 'When do you open?', 'At 8.');

      h.fake.userEdits(h.masterBot.id, master.id, answerMessageId, 'At 9, sorry.');

      await h.fake.waitFor(() => copyText(bot, customer, copy) === 'At 9, sorry.');
      expect(customerChat(bot, customer).filter((entry) => entry.fromBot)).toHaveLength(1);
      await eventually('the edit is recorded as delivered', async () => (await recordedTypes(master)).includes('ReplyEditDelivered'));
    });

    it('an edit made before the delivery landed still leaves the customer with the final text', async () => {
      const master = await registeredMaster(h, 'Gerd');
      const bot = await attachNewBot(h, master, 'gerd_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Hana' });
      const relayed = await customerWrites(h, bot, customer, master, 'Is it waterproof?');
      h.fake.failConnection(bot.id, 'sendMessage', 'hang');
      const answer = h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes', replyToMessageId: relayed.messageId });
      await h.fake.waitFor(() => h.fake.hangingCalls === 1);

      h.fake.userEdits(h.masterBot.id, master.id, answer.messageId, 'Yes, up to 10 m.');
      await eventually('the edit is recorded', async () => (await recordedTypes(master)).includes('ReplyEdited'));
      h.fake.releaseHung();

      const copy = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.method === 'sendMessage');
      await h.fake.waitFor(() => copyText(bot, customer, copy) === 'Yes, up to 10 m.');
    });

    it("editing the caption of a photo answer edits the caption of the customer's photo", async () => {
      const master = await registeredMaster(h, 'Bea');
      const bot = await attachNewBot(h, master, 'bea_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Carl' });
      const relayed = await customerWrites(h, bot, customer, master, 'What does the blue one look like?');
      const answer = h.fake.userSends(h.masterBot.id, master.id, {
        photo: pngHeader(64, 64),
        caption: 'Like this',
        replyToMessageId: relayed.messageId,
      });
      const copy = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.caption === 'Like this');

      h.fake.userEditsCaption(h.masterBot.id, master.id, answer.messageId, 'Like this, in navy blue');

      await h.fake.waitFor(
        () =>
          customerChat(bot, customer).find((entry) => entry.messageId === copy.messageId)?.message.caption === 'Like this, in navy blue',
      );
      await h.fake.waitForCall('editMessageCaption', (c) => c.botId === bot.id);
    });

    it('an answer sent with the ✍ Reply button is edited for the customer too', async () => {
      const master = await registeredMaster(h, 'Dora');
      const bot = await attachNewBot(h, master, 'dora_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Emil' });
      const relayed = await customerWrites(h, bot, customer, master, 'Do you repair bikes?');
      h.fake.userPressesButton(h.masterBot.id, master.id, relayed.messageId, relayButton(relayed, '✍ Reply'));
      await masterBotSays(h, master, 'Send your answer now');
      const answer = h.fake.userSends(h.masterBot.id, master.id, 'We do.');
      const copy = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'We do.');

      h.fake.userEdits(h.masterBot.id, master.id, answer.messageId, 'We do, on Mondays.');

      await h.fake.waitFor(() => copyText(bot, customer, copy) === 'We do, on Mondays.');
    });

    it('Telegram answering "message is not modified" (an edit repeated after a crash) counts as done, and is not told', async () => {
      const master = await registeredMaster(h, 'Fritz');
      const bot = await attachNewBot(h, master, 'fritz_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Gina' });
      const { answerMessageId } = await answered(master, bot, customer, 'Card or cash?', 'Both.');
      const notModified = 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same';
      h.fake.failNext(bot.id, 'editMessageText', { errorCode: 400, description: notModified });

      h.fake.userEdits(h.masterBot.id, master.id, answerMessageId, 'Both work.');

      await eventually('the edit is recorded as delivered', async () => (await recordedTypes(master)).includes('ReplyEditDelivered'));
      expect(await recordedTypes(master)).not.toContain('ReplyEditFailed');
    });

    it('a refused edit is told to the master', async () => {
      const master = await registeredMaster(h, 'Hugo');
      const bot = await attachNewBot(h, master, 'hugo_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Iris' });
      const { answerMessageId } = await answered(master, bot, customer, 'Open late?', 'Until 8.');
      h.fake.failNext(bot.id, 'editMessageText', { errorCode: 400, description: 'Bad Request: message to edit not found' });

      h.fake.userEdits(h.masterBot.id, master.id, answerMessageId, 'Until 9.');

      await masterBotSays(h, master, 'Your edit did not reach the customer: Telegram refused it (telegram_400)');
    });

    it('editing a message that is not an answer changes nothing and says nothing', async () => {
      const master = await registeredMaster(h, 'Ilse');
      const bot = await attachNewBot(h, master, 'ilse_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Jon' });
      await answered(master, bot, customer, 'Any news?', 'Not yet.');
      const note = h.fake.userSends(h.masterBot.id, master.id, '/bots');
      await masterBotSays(h, master, 'Your client bots');
      const before = h.fake.sent(h.masterBot.id, master.id).length;

      const edit = h.fake.userEdits(h.masterBot.id, master.id, note.messageId, '/bots please');
      await h.fake.waitFor(() => h.fake.deliveries.some((d) => d.updateId === edit.updateId && d.status === 200));

      expect(await recordedTypes(master)).not.toContain('ReplyEdited');
      expect(h.fake.calls.filter((c) => c.botId === bot.id && c.method === 'editMessageText')).toHaveLength(0);
      expect(h.fake.sent(h.masterBot.id, master.id)).toHaveLength(before);
    });

    it('editing an answer that never reached the customer tells the master so', async () => {
      const master = await registeredMaster(h, 'Karl');
      const bot = await attachNewBot(h, master, 'karl_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Lena' });
      const relayed = await customerWrites(h, bot, customer, master, 'Can I pay later?');
      h.fake.userBlocksBot(bot.id, customer.id);
      const answer = h.fake.userSends(h.masterBot.id, master.id, { text: 'Sure.', replyToMessageId: relayed.messageId });
      await masterBotSays(h, master, 'the customer has blocked the bot');

      h.fake.userEdits(h.masterBot.id, master.id, answer.messageId, 'Sure, within 30 days.');

      await masterBotSays(h, master, 'That answer never reached the customer');
      expect(await recordedTypes(master)).not.toContain('ReplyEdited');
    });
  });

  describe('/delete', () => {
    const deleted = (bot: CreatedBot, customer: FakeUser, copy: SentRecord) =>
      customerChat(bot, customer).find((entry) => entry.messageId === copy.messageId)?.deleted;

    it("/delete replying to an answer deletes the customer's copy, and the master hears it is done", async () => {
      const master = await registeredMaster(h, 'Mara');
      const bot = await attachNewBot(h, master, 'mara_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Nils' });
      const { answerMessageId, copy } = await answered(master, bot, customer, 'Price of the red one?', '12 EUR (wrong customer!)');

      h.fake.userSends(h.masterBot.id, master.id, { text: '/delete', replyToMessageId: answerMessageId });

      const done = await masterBotSays(h, master, 'Deleted for the customer');
      expect(done.replyToMessageId).toBe(answerMessageId);
      expect(deleted(bot, customer, copy)).toBe(true);
      expect(await recordedTypes(master)).toEqual(expect.arrayContaining(['ReplyDeletionRequested', 'ReplyDeleted']));
    });

    it("Telegram's 48-hour limit is told to the master plainly, and the copy stays", async () => {
      const master = await registeredMaster(h, 'Olga');
      const bot = await attachNewBot(h, master, 'olga_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Piet' });
      const { answerMessageId, copy } = await answered(master, bot, customer, 'Still open?', 'Yes.');
      h.fake.failNext(bot.id, 'deleteMessage', { errorCode: 400, description: "Bad Request: message can't be deleted" });

      h.fake.userSends(h.masterBot.id, master.id, { text: '/delete', replyToMessageId: answerMessageId });

      await masterBotSays(h, master, 'bots can only delete messages sent less than 48 hours ago');
      expect(deleted(bot, customer, copy)).toBe(false);
    });

    it('/delete on nothing, or on a message that is not an answer, says how to use it', async () => {
      const master = await registeredMaster(h, 'Quirin');
      const bot = await attachNewBot(h, master, 'quirin_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Rita' });
      const { relayed } = await answered(master, bot, customer, 'Hello?', 'Hi!');

      h.fake.userSends(h.masterBot.id, master.id, '/delete');
      await masterBotSays(h, master, 'reply /delete to your answer');
      h.fake.userSends(h.masterBot.id, master.id, { text: '/delete', replyToMessageId: relayed.messageId });
      await masterBotSays(h, master, 'not one of your answers');
      expect(h.fake.calls.filter((c) => c.botId === bot.id && c.method === 'deleteMessage')).toHaveLength(0);
    });

    it('/delete and edits through a bot detached since are refused in their own words', async () => {
      const master = await registeredMaster(h, 'Tilda');
      const bot = await attachNewBot(h, master, 'tilda_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Ugo' });
      const { answerMessageId } = await answered(master, bot, customer, 'Still selling?', 'Yes!');
      h.fake.userSends(h.masterBot.id, master.id, '/remove');
      await masterBotSays(h, master, '@tilda_shop_bot is detached');

      h.fake.userEdits(h.masterBot.id, master.id, answerMessageId, 'No longer, sorry.');
      await masterBotSays(h, master, 'Your edit did not reach the customer: that bot is no longer attached');
      h.fake.userSends(h.masterBot.id, master.id, { text: '/delete', replyToMessageId: answerMessageId });
      await masterBotSays(h, master, 'The customer’s copy was not deleted: that bot is no longer attached');
      expect(h.fake.calls.filter((c) => c.botId === bot.id && ['editMessageText', 'deleteMessage'].includes(c.method))).toHaveLength(0);
    });

    it('/help says that deleting your own message does not delete the customer’s copy, and the menu offers /delete', async () => {
      const master = await registeredMaster(h, 'Sven');
      h.fake.userSends(h.masterBot.id, master.id, '/help');
      const help = await masterBotSays(h, master, '/delete');
      expect(help.text).toContain('Deleting your own message in this chat does not delete theirs');
      expect(h.fake.commands(h.masterBot.id).map((c) => c.command)).toContain('delete');
    });
  });

  describe('reactions, mirrored both ways', () => {
    it("a customer's reaction to an answer appears on the master's answer, and taking it back takes it away", async () => {
      const master = await registeredMaster(h, 'Tess');
      const bot = await attachNewBot(h, master, 'tess_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Udo' });
      const { answerMessageId, copy } = await answered(master, bot, customer, 'Gift wrapping?', 'Free of charge.');

      // Telegram sends reactions only to bots that ask for them.
      expect(h.fake.webhookInfo(bot.id).allowedUpdates).toContain('message_reaction');
      expect(h.fake.webhookInfo(h.masterBot.id).allowedUpdates).toContain('message_reaction');
      h.fake.userReacts(bot.id, customer.id, copy.messageId, ['❤️']);
      await h.fake.waitFor(() => h.fake.reactions(h.masterBot.id, master.id, answerMessageId).includes('❤'));

      h.fake.userReacts(bot.id, customer.id, copy.messageId, []);
      await h.fake.waitFor(() => h.fake.reactions(h.masterBot.id, master.id, answerMessageId).length === 0);
    });

    it("the master's reaction to a relayed message appears on the customer's original, and the 👍 marker stays", async () => {
      const master = await registeredMaster(h, 'Vera');
      const bot = await attachNewBot(h, master, 'vera_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Wim' });
      const asked = h.fake.userSends(bot.id, customer.id, 'Thanks for the quick help!');
      const relayed = await masterBotSays(h, master, 'Thanks for the quick help!');
      h.fake.userSends(h.masterBot.id, master.id, { text: 'You are welcome.', replyToMessageId: relayed.messageId });
      await h.fake.waitFor(() => h.fake.reactions(h.masterBot.id, master.id, relayed.messageId).includes('👍'));

      h.fake.userReacts(h.masterBot.id, master.id, relayed.messageId, ['🔥']);

      await h.fake.waitFor(() => h.fake.reactions(bot.id, customer.id, asked.messageId).includes('🔥'));
      expect(h.fake.reactions(h.masterBot.id, master.id, relayed.messageId)).toEqual(['👍']);
    });

    it("a customer's reaction to anything but an answer, and the master's to anything but a relayed message, are not mirrored", async () => {
      const master = await registeredMaster(h, 'Xaver');
      const bot = await attachNewBot(h, master, 'xaver_shop_bot');
      const customer = h.fake.createUser({ firstName: 'Yara' });
      h.fake.userSends(bot.id, customer.id, '/start');
      const greeting = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id);
      const { answerMessageId } = await answered(master, bot, customer, 'Open on Sunday?', 'No.');

      const onGreeting = h.fake.userReacts(bot.id, customer.id, greeting.messageId, ['👍']);
      const onOwnAnswer = h.fake.userReacts(h.masterBot.id, master.id, answerMessageId, ['👍']);
      await h.fake.waitFor(() =>
        [onGreeting, onOwnAnswer].every((r) => h.fake.deliveries.some((d) => d.updateId === r.updateId && d.status === 200)),
      );

      expect(await recordedTypes(master)).not.toContain('CustomerReacted');
      expect(await recordedTypes(master)).not.toContain('MasterReacted');
      expect(h.fake.calls.filter((c) => c.method === 'setMessageReaction' && c.botId === bot.id)).toHaveLength(0);
    });
  });

  it('the audit timeline shows edits, deletions and reactions, never their content', async () => {
    const master = await registeredMaster(h, 'Zoe');
    const bot = await attachNewBot(h, master, 'zoe_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Anton' });
    const { relayed, answerMessageId, copy } = await answered(master, bot, customer, 'Size M left?', 'One left.');
    h.fake.userEdits(h.masterBot.id, master.id, answerMessageId, 'Two left, actually.');
    h.fake.userReacts(bot.id, customer.id, copy.messageId, ['👍']);
    h.fake.userReacts(h.masterBot.id, master.id, relayed.messageId, ['❤️']);
    h.fake.userSends(h.masterBot.id, master.id, { text: '/delete', replyToMessageId: answerMessageId });
    await masterBotSays(h, master, 'Deleted for the customer');

    const audit = new AuditLog(store);
    const wanted = ['ReplyEdited', 'ReplyEditDelivered', 'CustomerReacted', 'MasterReacted', 'ReplyDeletionRequested', 'ReplyDeleted'];
    await eventually('the timeline shows all of it', async () => {
      const types = (await audit.timeline(master.id, { limit: 500 })).entries.map((e) => e.type);
      return wanted.every((type) => types.includes(type));
    });
    const { entries } = await audit.timeline(master.id, { limit: 500 });
    expect(entries.find((e) => e.type === 'ReplyEdited')?.data.content).toBe('[sealed]');
    expect(JSON.stringify(entries)).not.toContain('Two left, actually.');
  });
});
