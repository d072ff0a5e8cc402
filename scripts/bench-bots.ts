/**
 * Many attached client bots (issue 10 item 6): BENCH_BOTS bots (1,000) are recorded as attached straight into
 * the event store (test/support/attached-bots.ts), then the app (its own process) starts in polling mode:
 * measured are the seconds from its start until the Bot API fake holds an open long poll for every bot, and
 * the app's RSS after BENCH_BOTS_IDLE_SECONDS (30 s) idle; then it restarts in webhook mode (every bot's
 * webhook set) and its idle RSS is measured again.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { AppProcess } from '../test/support/app-process';
import { recordAttachedBots } from '../test/support/attached-bots';
import { freePort } from '../test/support/free-port';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';

export interface BotsFigures {
  bots: number;
  /** From the polling-mode start until every bot had a long poll open. */
  allPolledSeconds: number;
  pollingIdleRss: number;
  webhookIdleRss: number;
  idleSeconds: number;
}

export async function benchBots(count: number, idleSeconds: number): Promise<BotsFigures> {
  const fake = await TelegramBotApiFake.start();
  const tmp = makeTempDir();
  const port = await freePort();
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  const key = randomBytes(32).toString('base64');
  const settings = { MASTER_BOT_TOKEN: masterBot.token, TELEGRAM_API_ROOT: fake.apiRoot, PORT: String(port), DATA_DIR: tmp.dir };
  const env = { ...settings, TOKEN_ENCRYPTION_KEY: key };
  let app = new AppProcess(env, port);
  try {
    await app.start();
    const master = fake.createUser({ firstName: 'Bench' });
    fake.userSends(masterBot.id, master.id, '/start');
    await fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').startsWith('Welcome'), { timeoutMs: 30_000 });
    await app.stop();
    const bots = Array.from({ length: count }, (_, i) => fake.createBot({ username: `bench_shop_${i + 1}_bot` }));
    const store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'));
    await recordAttachedBots(store, key, master.id, bots).finally(() => store.close());

    app = new AppProcess(env, port);
    const start = Date.now();
    await app.start();
    await fake.waitFor(() => bots.every((bot) => fake.isLongPolling(bot.id)), { timeoutMs: 300_000, description: 'every bot polled' });
    const allPolledSeconds = (Date.now() - start) / 1000;
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const pollingIdleRss = await app.rssBytes();
    await app.stop();

    app = new AppProcess({ ...env, PUBLIC_URL: `http://127.0.0.1:${port}` }, port);
    await app.start();
    await fake.waitFor(() => bots.every((bot) => fake.webhookInfo(bot.id).url !== ''), {
      timeoutMs: 300_000,
      description: 'every webhook set',
    });
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const webhookIdleRss = await app.rssBytes();
    return { bots: count, allPolledSeconds, pollingIdleRss, webhookIdleRss, idleSeconds };
  } finally {
    await app.stop();
    await fake.stop();
    tmp.remove();
  }
}
