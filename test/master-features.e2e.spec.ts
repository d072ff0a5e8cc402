import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster, relayButton } from './support/master-steps';
import { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('what a master does besides answering: bans, lists, QR codes, greetings, help', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { FREE_BOT_LIMIT: '3', FLOOD_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => h.stop());

  const masterBotMessages = (master: FakeUser) => h.fake.sent(h.masterBot.id, master.id);

  it('/help lists every command', async () => {
    const master = await registeredMaster(h, 'Hana');
    h.fake.userSends(h.masterBot.id, master.id, '/help');
    const help = await masterBotSays(h, master, 'reply /ban');
    for (const command of [
      '/add',
      '/bots',
      '/remove',
      '/greeting',
      '/qr',
      '/banned',
      '/broadcast',
      '/reminders',
      '/subscribe',
      '/cancel',
    ]) {
      expect(help.text).toContain(command);
    }
  });

  it('an attached client bot gets its customers’ command menu', async () => {
    const master = await registeredMaster(h, 'Ines');
    const bot = await attachNewBot(h, master, 'ines_menu_bot');
    await h.fake.waitFor(() => h.fake.commands(bot.id).length > 0);
    expect(h.fake.commands(bot.id).map((c) => c.command)).toEqual(['start']);
  });

  describe('bans', () => {
    let master: FakeUser;
    let bot: CreatedBot;
    let spammer: FakeUser;

    beforeAll(async () => {
      master = await registeredMaster(h, 'Bea');
      bot = await attachNewBot(h, master, 'bea_shop_bot');
      spammer = h.fake.createUser({ firstName: 'Spam', lastName: 'King', username: 'spamking' });
    });

    it('replying /ban to a relayed message bans that customer, and their messages are no longer relayed', async () => {
      const relayed = await customerWrites(h, bot, spammer, master, 'BUY CHEAP FOLLOWERS');
      h.fake.userSends(h.masterBot.id, master.id, { text: '/ban', replyToMessageId: relayed.messageId });
      await masterBotSays(h, master, 'Spam King (@spamking) is banned from @bea_shop_bot');

      h.fake.userSends(bot.id, spammer.id, 'ARE YOU THERE');
      // Relays to one master go out in order: once a later message arrives, the banned one would have too.
      await customerWrites(h, bot, h.fake.createUser({ firstName: 'Olga' }), master, 'a later, welcome message');
      expect(masterBotMessages(master).some((s) => (s.text ?? '').includes('ARE YOU THERE'))).toBe(false);
      const store = h.app.get<EventStore>(EVENT_STORE);
      const types = (await store.readStream(`conversation-${bot.id}-${spammer.id}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'MessageDropped')).toHaveLength(1);
    });

    it('/banned lists banned customers with an unban button that lifts the ban', async () => {
      h.fake.userSends(h.masterBot.id, master.id, '/banned');
      const list = await masterBotSays(h, master, 'Banned customers (1)');
      h.fake.userPressesButton(h.masterBot.id, master.id, list.messageId, `unban:${bot.id}:${spammer.id}`);
      await masterBotSays(h, master, 'Spam King (@spamking) may write to @bea_shop_bot again');
      await h.fake.waitForCall('answerCallbackQuery');
      await customerWrites(h, bot, spammer, master, 'sorry, I will behave');
      h.fake.userSends(h.masterBot.id, master.id, '/banned');
      await masterBotSays(h, master, 'Nobody is banned');
    });

    it('the 🚫 Ban button under a relayed message bans its customer', async () => {
      const rude = h.fake.createUser({ firstName: 'Rude' });
      const relayed = await customerWrites(h, bot, rude, master, 'you are all idiots');
      h.fake.userPressesButton(h.masterBot.id, master.id, relayed.messageId, relayButton(relayed, '🚫 Ban'));
      await masterBotSays(h, master, 'Rude is banned from @bea_shop_bot');
    });

    it('/ban that replies to nothing is explained', async () => {
      h.fake.userSends(h.masterBot.id, master.id, '/ban');
      await masterBotSays(h, master, 'reply /ban to one of their messages');
    });

    it('an unban button forged for another master’s bot is refused', async () => {
      const intruder = await registeredMaster(h, 'Ivan');
      const list = masterBotMessages(intruder).at(-1)!;
      // Telegram clients can send any callback data; the app must not trust it.
      await h.postWebhook(
        '/telegram/master',
        {
          update_id: 990001,
          callback_query: {
            id: 'forged-1',
            from: { id: intruder.id, first_name: 'Ivan' },
            data: `unban:${bot.id}:${spammer.id}`,
            message: { message_id: list.messageId, chat: { id: intruder.id, type: 'private' } },
          },
        },
        h.secretFor('master'),
      );
      await masterBotSays(h, intruder, 'no longer attached to your account');
    });
  });

  it('/bots lists each bot with its received and answered counts', async () => {
    const master = await registeredMaster(h, 'Cleo');
    const shop = await attachNewBot(h, master, 'cleo_shop_bot');
    await attachNewBot(h, master, 'cleo_cafe_bot');
    const customer = h.fake.createUser({ firstName: 'Dan' });
    const first = await customerWrites(h, shop, customer, master, 'one');
    await customerWrites(h, shop, customer, master, 'two');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'answer', replyToMessageId: first.messageId });
    await h.fake.waitForSent((s) => s.botId === shop.id && s.text === 'answer');
    await h.fake.waitFor(() => h.fake.reactions(h.masterBot.id, master.id, first.messageId).length > 0);
    h.fake.userSends(h.masterBot.id, master.id, '/bots');
    const list = await masterBotSays(h, master, 'Your client bots');
    expect(list.text).toContain('@cleo_shop_bot\n   2 messages received, 1 reply delivered');
    expect(list.text).toContain('@cleo_cafe_bot\n   0 messages received, 0 replies delivered');
  });

  describe('QR codes and links that say where customers came from', () => {
    it('/qr with one bot sends a PNG QR code of its t.me link', async () => {
      const master = await registeredMaster(h, 'Eve');
      await attachNewBot(h, master, 'eve_qr_bot');
      h.fake.userSends(h.masterBot.id, master.id, '/qr');
      const qr = await h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && s.method === 'sendPhoto');
      expect(qr.caption).toBe('Scan to write to https://t.me/eve_qr_bot');
      expect(h.fake.fileBytes(qr.file!.fileId)!.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    });

    it('/qr with a start parameter and several bots asks which bot, and a customer coming through the link is announced', async () => {
      const master = await registeredMaster(h, 'Finn');
      const shop = await attachNewBot(h, master, 'finn_shop_bot');
      await attachNewBot(h, master, 'finn_cafe_bot');
      h.fake.userSends(h.masterBot.id, master.id, '/qr flyer_2026');
      const picker = await masterBotSays(h, master, 'Which bot’s QR code');
      h.fake.userPressesButton(h.masterBot.id, master.id, picker.messageId, `pick:qr:${shop.id}`);
      const qr = await h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && s.method === 'sendPhoto');
      expect(qr.caption).toBe('Scan to write to https://t.me/finn_shop_bot?start=flyer_2026');

      const customer = h.fake.createUser({ firstName: 'Gus' });
      h.fake.userSends(shop.id, customer.id, '/start flyer_2026');
      await masterBotSays(h, master, 'A new customer started @finn_shop_bot through your link “flyer_2026”');
    });

    it('/qr with a parameter that a link cannot carry is refused', async () => {
      const master = await registeredMaster(h, 'Gail');
      await attachNewBot(h, master, 'gail_bot');
      h.fake.userSends(h.masterBot.id, master.id, '/qr not allowed!');
      await masterBotSays(h, master, 'A link parameter may only hold letters');
    });
  });

  it('/greeting sets what customers get when they press Start', async () => {
    const master = await registeredMaster(h, 'Iris');
    const bot = await attachNewBot(h, master, 'iris_bot');
    h.fake.userSends(h.masterBot.id, master.id, '/greeting');
    await masterBotSays(h, master, 'Send the greeting customers of @iris_bot get');
    h.fake.userSends(h.masterBot.id, master.id, 'Hi! Iris Flowers here — what can we do for you?');
    await masterBotSays(h, master, 'Customers of @iris_bot now get your greeting');
    const customer = h.fake.createUser({ firstName: 'Jo' });
    h.fake.userSends(bot.id, customer.id, '/start');
    await h.fake.waitForSent(
      (s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Hi! Iris Flowers here — what can we do for you?',
    );
  });

  it('a customer over the rate limit gets one notice and the master is not flooded', async () => {
    const master = await registeredMaster(h, 'Kai');
    const bot = await attachNewBot(h, master, 'kai_bot');
    const flooder = h.fake.createUser({ firstName: 'Flo' });
    for (let i = 1; i <= 8; i++) h.fake.userSends(bot.id, flooder.id, `message ${i}`);
    await masterBotSays(h, master, 'message 5');
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === flooder.id && (s.text ?? '').includes('too fast'));
    await customerWrites(h, bot, h.fake.createUser({ firstName: 'Calm' }), master, 'a calm customer');
    const relayed = masterBotMessages(master).filter((s) => /message \d/.test(s.text ?? ''));
    expect(relayed).toHaveLength(5);
    expect(h.fake.sent(bot.id, flooder.id).filter((s) => (s.text ?? '').includes('too fast'))).toHaveLength(1);
  });

  it('a client bot whose token was revoked is marked broken, the master is told, and the new token reconnects it', async () => {
    const master = await registeredMaster(h, 'Lars');
    const bot = await attachNewBot(h, master, 'lars_bot');
    const customer = h.fake.createUser({ firstName: 'Mo' });
    const relayed = await customerWrites(h, bot, customer, master, 'hello?');
    const newToken = h.fake.revokeToken(bot.token);
    h.fake.userSends(h.masterBot.id, master.id, { text: 'hi Mo', replyToMessageId: relayed.messageId });
    await masterBotSays(h, master, 'token was revoked');
    await masterBotSays(h, master, 'Telegram no longer accepts @lars_bot’s token');
    h.fake.userSends(h.masterBot.id, master.id, '/bots');
    await masterBotSays(h, master, '@lars_bot ⚠️ token revoked');

    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await masterBotSays(h, master, 'send me the token');
    h.fake.userSends(h.masterBot.id, master.id, newToken);
    await h.fake.waitFor(() => masterBotMessages(master).filter((s) => (s.text ?? '').includes('@lars_bot is attached')).length === 2);
    await customerWrites(h, bot, customer, master, 'back again');
  });
});
