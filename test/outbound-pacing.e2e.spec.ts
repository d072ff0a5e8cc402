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
});
