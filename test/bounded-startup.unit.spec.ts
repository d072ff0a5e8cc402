import { forEachBounded, STARTUP_CONCURRENCY } from '../src/infrastructure/telegram/bounded';

describe('reconciling many client bots at start', () => {
  it(`works on ${STARTUP_CONCURRENCY} bots at a time — never more, never one by one — and reaches every bot`, async () => {
    const bots = Array.from({ length: 1000 }, (_, i) => i + 1);
    const done: number[] = [];
    let inFlight = 0;
    let most = 0;
    await forEachBounded(bots, STARTUP_CONCURRENCY, async (bot) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve)); // a Telegram call in flight
      inFlight -= 1;
      done.push(bot);
    });
    expect(most).toBe(STARTUP_CONCURRENCY);
    expect(done.sort((a, b) => a - b)).toEqual(bots);
  });

  it('with fewer bots than lanes, starts them all at once', async () => {
    let most = 0;
    let inFlight = 0;
    await forEachBounded([1, 2, 3], STARTUP_CONCURRENCY, async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
    });
    expect(most).toBe(3);
  });
});
