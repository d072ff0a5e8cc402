import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster } from './support/master-steps';
import { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/**
 * M10 as a master lives it: /broadcast, pick the message, every customer of the bot gets it once, and
 * the MasterBot reports the counts. Each test has its own master and client bot.
 */
describe('broadcasts to every customer of a client bot', () => {
  let h: AppHarness;
  let bots = 0;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { BROADCAST_RATE_PER_SECOND: '30' } });
  });
  afterAll(async () => h.stop());

  async function proMasterWithBot(name: string): Promise<{ master: FakeUser; bot: CreatedBot }> {
    const master = await registeredMaster(h, name);
    h.fake.userSends(h.masterBot.id, master.id, '/subscribe');
    await masterBotSays(h, master, 'FeedbackBots Pro');
    h.fake.userPays(h.masterBot.id, master.id, `pro:${master.id}`);
    await masterBotSays(h, master, 'Pro is active until');
    return { master, bot: await attachNewBot(h, master, `shop${++bots}_bot`) };
  }

  it('a broadcast reaches every customer of the bot once and the master gets the counts', async () => {
    const { master, bot } = await proMasterWithBot('Ann');
    const customers = await customersWriteTo(h, master, bot, 5);

    await broadcast(h, master, bot, 'Summer sale: 20% off everything');
    await masterBotSays(h, master, `📣 Sending to 5 customers of @${bot.username}…`);
    await masterBotSays(h, master, `📣 Broadcast via @${bot.username} finished: 5 delivered, 0 blocked the bot, 0 failed`);
    for (const customer of customers) expect(copiesOf(h, bot, customer, 'Summer sale: 20% off everything')).toBe(1);
  });

  it('customers who blocked the bot are counted as blocked', async () => {
    const { master, bot } = await proMasterWithBot('Ben');
    const [known, ...others] = await customersWriteTo(h, master, bot, 4);
    // One blocks the bot and Telegram tells us (left out from now on); another blocked it unnoticed: 403.
    h.fake.userBlocksBot(bot.id, known.id);
    await h.fake.waitForWebhookIdle(bot.id);
    h.fake.failNext(bot.id, 'sendMessage', { errorCode: 403, description: 'Forbidden: bot was blocked by the user' });

    await broadcast(h, master, bot, 'First news');
    await masterBotSays(h, master, `📣 Sending to 3 customers of @${bot.username}…`);
    await masterBotSays(h, master, `📣 Broadcast via @${bot.username} finished: 2 delivered, 1 blocked the bot, 0 failed`);
    expect(copiesOf(h, bot, known, 'First news')).toBe(0);
    expect(others.filter((c) => copiesOf(h, bot, c, 'First news') === 1)).toHaveLength(2);

    // The 403 was recorded: the next broadcast leaves that customer out too.
    await broadcast(h, master, bot, 'Second news');
    await masterBotSays(h, master, `📣 Sending to 2 customers of @${bot.username}…`);
    await masterBotSays(h, master, `📣 Broadcast via @${bot.username} finished: 2 delivered, 0 blocked the bot, 0 failed`);
  });

  it('banned customers do not get broadcasts', async () => {
    const { master, bot } = await proMasterWithBot('Cid');
    const [spammer, ...others] = await customersWriteTo(h, master, bot, 3);
    const relayed = await masterBotSays(h, master, `message 1 from ${spammer.firstName}`);
    h.fake.userSends(h.masterBot.id, master.id, { text: '/ban', replyToMessageId: relayed.messageId });
    await masterBotSays(h, master, `${spammer.firstName} is banned from @${bot.username}`);

    await broadcast(h, master, bot, 'Only for the polite');
    await masterBotSays(h, master, `📣 Broadcast via @${bot.username} finished: 2 delivered, 0 blocked the bot, 0 failed`);
    expect(copiesOf(h, bot, spammer, 'Only for the polite')).toBe(0);
    for (const customer of others) expect(copiesOf(h, bot, customer, 'Only for the polite')).toBe(1);
  });

  it('a Free master is told broadcasts need Pro', async () => {
    const master = await registeredMaster(h, 'Dee');
    await attachNewBot(h, master, 'free_shop_bot');
    h.fake.userSends(h.masterBot.id, master.id, '/broadcast');
    await masterBotSays(h, master, 'Broadcasts are part of Pro');
  });

  it('a photo broadcast uploads the photo once', async () => {
    const { master, bot } = await proMasterWithBot('Eve');
    const customers = await customersWriteTo(h, master, bot, 4);

    h.fake.userSends(h.masterBot.id, master.id, '/broadcast');
    await masterBotSays(h, master, `every customer of @${bot.username}`);
    h.fake.userSends(h.masterBot.id, master.id, { photo: Buffer.from('a summer catalogue photo'), caption: 'New catalogue' });
    await masterBotSays(h, master, `📣 Broadcast via @${bot.username} finished: 4 delivered, 0 blocked the bot, 0 failed`);

    for (const customer of customers) {
      const photos = h.fake.sent(bot.id, customer.id).filter((s) => s.file?.kind === 'photo' && s.caption === 'New catalogue');
      expect(photos).toHaveLength(1);
    }
    const uploads = h.fake.calls.filter((c) => c.botId === bot.id && c.method === 'sendPhoto' && typeof c.params.photo === 'object');
    expect(uploads).toHaveLength(1);
  });
});

describe('a broadcast and a restart', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { BROADCAST_RATE_PER_SECOND: '2' } });
  });
  afterAll(async () => h.stop());

  it('a broadcast interrupted by a restart finishes without sending anyone the message twice', async () => {
    const master = await registeredMaster(h, 'Fay');
    h.fake.userSends(h.masterBot.id, master.id, '/subscribe');
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('FeedbackBots Pro'));
    h.fake.userPays(h.masterBot.id, master.id, `pro:${master.id}`);
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('Pro is active until'));
    const bot = await attachNewBot(h, master, 'slow_shop_bot');
    const customers = await customersWriteTo(h, master, bot, 8);

    await broadcast(h, master, bot, 'Closing down sale');
    await h.fake.waitFor(() => customers.some((c) => copiesOf(h, bot, c, 'Closing down sale') > 0));
    await h.shutdown();
    // The premise: the restart really comes midway (a graceful stop finishes only the batch in flight).
    expect(customers.filter((c) => copiesOf(h, bot, c, 'Closing down sale') > 0).length).toBeLessThan(customers.length);
    await h.boot();

    const report = await h.fake.waitForSent(
      (s) => s.chatId === master.id && (s.text ?? '').startsWith(`📣 Broadcast via @${bot.username} finished`),
      { timeoutMs: 20_000 },
    );
    for (const customer of customers) expect(copiesOf(h, bot, customer, 'Closing down sale')).toBeLessThanOrEqual(1);
    const counts = (report.text ?? '').match(/\d+/g)?.map(Number) ?? [];
    expect(counts.reduce((a, b) => a + b, 0)).toBe(customers.length);
    const got = customers.filter((c) => copiesOf(h, bot, c, 'Closing down sale') === 1).length;
    expect(report.text).toContain(`${got} delivered`);
    // A graceful shutdown finishes the batch in flight, so nobody is left unconfirmed.
    expect(got).toBe(customers.length);
  }, 40_000);
});

/** `n` customers each write once; returns once every message reached the master. */
async function customersWriteTo(h: AppHarness, master: FakeUser, bot: CreatedBot, n: number): Promise<FakeUser[]> {
  const customers = Array.from({ length: n }, (_, i) => h.fake.createUser({ firstName: `${bot.username.split('_')[0]}Customer${i + 1}` }));
  for (const [i, customer] of customers.entries()) h.fake.userSends(bot.id, customer.id, `message ${i + 1} from ${customer.firstName}`);
  await h.fake.waitFor(() =>
    customers.every((c, i) =>
      h.fake.sent(h.masterBot.id, master.id).some((s) => (s.text ?? '').includes(`message ${i + 1} from ${c.firstName}`)),
    ),
  );
  return customers;
}

async function broadcast(h: AppHarness, master: FakeUser, bot: CreatedBot, text: string): Promise<void> {
  h.fake.userSends(h.masterBot.id, master.id, '/broadcast');
  await h.fake.waitForSent(
    (s) => s.chatId === master.id && (s.text ?? '').includes(`every customer of @${bot.username}`) && s.at >= Date.now() - 5000,
  );
  h.fake.userSends(h.masterBot.id, master.id, text);
}

function copiesOf(h: AppHarness, bot: CreatedBot, customer: FakeUser, text: string): number {
  return h.fake.sent(bot.id, customer.id).filter((s) => s.text === text).length;
}
