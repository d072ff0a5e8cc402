import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';

/**
 * Telegram lets a bot send about one message per second into one chat and answers 429 beyond. The
 * MasterBot relays every master's customers, so one master's busy chat must not hold up the others.
 */
describe("one master's flood under Telegram's limits, end to end", () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { TELEGRAM_PACING: 'on' } });
  });
  afterAll(async () => h.stop());

  it("a flooded master does not delay another master's customers: B's relay arrives while A's chat is still being drained", async () => {
    const ana = await registeredMaster(h, 'Ana');
    const anaBot = await attachNewBot(h, ana, 'ana_flooded_bot');
    const ben = await registeredMaster(h, 'Ben');
    const benBot = await attachNewBot(h, ben, 'ben_quiet_bot');
    h.fake.setRateLimits({ perChatPerSecond: 1 });

    // Telegram holds Ana's chat (a 429) on the first relay, while five more messages to her arrive;
    // from then on her chat takes one message per second.
    h.fake.failNext(h.masterBot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 2', retryAfter: 2 });
    const flood = [1, 2, 3].flatMap((n) => {
      const customer = h.fake.createUser({ firstName: `Customer${n}` });
      return [`Order ${n}: where is it?`, `Order ${n}: hello??`].map((text) => ({ customer, text }));
    });
    h.fake.userSends(anaBot.id, flood[0].customer.id, flood[0].text);
    await h.fake.waitForCall('sendMessage', (c) => c.params.chat_id === ana.id && c.status === 429);
    for (const { customer, text } of flood.slice(1)) h.fake.userSends(anaBot.id, customer.id, text);
    await h.fake.waitForWebhookIdle(anaBot.id);
    await masterBotSays(h, ana, flood[1].text); // Ana's chat is draining the flood

    const zoe = h.fake.createUser({ firstName: 'Zoe' });
    await customerWrites(h, benBot, zoe, ben, 'Is the shop open today?');
    const relayedToAnaSoFar = flood.filter(({ text }) => h.fake.sent(h.masterBot.id, ana.id).some((s) => s.text?.includes(text)));
    expect(relayedToAnaSoFar.length).toBeLessThan(flood.length);

    // Nothing of Ana's is lost or reordered per customer: every message arrives once Telegram lets it.
    for (const { text } of flood) await masterBotSays(h, ana, text);
    const anaChat = h.fake.sent(h.masterBot.id, ana.id).map((s) => s.text ?? '');
    for (const n of [1, 2, 3]) {
      const order = anaChat.filter((t) => t.includes(`Order ${n}:`));
      expect(order.map((t) => t.split('\n\n')[1])).toEqual([`Order ${n}: where is it?`, `Order ${n}: hello??`]);
    }
  });
});
