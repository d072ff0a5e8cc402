import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';

/**
 * How the relay lives through Telegram failing it: long 429 streaks, resets after the message was sent,
 * calls that hang. The timeout is short here (TELEGRAM_TIMEOUT_MS) so a hang ends within the test.
 */
describe('outbound calls when Telegram misbehaves', () => {
  let h: AppHarness;
  let store: EventStore;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { TELEGRAM_TIMEOUT_MS: '1000', TELEGRAM_PACING: 'on' } });
    store = h.app.get(EVENT_STORE);
  });
  afterAll(async () => h.stop());

  const relayedTexts = (masterId: number, texts: string[]) =>
    h.fake
      .sent(h.masterBot.id, masterId)
      .map((s) => texts.find((t) => (s.text ?? '').endsWith(t)))
      .filter((t) => t !== undefined);
  const recorded = async (type: string) => (await store.readAll({ maxCount: 10_000 })).filter((e) => e.type === type);

  it('a 429 lasting longer than five waits loses nothing: the message arrives once Telegram recovers, in order', async () => {
    const master = await registeredMaster(h, 'Rita');
    const bot = await attachNewBot(h, master, 'rita_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Sam' });
    h.fake.failNext(h.masterBot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }, 7);
    const texts = ['first, during the 429s', 'second, queued behind it', 'third, queued too'];
    for (const text of texts) h.fake.userSends(bot.id, customer.id, text);
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith(texts[2]), { timeoutMs: 20_000 });
    expect(relayedTexts(master.id, texts)).toEqual(texts);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 429)).toHaveLength(7);
    expect(await recorded('RelayFailed')).toHaveLength(0);
  });

  it('a reset after Telegram sent the message gives at most one extra copy, and the relay goes on', async () => {
    const master = await registeredMaster(h, 'Tina');
    const bot = await attachNewBot(h, master, 'tina_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Uwe' });
    h.fake.failConnection(h.masterBot.id, 'sendMessage', 'reset_after', 2);
    h.fake.userSends(bot.id, customer.id, 'sent through a flaky line');
    await h.fake.waitFor(() => relayedTexts(master.id, ['sent through a flaky line']).length === 2);
    // The relay lane keeps its order: once the next message is there, the flaky one is settled for good.
    await customerWrites(h, bot, customer, master, 'and the next one');
    expect(relayedTexts(master.id, ['sent through a flaky line', 'and the next one'])).toEqual([
      'sent through a flaky line',
      'sent through a flaky line',
      'and the next one',
    ]);
    const failed = await recorded('RelayFailed');
    expect(failed.map((e) => e.data.reason)).toEqual(['possibly_sent']);
  });

  it('a reply whose connection resets after sending reaches the customer at most twice, and the master is told', async () => {
    const master = await registeredMaster(h, 'Vera');
    const bot = await attachNewBot(h, master, 'vera_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Walt' });
    const relayed = await customerWrites(h, bot, customer, master, 'will my answer come?');
    h.fake.failConnection(bot.id, 'sendMessage', 'reset_after', 2);
    h.fake.userSends(h.masterBot.id, master.id, { text: 'It may come twice', replyToMessageId: relayed.messageId });
    await masterBotSays(h, master, 'may not have reached the customer');
    expect(h.fake.sent(bot.id, customer.id).filter((s) => s.text === 'It may come twice')).toHaveLength(2);
  });

  it('a hung call times out and is retried: the message arrives once', async () => {
    const master = await registeredMaster(h, 'Xena');
    const bot = await attachNewBot(h, master, 'xena_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Yuri' });
    h.fake.failConnection(h.masterBot.id, 'sendMessage', 'hang');
    await customerWrites(h, bot, customer, master, 'Telegram hung on this one');
    expect(relayedTexts(master.id, ['Telegram hung on this one'])).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage' && c.description === 'hung until the client gave up')).toHaveLength(1);
  });

  it('the app shuts down promptly while a call waits out a long 429, and relays the message after a restart', async () => {
    const master = await registeredMaster(h, 'Zoe');
    const bot = await attachNewBot(h, master, 'zoe_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Abe' });
    h.fake.failNext(h.masterBot.id, 'sendMessage', {
      errorCode: 429,
      description: 'Too Many Requests: retry after 3600',
      retryAfter: 3600,
    });
    h.fake.userSends(bot.id, customer.id, 'waiting out an hour');
    await h.fake.waitForCall('sendMessage', (c) => c.status === 429 && String(c.params.text).endsWith('waiting out an hour'));
    await h.shutdown(); // resolves although Telegram asked for an hour (the test's own timeout is far shorter)
    await h.boot();
    store = h.app.get(EVENT_STORE);
    await masterBotSays(h, master, 'waiting out an hour');
    expect(relayedTexts(master.id, ['waiting out an hour'])).toHaveLength(1);
  });
});
