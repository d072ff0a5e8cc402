import { openEventStore } from '../src/app.module';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { AppHarness } from './support/app-harness';
import { recordAttachedBots } from './support/attached-bots';
import { CreatedBot } from './support/telegram-bot-api.fake';

/** Enough bots to fill the 64 sockets sends used to share with long polls several times over. */
const BOTS = 200;

describe('polling mode with many attached client bots', () => {
  let h: AppHarness;
  let bots: CreatedBot[];
  let masterId: number;
  let masterHistoryReads: jest.SpyInstance;

  beforeAll(async () => {
    // Long polls that stay open (Telegram's usual 25–50 s): a send must not wait for them to end.
    h = await AppHarness.start({ mode: 'polling', env: { POLLING_TIMEOUT_SECONDS: '50' } });
    const master = h.fake.createUser({ firstName: 'Pam' });
    masterId = master.id;
    h.fake.userSends(h.masterBot.id, master.id, '/start');
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').startsWith('Welcome'), { timeoutMs: 10_000 });
    await h.shutdown();
    bots = Array.from({ length: BOTS }, (_, i) => h.fake.createBot({ username: `pam_shop_${i + 1}_bot` }));
    const store = await openEventStore(h.config);
    try {
      await recordAttachedBots(store, h.tokenKey, masterId, bots);
    } finally {
      await store.close();
    }
    masterHistoryReads = jest.spyOn(SqliteEventStore.prototype, 'readStream');
  }, 60_000);
  afterAll(async () => h.stop(), 60_000);

  it('polls every attached bot at once after a restart, and relays a customer of the last one while all polls stay open', async () => {
    await h.boot(); // the restart: start-up reconciles the 200 bots, which must not wait behind their own long polls
    await h.fake.waitFor(() => bots.every((bot) => h.fake.isLongPolling(bot.id)), {
      timeoutMs: 30_000,
      description: `a long poll open for each of the ${BOTS} bots`,
    });

    const customer = h.fake.createUser({ firstName: 'Quinn' });
    const last = bots[BOTS - 1];
    h.fake.userSends(last.id, customer.id, 'Is my order shipped?');
    await h.fake.waitForSent(
      (s) => s.botId === h.masterBot.id && s.chatId === masterId && (s.text ?? '').includes('Is my order shipped?'),
      {
        timeoutMs: 30_000,
      },
    );
    // The relay went out while every other bot's long poll was still hanging: it did not queue behind them.
    const stillPolling = bots.slice(0, -1).filter((bot) => h.fake.isLongPolling(bot.id));
    expect(stillPolling).toHaveLength(BOTS - 1);
  }, 90_000);

  it("gives each bot attached while the app was down its command menu, without re-reading the master's history per bot", async () => {
    await h.fake.waitFor(() => bots.every((bot) => h.fake.calls.some((c) => c.botId === bot.id && c.method === 'setMyCommands')), {
      timeoutMs: 60_000,
      description: `setMyCommands for each of the ${BOTS} bots`,
    });
    const reads = masterHistoryReads.mock.calls.filter(([streamId]) => streamId === masterStreamId(masterId));
    // Reading the master's whole history once per bot made 1,000 attached bots a million event decodes.
    expect(reads.length).toBeLessThan(BOTS / 10);
  }, 90_000);
});
