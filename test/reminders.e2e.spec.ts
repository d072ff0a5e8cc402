import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore, StreamReadOptions } from '../src/application/ports/event-store.port';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { READ_MODEL_DATA_SOURCE } from '../src/projections/projections.service';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import { HOUR, MINUTE, ManualClock } from './support/manual-clock';
import { createMysqlTestDb, MysqlTestDb } from './support/mysql-test-db';
import { projectionHeldBehind } from './support/read-model-outage';
import { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/**
 * M11 as a master lives it: a relayed message left unanswered for the hours they chose gets one
 * reminder, as a reply to it. Time is a ManualClock the scheduler reads; each test has its own master.
 */
describe('reminders of unanswered messages', () => {
  const clock = new ManualClock();
  let h: AppHarness;
  let bots = 0;

  beforeAll(async () => {
    h = await AppHarness.start({ clock, env: { SCHEDULER_INTERVAL_MS: '100' } });
  });
  afterAll(async () => h.stop());
  // Every test starts at the real time: its messages are relayed (and timestamped) now.
  beforeEach(() => h.setClock(clock, new Date()));

  const says = (master: FakeUser, match: (s: SentRecord) => boolean) =>
    h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && match(s));
  const saysText = (master: FakeUser, fragment: string) => says(master, (s) => (s.text ?? '').includes(fragment));
  const reminderOf = (relayed: SentRecord) => (s: SentRecord) =>
    s.replyToMessageId === relayed.messageId && (s.text ?? '').startsWith('⏰ This message');
  const remindersOf = (master: FakeUser, relayed: SentRecord) => h.fake.sent(h.masterBot.id, master.id).filter(reminderOf(relayed));

  /** A registered master with one client bot and a customer of it. */
  async function masterWithCustomer(name: string): Promise<{ master: FakeUser; bot: CreatedBot; customer: FakeUser }> {
    const master = await registeredMaster(h, name);
    const bot = await attachNewBot(h, master, `${name.toLowerCase()}_shop_${++bots}_bot`);
    return { master, bot, customer: h.fake.createUser({ firstName: 'Bob', username: 'bob' }) };
  }

  async function configure(master: FakeUser, argument: string, answer: string): Promise<void> {
    h.fake.userSends(h.masterBot.id, master.id, `/reminders ${argument}`);
    await saysText(master, answer);
  }

  it('a message left unanswered for the configured hours gets one reminder', async () => {
    const { master, bot, customer } = await masterWithCustomer('Ann');
    await configure(master, '2', "I'll remind you of messages unanswered for 2 hours");
    const relayed = await customerWrites(h, bot, customer, master, 'Where is my order?');

    clock.advance(2 * HOUR + MINUTE);
    const reminder = await says(master, reminderOf(relayed));
    expect(reminder.text).toBe('⏰ This message from Bob (@bob) has waited 2 hours for an answer. Reply to it to answer.');

    // Hours later, a second message gets its own reminder; the first still has exactly one.
    const later = await customerWrites(h, bot, customer, master, 'Hello? Anyone?');
    clock.advance(2 * HOUR + MINUTE);
    await says(master, reminderOf(later));
    expect(remindersOf(master, relayed)).toHaveLength(1);
  });

  it('a message relayed into the owner’s own chat with the bot is reminded of there, replying to it', async () => {
    const { master, bot, customer } = await masterWithCustomer('Dee');
    await configure(master, '2', 'unanswered for 2 hours');
    const inBotChat = (match: (s: SentRecord) => boolean) =>
      h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === master.id && match(s));
    h.fake.userSends(bot.id, master.id, '/start');
    const offer = await inBotChat((s) => (s.text ?? '').includes('Hello, owner of'));
    h.fake.userPressesButton(bot.id, master.id, offer.messageId, `inbox:${bot.id}:bot`);
    await inBotChat((s) => (s.text ?? '').startsWith('📥 This chat is now the inbox'));
    h.fake.userSends(bot.id, customer.id, 'Is it still for sale?');
    const relayed = await inBotChat((s) => (s.text ?? '').endsWith('Is it still for sale?'));

    clock.advance(2 * HOUR + MINUTE);
    const reminder = await inBotChat(reminderOf(relayed));
    expect(reminder.text).toBe('⏰ This message from Bob (@bob) has waited 2 hours for an answer. Reply to it to answer.');
    expect(h.fake.sent(h.masterBot.id, master.id).some((s) => (s.text ?? '').startsWith('⏰ This message'))).toBe(false);

    // The owner answers there, by Reply to the copy the reminder pointed at.
    h.fake.userSends(bot.id, master.id, { text: 'Yes, it is.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Yes, it is.');
  });

  it('an answered message gets no reminder', async () => {
    const { master, bot, customer } = await masterWithCustomer('Cal');
    await configure(master, '1', 'unanswered for 1 hour');
    const answered = await customerWrites(h, bot, customer, master, 'Do you open on Sundays?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, from 10.', replyToMessageId: answered.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Yes, from 10.');

    const unanswered = await customerWrites(h, bot, customer, master, 'And on holidays?');
    clock.advance(HOUR + MINUTE);
    await says(master, reminderOf(unanswered));
    expect(remindersOf(master, answered)).toEqual([]);
  });

  it('a reminder due while the app was down is sent after restart', async () => {
    const { master, bot, customer } = await masterWithCustomer('Dee');
    await configure(master, '1', 'unanswered for 1 hour');
    const relayed = await customerWrites(h, bot, customer, master, 'Is my refund done?');

    await h.shutdown();
    clock.advance(3 * HOUR + MINUTE);
    await h.boot();
    const reminder = await says(master, reminderOf(relayed));
    expect(reminder.text).toContain('has waited 3 hours');
  });

  it('/reminders off stops reminders', async () => {
    const { master, bot, customer } = await masterWithCustomer('Fay');
    await configure(master, '1', 'unanswered for 1 hour');
    const before = await customerWrites(h, bot, customer, master, 'Sent before off');
    await configure(master, 'off', 'Reminders are off');
    const during = await customerWrites(h, bot, customer, master, 'Sent while off');
    clock.advance(HOUR + MINUTE);

    // Turned on again, only a message relayed from then on is reminded of.
    await configure(master, '1', 'unanswered for 1 hour');
    const after = await customerWrites(h, bot, customer, master, 'Sent after on');
    clock.advance(HOUR + MINUTE);
    await says(master, reminderOf(after));
    expect(remindersOf(master, before)).toEqual([]);
    expect(remindersOf(master, during)).toEqual([]);
  });

  it('a reminder for a customer with a long conversation names them and reads only the message waited on', async () => {
    const { master, bot, customer } = await masterWithCustomer('Eve');
    await configure(master, '2', 'unanswered for 2 hours');
    for (let i = 1; i <= 12; i++) {
      const relayed = await customerWrites(h, bot, customer, master, `Message ${i}`);
      h.fake.userSends(h.masterBot.id, master.id, { text: `Answer ${i}`, replyToMessageId: relayed.messageId });
      await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === `Answer ${i}`);
    }
    const waiting = await customerWrites(h, bot, customer, master, 'And one more thing');
    const store = h.app.get<EventStore>(EVENT_STORE);
    const stream = conversationStreamId(bot.id, customer.id);
    const wholeReads: StreamReadOptions[] = [];
    const readStream = store.readStream.bind(store);
    const spy = jest.spyOn(store, 'readStream').mockImplementation((streamId, options) => {
      if (streamId === stream && (options?.fromRevision ?? 0) === 0 && options?.maxCount === undefined) wholeReads.push(options ?? {});
      return readStream(streamId, options);
    });
    try {
      clock.advance(2 * HOUR + MINUTE);
      const reminder = await says(master, reminderOf(waiting));
      expect(reminder.text).toBe('⏰ This message from Bob (@bob) has waited 2 hours for an answer. Reply to it to answer.');
    } finally {
      spy.mockRestore();
    }
    expect(wholeReads).toEqual([]);
  });

  it('/reminders with a bad number is refused', async () => {
    const { master } = await masterWithCustomer('Gus');
    await configure(master, 'soon', 'Usage: /reminders <hours>');
    h.fake.userSends(h.masterBot.id, master.id, '/reminders 500');
    await h.fake.waitFor(
      () => h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').startsWith('Usage: /reminders')).length === 2,
    );
    expect(h.fake.sent(h.masterBot.id, master.id).some((s) => (s.text ?? '').includes("I'll remind you"))).toBe(false);
  });
});

/** A ManualClock that counts its reads: only the scheduler reads it, once per tick. */
class CountedClock extends ManualClock {
  reads = 0;
  override now(): Date {
    this.reads++;
    return super.now();
  }
}

describe('reminders while the scheduled_jobs read model lags behind (MySQL read models)', () => {
  const clock = new CountedClock();
  let db: MysqlTestDb;
  let h: AppHarness;

  beforeAll(async () => {
    db = await createMysqlTestDb();
    h = await AppHarness.start({ clock, databaseUrl: db.url, env: { SCHEDULER_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await h?.stop();
    await db?.drop();
  });

  const says = (master: FakeUser, match: (s: SentRecord) => boolean) =>
    h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && match(s));
  const configure = async (master: FakeUser, argument: string, answer: string) => {
    h.fake.userSends(h.masterBot.id, master.id, `/reminders ${argument}`);
    await says(master, (s) => (s.text ?? '').includes(answer));
  };
  const reminderOf = (relayed: SentRecord) => (s: SentRecord) =>
    s.replyToMessageId === relayed.messageId && (s.text ?? '').startsWith('⏰ This message');
  const reminderJobs = async () =>
    (await h.app.get<DataSource>(READ_MODEL_DATA_SOURCE).query<unknown[]>("SELECT id FROM scheduled_jobs WHERE kind = 'reminder'")).length;
  /** Resolves once the scheduler has looked at the clock `ticks` more times (each tick reads it once). */
  const schedulerTicks = async (ticks: number) => {
    const until = clock.reads + ticks;
    for (const deadline = Date.now() + 20_000; clock.reads < until && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clock.reads).toBeGreaterThanOrEqual(until);
  };

  it('/reminders off stops a reminder that comes due before the read model has taken the "off" in', async () => {
    await h.setClock(clock, new Date());
    const master = await registeredMaster(h, 'Ivy');
    const bot = await attachNewBot(h, master, 'ivy_lagging_bot');
    const customer = h.fake.createUser({ firstName: 'Bob', username: 'bob' });
    await configure(master, '1', 'unanswered for 1 hour');
    const before = await customerWrites(h, bot, customer, master, 'Sent before off');
    for (const deadline = Date.now() + 10_000; (await reminderJobs()) === 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await reminderJobs()).toBe(1); // its reminder is scheduled; from now on the read model stands still

    const held = await projectionHeldBehind(db, 'scheduled_jobs');
    try {
      await configure(master, 'off', 'Reminders are off');
      clock.advance(HOUR + MINUTE); // the reminder is due by the read model, which has not seen the "off"
      await schedulerTicks(3);
    } finally {
      await held.release();
    }

    // Turned on again, a message relayed from then on is reminded of; the one relayed before "off" never is.
    await configure(master, '1', 'unanswered for 1 hour');
    const after = await customerWrites(h, bot, customer, master, 'Sent after on');
    clock.advance(HOUR + MINUTE);
    await says(master, reminderOf(after));
    expect(h.fake.sent(h.masterBot.id, master.id).filter(reminderOf(before))).toEqual([]);
  });
});
