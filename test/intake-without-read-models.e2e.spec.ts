import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';
import { createMysqlTestDb, MysqlTestDb } from './support/mysql-test-db';
import { projectionHeldBehind, readModelDatabaseComesBack, readModelDatabaseGoesDown } from './support/read-model-outage';
import { FakeUser } from './support/telegram-bot-api.fake';

/**
 * "Intake and replies never depend on the read-model database being up or caught up": customers' messages
 * are recorded and relayed, and masters' replies reach their customers, while the read-model database is
 * gone or a projection lags — with the tenant scoping of replies kept.
 */
describe('intake and replies without the read models (MySQL read models)', () => {
  let h: AppHarness;
  let db: MysqlTestDb;

  beforeAll(async () => {
    db = await createMysqlTestDb();
    h = await AppHarness.start({ databaseUrl: db.url, logLevels: [] });
  });
  afterAll(async () => {
    await h.stop();
    await db.drop();
  });

  /** The customer's chat with the client bot: what they were sent. */
  const customerGot = (botId: number, customer: FakeUser, text: string) =>
    h.fake.waitForSent((s) => s.botId === botId && s.chatId === customer.id && s.text === text, { timeoutMs: 15_000 });
  /** Waits until the message_refs read model has the relay (what a restart then starts from). */
  const relayIsInReadModel = async (masterChatId: number, relayedMessageId: number) => {
    const conn = await createConnection({ uri: db.url });
    try {
      for (;;) {
        const [rows] = await conn.query('SELECT 1 FROM message_refs WHERE master_chat_id = ? AND relayed_message_id = ?', [
          masterChatId,
          relayedMessageId,
        ]);
        if ((rows as unknown[]).length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await conn.end();
    }
  };
  const refusedAsNotARelay = (master: FakeUser) =>
    h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').includes('not a relayed customer message'));

  it('a customer’s message is recorded and relayed while the read-model database is down, also to a bot attached meanwhile', async () => {
    const master = await registeredMaster(h, 'Olga');
    await readModelDatabaseGoesDown(db);
    try {
      // Nothing about this bot was ever in the read models: only the event history knows it.
      const bot = await attachNewBot(h, master, 'olga_outage_bot');
      const customer = h.fake.createUser({ firstName: 'Pavel' });
      const asked = h.fake.userSends(bot.id, customer.id, 'Do you ship to Iceland?');
      await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith('Do you ship to Iceland?'), { timeoutMs: 15_000 });
      // Recorded at the first delivery: Telegram did not have to retry.
      expect(h.fake.deliveries.filter((d) => d.botId === bot.id && d.updateId === asked.updateId).map((d) => d.status)).toEqual([200]);
    } finally {
      await readModelDatabaseComesBack(db);
    }
  });

  it('a reply is delivered while the read-model database is down', async () => {
    const master = await registeredMaster(h, 'Rita');
    const bot = await attachNewBot(h, master, 'rita_outage_bot');
    const customer = h.fake.createUser({ firstName: 'Sven' });
    const relayed = await customerWrites(h, bot, customer, master, 'Is the shop open on Sunday?');
    await readModelDatabaseGoesDown(db);
    try {
      h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, from ten to four.', replyToMessageId: relayed.messageId });
      await customerGot(bot.id, customer, 'Yes, from ten to four.');
      expect(refusedAsNotARelay(master)).toEqual([]);
    } finally {
      await readModelDatabaseComesBack(db);
    }
  });

  it('a customer’s photo is relayed and a photo reply delivered while the read-model database is down', async () => {
    const master = await registeredMaster(h, 'Xenia');
    const bot = await attachNewBot(h, master, 'xenia_outage_bot');
    const customer = h.fake.createUser({ firstName: 'Yann' });
    await readModelDatabaseGoesDown(db);
    try {
      const photo = Buffer.concat([Buffer.from('broken mug'), randomBytes(2048)]);
      h.fake.userSends(bot.id, customer.id, { photo, caption: 'It arrived like this' });
      const relayed = await h.fake.waitForSent((s) => s.chatId === master.id && s.file !== undefined, { timeoutMs: 15_000 });
      expect(h.fake.fileBytes(relayed.file!.fileId)).toEqual(photo);
      const answer = Buffer.concat([Buffer.from('label'), randomBytes(2048)]);
      h.fake.userSends(h.masterBot.id, master.id, { photo: answer, caption: 'Print this label', replyToMessageId: relayed.messageId });
      const delivered = await h.fake.waitForSent(
        (s) => s.botId === bot.id && s.chatId === customer.id && s.caption === 'Print this label',
        {
          timeoutMs: 15_000,
        },
      );
      expect(h.fake.fileBytes(delivered.file!.fileId)).toEqual(answer);
    } finally {
      await readModelDatabaseComesBack(db);
    }
  });

  it('after a restart, with the read-model database down, a reply to a relay is delivered at once, and one to an edit notice is held, never refused, until the database is back', async () => {
    const master = await registeredMaster(h, 'Vera');
    const bot = await attachNewBot(h, master, 'vera_outage_bot');
    const customer = h.fake.createUser({ firstName: 'Walt' });
    const asked = h.fake.userSends(bot.id, customer.id, 'Where is my parcel?');
    const relayed = await masterBotSays(h, master, 'Where is my parcel?');
    h.fake.userEdits(bot.id, customer.id, asked.messageId, 'Where is my parcel? It is late.');
    const notice = await masterBotSays(h, master, 'edited this message');
    await relayIsInReadModel(master.id, notice.messageId);
    // After the restart only the read model knows these copies' message ids; then its database goes away for a while.
    await h.restartWith({});
    await readModelDatabaseGoesDown(db);
    let back = false;
    try {
      // The relay's buttons name its customer message: placed from the conversation's history, no read model needed.
      h.fake.userSends(h.masterBot.id, master.id, { text: 'It left the warehouse today.', replyToMessageId: relayed.messageId });
      await customerGot(bot.id, customer, 'It left the warehouse today.');
      // An edit notice carries no buttons: only its message id says what it answers.
      h.fake.userSends(h.masterBot.id, master.id, { text: 'It arrives tomorrow.', replyToMessageId: notice.messageId });
      // Telegram is told to try again later (5xx) rather than the master being told it is not a relay.
      await h.fake.waitFor((view) => view.deliveries.some((d) => d.botId === h.masterBot.id && d.status >= 500), { timeoutMs: 15_000 });
      expect(refusedAsNotARelay(master)).toEqual([]);
      await readModelDatabaseComesBack(db);
      back = true;
      await customerGot(bot.id, customer, 'It arrives tomorrow.');
      expect(refusedAsNotARelay(master)).toEqual([]);
    } finally {
      if (!back) await readModelDatabaseComesBack(db);
    }
  });

  describe('while message_refs lags behind', () => {
    let held: { release: () => Promise<void> } | undefined;
    afterEach(async () => {
      await held?.release();
      held = undefined;
    });

    it('a reply is delivered while message_refs lags behind', async () => {
      const master = await registeredMaster(h, 'Tara');
      const bot = await attachNewBot(h, master, 'tara_lagging_bot');
      const customer = h.fake.createUser({ firstName: 'Uwe' });
      held = await projectionHeldBehind(db, 'message_refs');
      const relayed = await customerWrites(h, bot, customer, master, 'Can I change my delivery address?');
      h.fake.userSends(h.masterBot.id, master.id, { text: 'Sure, send me the new one.', replyToMessageId: relayed.messageId });
      await customerGot(bot.id, customer, 'Sure, send me the new one.');
      expect(refusedAsNotARelay(master)).toEqual([]);
    });

    it('replying /ban to a relayed message bans that customer while message_refs lags behind', async () => {
      const master = await registeredMaster(h, 'Zoe');
      const bot = await attachNewBot(h, master, 'zoe_lagging_bot');
      const spammer = h.fake.createUser({ firstName: 'Spammy' });
      held = await projectionHeldBehind(db, 'message_refs');
      const relayed = await customerWrites(h, bot, spammer, master, 'CHEAP FOLLOWERS HERE');
      h.fake.userSends(h.masterBot.id, master.id, { text: '/ban', replyToMessageId: relayed.messageId });
      await masterBotSays(h, master, 'Spammy is banned from @zoe_lagging_bot');
    });

    it('a reply to another master’s relayed message id is still refused', async () => {
      const anna = await registeredMaster(h, 'Anna');
      const annasBot = await attachNewBot(h, anna, 'anna_lagging_bot');
      const boris = await registeredMaster(h, 'Boris');
      await attachNewBot(h, boris, 'boris_lagging_bot');
      const annasCustomer = h.fake.createUser({ firstName: 'Carl' });
      held = await projectionHeldBehind(db, 'message_refs');
      const toAnna = await customerWrites(h, annasBot, annasCustomer, anna, 'Question for Anna only');
      // Boris's own note has the id of Anna's relayed copy (message ids are per chat).
      const note = h.fake.userSends(h.masterBot.id, boris.id, 'a note to myself');
      await masterBotSays(h, boris, 'To answer a customer');
      expect(note.messageId).toBe(toAnna.messageId);

      h.fake.userSends(h.masterBot.id, boris.id, { text: 'Boris answers the wrong chat', replyToMessageId: note.messageId });
      await masterBotSays(h, boris, 'not a relayed customer message');
      expect(h.fake.sent(annasBot.id, annasCustomer.id)).toEqual([]);
    });
  });
});
