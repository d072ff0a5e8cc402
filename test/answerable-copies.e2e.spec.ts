import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { eventually } from './support/scripted-reactor';
import { attachNewBot, masterBotSays, registeredMaster, relayButton } from './support/master-steps';
import { FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/**
 * Every relayed copy in the master's chat can be answered (Reply, ✍ Reply, 🚫 Ban), also a copy whose
 * Telegram message id the app never learnt: the connection broke after Telegram had sent it.
 */
describe('every relayed copy can be answered', () => {
  let h: AppHarness;
  let store: EventStore;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { TELEGRAM_TIMEOUT_MS: '1000' } });
    store = h.app.get(EVENT_STORE);
  });
  afterAll(async () => h.stop());

  const copiesOf = (master: FakeUser, text: string): SentRecord[] =>
    h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').endsWith(text));
  const twoCopiesOf = (master: FakeUser, text: string) =>
    h.fake.waitFor(() => copiesOf(master, text).length === 2 && copiesOf(master, text));
  const recordedIds = async () =>
    (await store.readAll({ maxCount: 10_000 })).filter((e) => e.type === 'MessageRelayed').map((e) => e.data.relayedMessageId);
  const customerGets = (botId: number, customer: FakeUser, text: string) =>
    h.fake.waitForSent((s) => s.botId === botId && s.chatId === customer.id && s.text === text);
  const eventCount = async () => (await store.readAll({ maxCount: 100_000 })).length;

  it('a reset after Telegram sent the relay gives at most one extra copy, and the master can answer either copy', async () => {
    const master = await registeredMaster(h, 'Nina');
    const bot = await attachNewBot(h, master, 'nina_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Otto' });
    h.fake.failConnection(h.masterBot.id, 'sendMessage', 'reset_after');
    const asked = h.fake.userSends(bot.id, customer.id, 'Do you deliver to Lyon?');

    const [orphan, known] = await twoCopiesOf(master, 'Do you deliver to Lyon?');
    await eventually('the second copy is recorded', async () => (await recordedIds()).includes(known.messageId));
    expect(await recordedIds()).not.toContain(orphan.messageId);

    h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, twice a week.', replyToMessageId: orphan.messageId });
    expect((await customerGets(bot.id, customer, 'Yes, twice a week.')).replyToMessageId).toBe(asked.messageId);
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Saturdays too.', replyToMessageId: known.messageId });
    expect((await customerGets(bot.id, customer, 'Saturdays too.')).replyToMessageId).toBe(asked.messageId);
  });

  it('a relay sent twice across two broken connections: both copies answer, by Reply and by ✍ Reply', async () => {
    const master = await registeredMaster(h, 'Pia');
    const bot = await attachNewBot(h, master, 'pia_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Quentin' });
    h.fake.failConnection(h.masterBot.id, 'sendMessage', 'reset_after', 2);
    h.fake.userSends(bot.id, customer.id, 'Is the blue one in stock?');

    const [first, second] = await twoCopiesOf(master, 'Is the blue one in stock?');
    await eventually('the relay is recorded as possibly sent', async () =>
      (await store.readAll({ maxCount: 10_000 })).some((e) => e.type === 'RelayFailed'),
    );
    h.fake.userSends(h.masterBot.id, master.id, { text: 'It is.', replyToMessageId: first.messageId });
    await customerGets(bot.id, customer, 'It is.');
    h.fake.userPressesButton(h.masterBot.id, master.id, second.messageId, relayButton(second, '✍ Reply'));
    await masterBotSays(h, master, 'Send your answer now');
    h.fake.userSends(h.masterBot.id, master.id, 'Two left.');
    await customerGets(bot.id, customer, 'Two left.');
  });

  it('🚫 Ban under a copy whose message id was never learnt bans its customer', async () => {
    const master = await registeredMaster(h, 'Rosa');
    const bot = await attachNewBot(h, master, 'rosa_shop_bot');
    const rude = h.fake.createUser({ firstName: 'Rude' });
    h.fake.failConnection(h.masterBot.id, 'sendMessage', 'reset_after');
    h.fake.userSends(bot.id, rude.id, 'you are all useless');
    const [orphan] = await twoCopiesOf(master, 'you are all useless');
    h.fake.userPressesButton(h.masterBot.id, master.id, orphan.messageId, relayButton(orphan, '🚫 Ban'));
    await masterBotSays(h, master, 'Rude is banned from @rosa_shop_bot');
  });

  it("another master cannot reach a customer by replaying a copy's button data", async () => {
    const owner = await registeredMaster(h, 'Sara');
    const bot = await attachNewBot(h, owner, 'sara_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Tim' });
    h.fake.userSends(bot.id, customer.id, 'hello Sara');
    const copy = await masterBotSays(h, owner, 'hello Sara');
    const intruder = await registeredMaster(h, 'Ivan');
    const own = await masterBotSays(h, intruder, 'Welcome');
    // Telegram clients can send any callback data; the app must not trust it.
    await h.postWebhook(
      '/telegram/master',
      {
        update_id: 880001,
        callback_query: {
          id: 'forged-reply',
          from: { id: intruder.id, first_name: 'Ivan' },
          data: relayButton(copy, '✍ Reply'),
          message: { message_id: own.messageId, chat: { id: intruder.id, type: 'private' } },
        },
      },
      h.secretFor('master'),
    );
    await masterBotSays(h, intruder, 'not a relayed customer message');
  });

  it('tampered relay button data is refused at the edge, and nothing is recorded', async () => {
    const master = await registeredMaster(h, 'Uma');
    const before = await eventCount();
    const response = await h.postWebhook(
      '/telegram/master',
      {
        update_id: 880002,
        callback_query: {
          id: 'tampered',
          from: { id: master.id, first_name: 'Uma' },
          data: 'reply:123:abc:1',
          message: { message_id: 1, chat: { id: master.id, type: 'private' } },
        },
      },
      h.secretFor('master'),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('not a relay button we sent');
    expect(await eventCount()).toBe(before);
  });
});
