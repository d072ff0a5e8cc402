import { AppHarness } from './support/app-harness';
import { attachNewBot, masterBotSays, registeredMaster } from './support/master-steps';

/**
 * What a master types after a command — a /qr link parameter, a command the product does not have — is
 * typed content like any message: sealed in events, never in clear (the harness searches every event
 * and row for it), while the QR code, the announcement and the answer still show it to the master.
 */
describe('typed command arguments and unknown commands stay out of the history in clear', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start();
  }, 60_000);
  afterAll(async () => h?.stop());

  it('/qr summer-sale, a customer through that link, and /frobnicate work, and none of it is stored in clear', async () => {
    const master = await registeredMaster(h, 'Hedy');
    const bot = await attachNewBot(h, master, 'hedy_sale_bot');
    h.fake.userSends(h.masterBot.id, master.id, '/qr summer-sale');
    const qr = await h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && s.method === 'sendPhoto');
    expect(qr.caption).toBe('Scan to write to https://t.me/hedy_sale_bot?start=summer-sale');

    const customer = h.fake.createUser({ firstName: 'Ivo' });
    h.fake.userSends(bot.id, customer.id, '/start summer-sale');
    await masterBotSays(h, master, 'A new customer started @hedy_sale_bot through your link “summer-sale”');

    h.fake.userSends(h.masterBot.id, master.id, '/frobnicate');
    await masterBotSays(h, master, 'Unknown command');

    expect(await h.findPlaintextSecrets()).toEqual([]);
  });
});
