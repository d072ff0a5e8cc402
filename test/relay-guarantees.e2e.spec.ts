import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppHarness } from './support/app-harness';
import { CreatedBot } from './support/telegram-bot-api.fake';

/** Attaches a fresh client bot to a fresh master and returns both. */
async function masterWithBot(h: AppHarness, name: string) {
  const master = h.fake.createUser({ firstName: name });
  const bot = h.fake.createBot({ username: `${name.toLowerCase()}_shop_bot` });
  h.fake.userSends(h.masterBot.id, master.id, '/start');
  h.fake.userSends(h.masterBot.id, master.id, '/add');
  await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('send me the token'));
  h.fake.userSends(h.masterBot.id, master.id, bot.token);
  await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('is attached'));
  return { master, bot };
}

const relayedTo = (h: AppHarness, masterId: number, text: string) =>
  h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === masterId && (s.text ?? '').endsWith(text));

describe('relay guarantees', () => {
  let h: AppHarness;
  let store: EventStore;
  let secretFor: (ref: string) => string;

  beforeAll(async () => {
    h = await AppHarness.start();
    store = h.app.get(EVENT_STORE);
    secretFor = (ref) => new AesTokenCipher(Buffer.from(h.tokenKey, 'base64')).webhookSecret(ref);
  });
  afterAll(async () => h.stop());

  it('two masters whose relayed messages have the same message id never get each other’s customers', async () => {
    const a = await masterWithBot(h, 'Anna');
    const b = await masterWithBot(h, 'Boris');
    const annasCustomer = h.fake.createUser({ firstName: 'Carl' });
    const borissCustomer = h.fake.createUser({ firstName: 'Dana' });
    h.fake.userSends(a.bot.id, annasCustomer.id, 'Question for Anna');
    h.fake.userSends(b.bot.id, borissCustomer.id, 'Question for Boris');
    const toAnna = await relayedTo(h, a.master.id, 'Question for Anna');
    const toBoris = await relayedTo(h, b.master.id, 'Question for Boris');
    expect(toAnna.messageId).toBe(toBoris.messageId); // same id, different chats: the original system's collision

    h.fake.userSends(h.masterBot.id, b.master.id, { text: 'Answer from Boris', replyToMessageId: toBoris.messageId });
    h.fake.userSends(h.masterBot.id, a.master.id, { text: 'Answer from Anna', replyToMessageId: toAnna.messageId });
    await h.fake.waitForSent((s) => s.botId === a.bot.id && s.text === 'Answer from Anna');
    await h.fake.waitForSent((s) => s.botId === b.bot.id && s.text === 'Answer from Boris');
    expect(h.fake.sent(a.bot.id, annasCustomer.id).map((s) => s.text)).toEqual(['Answer from Anna']);
    expect(h.fake.sent(b.bot.id, borissCustomer.id).map((s) => s.text)).toEqual(['Answer from Boris']);
  });

  it('relays an update that Telegram delivers twice only once', async () => {
    const { master, bot } = await masterWithBot(h, 'Elsa');
    const customer = h.fake.createUser({ firstName: 'Fred' });
    const asked = h.fake.userSends(bot.id, customer.id, 'Sent twice?');
    await relayedTo(h, master.id, 'Sent twice?');
    h.fake.redeliver(bot.id, asked.updateId);
    const again = await h.postWebhook(`/telegram/client/${bot.id}`, asked.update, secretFor(String(bot.id)));
    expect(again.status).toBe(200);
    await h.fake.waitForWebhookIdle(bot.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').endsWith('Sent twice?'))).toHaveLength(1);
  });

  it('a reply to a message that is not a relayed customer message is explained, and nothing is sent to anyone', async () => {
    const { master, bot } = await masterWithBot(h, 'Gina');
    const own = h.fake.userSends(h.masterBot.id, master.id, 'a note to myself');
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').startsWith('To answer a customer'));
    h.fake.userSends(h.masterBot.id, master.id, { text: 'to whom?', replyToMessageId: own.messageId });
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').includes('not a relayed customer message'));
    expect(h.fake.sent(bot.id)).toHaveLength(0);
  });

  describe('bad input gets a clear 4xx and writes nothing', () => {
    let bot: CreatedBot;
    let before: bigint | null;
    beforeAll(async () => {
      bot = (await masterWithBot(h, 'Hugo')).bot;
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    beforeEach(async () => {
      before = await store.headPosition();
    });
    afterEach(async () => {
      expect(await store.headPosition()).toBe(before);
    });
    const update = {
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, from: { id: 5, first_name: 'X' }, text: 'hi' },
    };

    it('malformed JSON → 400', async () => {
      const res = await h.postWebhook(`/telegram/client/${bot.id}`, '{"update_id": 1,', secretFor(String(bot.id)));
      expect(res.status).toBe(400);
    });
    it('a body that is not a Telegram update → 400 naming the problem', async () => {
      const res = await h.postWebhook(`/telegram/client/${bot.id}`, { update_id: 'one' }, secretFor(String(bot.id)));
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('update_id');
    });
    it('a missing or wrong secret token → 401', async () => {
      expect((await h.postWebhook(`/telegram/client/${bot.id}`, update)).status).toBe(401);
      expect((await h.postWebhook(`/telegram/client/${bot.id}`, update, secretFor('master'))).status).toBe(401);
      expect((await h.postWebhook('/telegram/master', update, secretFor(String(bot.id)))).status).toBe(401);
    });
    it('an unknown client bot → 404', async () => {
      expect((await h.postWebhook('/telegram/client/1234567890', update, secretFor('1234567890'))).status).toBe(404);
    });
    it('a huge payload → 413', async () => {
      const huge = { ...update, message: { ...update.message, text: 'x'.repeat(2 * 1024 * 1024) } };
      expect((await h.postWebhook(`/telegram/client/${bot.id}`, huge, secretFor(String(bot.id)))).status).toBe(413);
    });
  });
});
