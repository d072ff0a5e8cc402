import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { CreatedBot } from './support/telegram-bot-api.fake';

describe('the relay, end to end over webhooks', () => {
  let h: AppHarness;
  let clientBot: CreatedBot;
  const master = { id: 7000000001, firstName: 'Alice' };
  const customer = { id: 8000000001, firstName: 'Bob', username: 'bob' };

  beforeAll(async () => {
    h = await AppHarness.start();
    h.fake.createUser({ ...master });
    h.fake.createUser({ ...customer });
    clientBot = h.fake.createBot({ username: 'acme_support_bot', firstName: 'Acme Support' });
  });
  afterAll(async () => h.stop());

  const masterBotSays = (match: (text: string) => boolean) =>
    h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && match(s.text ?? ''));

  it('welcomes a master who sends /start', async () => {
    h.fake.userSends(h.masterBot.id, master.id, '/start');
    await masterBotSays((t) => t.startsWith('Welcome to FeedbackBots'));
  });

  it('attaches a client bot from a pasted token, deletes the token message and registers the webhook', async () => {
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await masterBotSays((t) => t.includes('send me the token'));
    const pasted = h.fake.userSends(h.masterBot.id, master.id, clientBot.token);
    await masterBotSays((t) => t.includes('@acme_support_bot is attached'));
    await h.fake.waitForCall('deleteMessage', (c) => c.params.message_id === pasted.messageId);
    expect(h.fake.webhookInfo(clientBot.id).url).toBe(`${h.baseUrl}/telegram/client/${clientBot.id}`);
  });

  it('greets a customer who sends /start to the client bot', async () => {
    h.fake.userSends(clientBot.id, customer.id, '/start');
    await h.fake.waitForSent((s) => s.botId === clientBot.id && s.chatId === customer.id && (s.text ?? '').startsWith('Hello!'));
  });

  it('relays a customer message to the master with a header naming the customer and the bot, and delivers the reply', async () => {
    const asked = h.fake.userSends(clientBot.id, customer.id, 'Do you ship to Lisbon?');
    const relayed = await masterBotSays((t) => t.includes('Do you ship to Lisbon?'));
    expect(relayed.text).toBe('💬 Bob (@bob) → @acme_support_bot\n\nDo you ship to Lisbon?');

    h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, in 3 days.', replyToMessageId: relayed.messageId });
    const answer = await h.fake.waitForSent((s) => s.botId === clientBot.id && s.chatId === customer.id && s.text === 'Yes, in 3 days.');
    expect(answer.replyToMessageId).toBe(asked.messageId);
    await h.fake.waitFor(() => h.fake.reactions(h.masterBot.id, master.id, relayed.messageId).length > 0);
  });

  it('keeps no message text and no token in clear in any event', async () => {
    const store = h.app.get<EventStore>(EVENT_STORE);
    const everything = JSON.stringify(await store.readAll({ maxCount: 10_000 }), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    expect(everything).toContain('CustomerMessageReceived');
    for (const secret of ['Do you ship to Lisbon?', 'Yes, in 3 days.', clientBot.token, clientBot.token.split(':')[1], 'Bob']) {
      expect(everything).not.toContain(secret);
    }
  });
});
