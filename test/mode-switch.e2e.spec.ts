import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/**
 * An operator switches a running installation between long polling and webhooks (sets or unsets
 * PUBLIC_URL, or moves it) and restarts: every client bot attached before keeps relaying.
 */
describe('switching between polling and webhooks', () => {
  let h: AppHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const webhookOf = (bot: CreatedBot, publicUrl: string) => `${publicUrl}/telegram/client/${bot.id}`;

  it('bots attached while polling get their webhook after a restart with PUBLIC_URL, and customers are relayed through it', async () => {
    const app = (h = await AppHarness.start({ mode: 'polling', env: { FREE_BOT_LIMIT: '10' } }));
    const master = await registeredMaster(app, 'Paula');
    const bots: CreatedBot[] = [];
    for (const name of ['paula_one_bot', 'paula_two_bot', 'paula_three_bot']) bots.push(await attachNewBot(app, master, name));
    for (const bot of bots) expect(app.fake.webhookInfo(bot.id).url).toBe('');

    // While the app is down, one token is revoked in @BotFather and Telegram fails once for another bot:
    // neither may keep the others from getting their webhook.
    await app.shutdown();
    app.fake.revokeToken(bots[2].token);
    app.fake.failNext(bots[1].id, 'setWebhook', { errorCode: 502, description: 'Bad Gateway' });
    await app.restartWith({ mode: 'webhook' });

    const customer = app.fake.createUser({ firstName: 'Quinn' });
    for (const bot of bots.slice(0, 2)) {
      const relayed = await customerWrites(app, bot, customer, master, `Hello via webhook to @${bot.username}`);
      expect(relayed.text).toContain('Quinn');
      expect(app.fake.webhookInfo(bot.id).url).toBe(webhookOf(bot, app.baseUrl));
    }
    await masterBotSays(app, master, 'no longer accepts @paula_three_bot’s token');
  });

  it('bots attached with webhooks are polled after a restart without PUBLIC_URL, even when deleting the webhook failed at first', async () => {
    const app = (h = await AppHarness.start({ mode: 'webhook' }));
    const master = await registeredMaster(app, 'Rita');
    const bot = await attachNewBot(app, master, 'rita_hooked_bot');
    expect(app.fake.webhookInfo(bot.id).url).toBe(webhookOf(bot, app.baseUrl));

    await app.shutdown();
    app.fake.failNext(bot.id, 'deleteWebhook', { errorCode: 502, description: 'Bad Gateway' });
    await app.restartWith({ mode: 'polling' });

    const customer = app.fake.createUser({ firstName: 'Sam' });
    await customerWrites(app, bot, customer, master, 'Still there after polling?');
    expect(app.fake.webhookInfo(bot.id).url).toBe('');
  });

  it('a restart with a different PUBLIC_URL moves every webhook to it', async () => {
    const app = (h = await AppHarness.start({ mode: 'webhook' }));
    const master: FakeUser = await registeredMaster(app, 'Tara');
    const bot = await attachNewBot(app, master, 'tara_moved_bot');

    const movedUrl = `http://127.0.0.2:${app.port}`; // another address of this machine
    await app.restartWith({ mode: 'webhook', env: { PUBLIC_URL: movedUrl } });

    expect(app.fake.webhookInfo(app.masterBot.id).url).toBe(`${movedUrl}/telegram/master`);
    await app.fake.waitFor(() => app.fake.webhookInfo(bot.id).url === webhookOf(bot, movedUrl));
    const customer = app.fake.createUser({ firstName: 'Uli' });
    await customerWrites(app, bot, customer, master, 'Reached the new address?');
  });
});
