/**
 * Many attached client bots (issue 10 item 6): BENCH_BOTS bots (1,000) are recorded as attached straight into
 * the event store (test/support/attached-bots.ts). The app then starts once to tell the master about them, as it
 * would have when each was attached (one notice, one deleted token message and one setMyCommands per bot; fast,
 * with its pacing off), and stops. Then it starts in polling mode: measured are the seconds from its start until
 * the Bot API fake holds an open long poll for every bot, and the app's RSS, read from /proc once a second for
 * BENCH_BOTS_IDLE_SECONDS (60 s) from that moment; then it restarts in webhook mode and its RSS is sampled the
 * same way from the moment every bot's webhook is set.
 *
 * Why the notices first: the attachments were recorded a moment ago, so without that start the measured app
 * would send those 1,000 notices at the master chat's pace (~1 a second, ~17 minutes) — it would not be idle.
 * Runs until 2026-11-28 measured that: allocating all along, the app kept its start-up garbage longer, and its
 * RSS at 30 s was 124–166 MB from run to run.
 *
 * Why a window: for its first ~15–25 s the process still holds its start-up garbage, until V8's memory reducer
 * runs a compacting GC (when varies from run to run); after it, in polling mode, the RSS follows the 25 s poll
 * cycle (all long polls end together). So per mode: the median of the window, its max (the start-up included),
 * and the reading at 30 s that earlier reports gave.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { AppProcess } from '../test/support/app-process';
import { recordAttachedBots } from '../test/support/attached-bots';
import { freePort } from '../test/support/free-port';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './bench-stats';

/** When, into the idle window, the single reading of earlier reports is taken. */
const READING_SECONDS = 30;

/** One mode's RSS over the idle window, in bytes. */
export interface IdleRss {
  /** The sample `readingSeconds` into the window: the single figure earlier reports gave. */
  atReading: number;
  median: number;
  max: number;
  /** One a second, the first at the window's start. */
  samples: number[];
}

export interface BotsFigures {
  bots: number;
  /** From the polling-mode start until every bot had a long poll open. */
  allPolledSeconds: number;
  polling: IdleRss;
  webhooks: IdleRss;
  /** The idle window's length. */
  windowSeconds: number;
  /** When, into the window, the single reading is taken. */
  readingSeconds: number;
}

/** `idleSeconds`: how long each mode's idle RSS is sampled (at least the 30 s of the single reading). */
export async function benchBots(count: number, idleSeconds: number): Promise<BotsFigures> {
  const windowSeconds = Math.max(READING_SECONDS, idleSeconds);
  const readingSeconds = READING_SECONDS;
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

    // Told to the master as if each bot had been attached through the MasterBot (see the comment at the top).
    app = new AppProcess({ ...env, TELEGRAM_PACING: 'off' }, port);
    await app.start();
    await fake.waitFor(() => bots.every((bot) => fake.commands(bot.id).length > 0), {
      timeoutMs: 300_000,
      description: "every bot's attach notice and commands",
    });
    await app.stop();

    app = new AppProcess(env, port);
    const start = Date.now();
    await app.start();
    await fake.waitFor(() => bots.every((bot) => fake.isLongPolling(bot.id)), { timeoutMs: 300_000, description: 'every bot polled' });
    const allPolledSeconds = (Date.now() - start) / 1000;
    const polling = await sampleRss(app, windowSeconds, readingSeconds, 'polling');
    await app.stop();

    app = new AppProcess({ ...env, PUBLIC_URL: `http://127.0.0.1:${port}` }, port);
    await app.start();
    await fake.waitFor(() => bots.every((bot) => fake.webhookInfo(bot.id).url !== ''), {
      timeoutMs: 300_000,
      description: 'every webhook set',
    });
    const webhooks = await sampleRss(app, windowSeconds, readingSeconds, 'webhooks');
    return { bots: count, allPolledSeconds, polling, webhooks, windowSeconds, readingSeconds };
  } finally {
    await app.stop();
    await fake.stop();
    tmp.remove();
  }
}

/** The app's RSS once a second for `windowSeconds` (samples at 0, 1, … windowSeconds s, on a fixed schedule). */
async function sampleRss(app: AppProcess, windowSeconds: number, readingSeconds: number, mode: string): Promise<IdleRss> {
  const start = Date.now();
  const samples: number[] = [];
  for (let second = 0; second <= windowSeconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + second * 1000 - Date.now())));
    samples.push(await app.rssBytes());
  }
  console.log(`bots, ${mode}: RSS (MB) once a second: ${samples.map((b) => (b / 2 ** 20).toFixed(0)).join(' ')}`);
  const reading = Math.min(Math.round(readingSeconds), samples.length - 1);
  return { atReading: samples[reading], median: median(samples), max: Math.max(...samples), samples };
}
