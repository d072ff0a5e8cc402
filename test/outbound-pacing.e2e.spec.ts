import { AppMetrics } from '../src/infrastructure/observability/app-metrics';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';

/**
 * Telegram takes about one message a second into a chat and 30 a second from a bot, and answers 429
 * beyond. The app paces its messages by those limits itself, so a flood into one master's chat is
 * drained at Telegram's pace instead of being refused message after message.
 */
describe("a customer flood under Telegram's flood limits, end to end", () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { TELEGRAM_PACING: 'on' } });
  });
  afterAll(async () => h.stop());

  it("a flood into one master's chat is paced: Telegram refuses at most a handful, every message arrives once and in order, and another master's customer is relayed meanwhile", async () => {
    const ana = await registeredMaster(h, 'Ana');
    const anaBot = await attachNewBot(h, ana, 'ana_busy_shop_bot');
    const ben = await registeredMaster(h, 'Ben');
    const benBot = await attachNewBot(h, ben, 'ben_quiet_shop_bot');
    h.fake.setRateLimits({ perChatPerSecond: 1, perBotPerSecond: 30 });
    const refusalsBefore = h.fake.calls.filter((c) => c.status === 429).length;

    const kim = h.fake.createUser({ firstName: 'Kim' });
    const flood = Array.from({ length: 12 }, (_, i) => `Kim's order question #${i + 1}`);
    for (const text of flood) h.fake.userSends(anaBot.id, kim.id, text);
    const relayedToAna = () => h.fake.sent(h.masterBot.id, ana.id).filter((s) => (s.text ?? '').includes("Kim's order question"));
    await h.fake.waitFor(() => relayedToAna().length >= 3, { timeoutMs: 10_000 });

    // While Ana's chat is being drained, Ben's customer writes: the relay does not queue behind Ana's.
    const zoe = h.fake.createUser({ firstName: 'Zoe' });
    await customerWrites(h, benBot, zoe, ben, 'Is the shop open today?');
    expect(relayedToAna().length).toBeLessThan(flood.length);

    await h.fake.waitFor(() => relayedToAna().length >= flood.length, { timeoutMs: 30_000 });
    expect(relayedToAna().map((s) => (s.text ?? '').split('\n\n')[1])).toEqual(flood);
    expect(h.fake.calls.filter((c) => c.status === 429).length - refusalsBefore).toBeLessThanOrEqual(2);
    const paced = await h.app.get(AppMetrics).telegramPacedCalls.get();
    const waitedForChat = paced.values.find((v) => v.labels.waited_for === 'chat')?.value ?? 0;
    expect(waitedForChat).toBeGreaterThanOrEqual(flood.length - 3);
  }, 60_000);

  it("a relay held up on its way to Telegram holds the master's next one as long: Telegram sees them a second apart and refuses neither", async () => {
    const cleo = await registeredMaster(h, 'Cleo');
    const cleoBot = await attachNewBot(h, cleo, 'cleo_shop_bot');
    const max = h.fake.createUser({ firstName: 'Max' });
    await customerWrites(h, cleoBot, max, cleo, 'Hello!');
    h.fake.setRateLimits({ perChatPerSecond: 1, perBotPerSecond: 30 });
    const refusalsBefore = h.fake.calls.filter((c) => c.status === 429).length;
    const toCleo = () =>
      h.fake.calls.filter((c) => c.method === 'sendMessage' && String((c.params as { chat_id?: unknown }).chat_id) === String(cleo.id));

    // The first relay takes 80 ms to reach Telegram (a slow network, a stall); the second goes through at once.
    const toCleoInFlight = (since: number) =>
      h.fake.callsInFlight().some((c) => c.method === 'sendMessage' && c.chatId === String(cleo.id) && c.receivedAt >= since);
    await h.fake.waitFor(() => !toCleoInFlight(0), { timeoutMs: 10_000 });
    h.fake.setLatency(80, ['sendMessage']);
    const since = Date.now();
    h.fake.userSends(cleoBot.id, max.id, 'Is my order shipped?');
    await h.fake.waitFor(() => toCleoInFlight(since), { timeoutMs: 10_000 });
    h.fake.setLatency(0);
    h.fake.userSends(cleoBot.id, max.id, 'It was due yesterday.');
    const carrying = (text: string) => toCleo().filter((c) => String((c.params as { text?: unknown }).text).includes(text));
    await h.fake.waitFor(() => carrying('It was due yesterday.').some((c) => c.status === 200), { timeoutMs: 10_000 });

    const [first] = carrying('Is my order shipped?');
    const second = carrying('It was due yesterday.');
    expect(first.status).toBe(200);
    // Before: it left 1.02 s after the first but reached Telegram 0.94 s after it, drew a 429 and went again.
    expect(second.map((c) => c.status)).toEqual([200]);
    expect(second[0].at - first.at).toBeGreaterThanOrEqual(1000);
    expect(h.fake.calls.filter((c) => c.status === 429).length).toBe(refusalsBefore);
  }, 30_000);
});
