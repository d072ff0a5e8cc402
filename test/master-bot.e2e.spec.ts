import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { masterBotSays, registeredMaster, relayButton } from './support/master-steps';
import { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

describe('the MasterBot, as a master uses it', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { FREE_BOT_LIMIT: '3' } });
  });
  afterAll(async () => h.stop());

  async function attach(master: FakeUser, bot: CreatedBot): Promise<void> {
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await masterBotSays(h, master, 'send me the token');
    h.fake.userSends(h.masterBot.id, master.id, bot.token);
    await masterBotSays(h, master, `@${bot.username} is attached`);
  }

  it('sets the MasterBot’s command menu at start', () => {
    expect(h.fake.commands(h.masterBot.id).map((c) => c.command)).toEqual([
      'add',
      'bots',
      'remove',
      'inbox',
      'greeting',
      'qr',
      'banned',
      'delete',
      'broadcast',
      'reminders',
      'subscribe',
      'unsubscribe',
      'cancel',
      'help',
    ]);
  });

  it('a second /start only shows the welcome again and registers the master once', async () => {
    const master = await registeredMaster(h, 'Ivy');
    h.fake.userSends(h.masterBot.id, master.id, '/start');
    await h.fake.waitFor(() => h.fake.sent(h.masterBot.id, master.id).filter((s) => s.text?.startsWith('Welcome')).length === 2);
    const store = h.app.get<EventStore>(EVENT_STORE);
    const types = (await store.readStream(`master-${master.id}`)).map((e) => e.type);
    expect(types).toEqual(['MasterRegistered', 'WelcomeShown']);
  });

  it('an unknown command is answered with a pointer to the menu', async () => {
    const master = await registeredMaster(h, 'Jack');
    h.fake.userSends(h.masterBot.id, master.id, '/frobnicate now');
    await masterBotSays(h, master, 'Unknown command');
  });

  it('/cancel while waiting for a token goes back to the menu, and then there is nothing to cancel', async () => {
    const master = await registeredMaster(h, 'Kate');
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await masterBotSays(h, master, 'send me the token');
    h.fake.userSends(h.masterBot.id, master.id, '/cancel');
    await masterBotSays(h, master, 'Cancelled');
    h.fake.userSends(h.masterBot.id, master.id, '/cancel');
    await masterBotSays(h, master, 'Nothing to cancel');
  });

  describe('refuses tokens it must not attach, and deletes the message that carried each one', () => {
    let master: FakeUser;
    beforeAll(async () => {
      master = await registeredMaster(h, 'Leo');
    });
    const pasteExpecting = async (text: string, answer: string) => {
      h.fake.userSends(h.masterBot.id, master.id, '/add');
      const pasted = h.fake.userSends(h.masterBot.id, master.id, text);
      await masterBotSays(h, master, answer);
      if (/\d+:/.test(text)) await h.fake.waitForCall('deleteMessage', (c) => c.params.message_id === pasted.messageId);
    };

    it('text that is not shaped like a token', () => pasteExpecting('hello there', 'does not look like a bot token'));
    it('the MasterBot’s own token', () => pasteExpecting(h.masterBot.token, 'That is my own token'));
    it('a token Telegram rejects (revoked)', async () => {
      const revoked = h.fake.createBot({ username: 'revoked_bot' });
      h.fake.revokeToken(revoked.token);
      await pasteExpecting(revoked.token, 'Telegram does not accept that token');
    });
    it('a bot already attached to another master', async () => {
      const other = await registeredMaster(h, 'Mia');
      const bot = h.fake.createBot({ username: 'taken_bot' });
      await attach(other, bot);
      await pasteExpecting(bot.token, 'already attached to another account');
    });
  });

  it('/remove detaches the only bot at once and unregisters its webhook', async () => {
    const master = await registeredMaster(h, 'Nina');
    const bot = h.fake.createBot({ username: 'nina_bot' });
    await attach(master, bot);
    expect(h.fake.webhookInfo(bot.id).url).not.toBe('');
    h.fake.userSends(h.masterBot.id, master.id, '/remove');
    await masterBotSays(h, master, '@nina_bot is detached');
    await h.fake.waitFor(() => h.fake.webhookInfo(bot.id).url === '');
  });

  it('/remove with several bots asks which one with buttons, and the pressed one is detached', async () => {
    const master = await registeredMaster(h, 'Omar');
    const first = h.fake.createBot({ username: 'omar_one_bot' });
    const second = h.fake.createBot({ username: 'omar_two_bot' });
    await attach(master, first);
    await attach(master, second);
    h.fake.userSends(h.masterBot.id, master.id, '/remove');
    const question = await masterBotSays(h, master, 'Which bot should I detach?');
    h.fake.userPressesButton(h.masterBot.id, master.id, question.messageId, `pick:remove:${second.id}`);
    await masterBotSays(h, master, '@omar_two_bot is detached');
    await h.fake.waitForCall('answerCallbackQuery');
    // The detached bot's customers no longer reach the master; the other bot's still do.
    const customer = h.fake.createUser({ firstName: 'Pia' });
    h.fake.userSends(first.id, customer.id, 'still here?');
    await masterBotSays(h, master, 'still here?');
  });

  it('the Reply button under a relayed message lets the master answer with a plain message', async () => {
    const master = await registeredMaster(h, 'Quinn');
    const bot = h.fake.createBot({ username: 'quinn_bot' });
    await attach(master, bot);
    const customer = h.fake.createUser({ firstName: 'Rita' });
    const asked = h.fake.userSends(bot.id, customer.id, 'Can I pay by card?');
    const relayed = await masterBotSays(h, master, 'Can I pay by card?');
    h.fake.userPressesButton(h.masterBot.id, master.id, relayed.messageId, relayButton(relayed, '✍ Reply'));
    await masterBotSays(h, master, 'Send your answer now');
    h.fake.userSends(h.masterBot.id, master.id, 'Yes, all cards.');
    const answer = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Yes, all cards.');
    expect(answer.replyToMessageId).toBe(asked.messageId);
  });

  it('a reply to a customer who blocked the bot is reported to the master', async () => {
    const master = await registeredMaster(h, 'Sam');
    const bot = h.fake.createBot({ username: 'sam_bot' });
    await attach(master, bot);
    const customer = h.fake.createUser({ firstName: 'Tom' });
    h.fake.userSends(bot.id, customer.id, 'bye forever');
    const relayed = await masterBotSays(h, master, 'bye forever');
    h.fake.userBlocksBot(bot.id, customer.id);
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Sorry to see you go', replyToMessageId: relayed.messageId });
    await masterBotSays(h, master, 'the customer has blocked the bot');
  });
});
