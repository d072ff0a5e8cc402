/**
 * Fairness under Telegram's flood limits (issue 10): the fake enforces a per-chat rate (FAIR_CHAT_RATE
 * messages/s, Telegram's is about 1) and ~30/s per bot, answering 429 with `retry_after` beyond. Master A's
 * customers flood him with FAIR_FLOOD messages at once; meanwhile master B's customers write one message every
 * 2 s. Measured: B's relay latency (p50/p95/max), the rate at which A's flood reaches him as a share of the
 * allowed rate, and for A: messages lost, duplicated, and customers whose order was broken.
 */
import { randomBytes } from 'node:crypto';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { attachThroughMasterBot, webhookPoster } from './bench-support';

export interface FairnessFigures {
  flood: number;
  chatRate: number;
  drainSeconds: number;
  /** A's relays per second over the drain, divided by the allowed per-chat rate. */
  drainShare: number;
  lost: number;
  duplicated: number;
  outOfOrderCustomers: number;
  other: { count: number; p50: number; p95: number; max: number };
}

const FLOOD_CUSTOMERS = 10;

export async function benchFairness(flood: number, chatRate: number): Promise<FairnessFigures> {
  const fake = await TelegramBotApiFake.start({ rateLimits: { perChatPerSecond: chatRate, perBotPerSecond: 30 } });
  const tmp = makeTempDir();
  const port = await freePort();
  const key = randomBytes(32).toString('base64');
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  const app = new AppProcess(
    {
      MASTER_BOT_TOKEN: masterBot.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      DATA_DIR: tmp.dir,
      TOKEN_ENCRYPTION_KEY: key,
      FLOOD_LIMIT_PER_MINUTE: '1000', // the customers' own anti-flood is not what is measured here
    },
    port,
  );
  try {
    await app.start();
    const tenants = await attachThroughMasterBot(fake, masterBot, port, new AesTokenCipher(Buffer.from(key, 'base64')), 2);
    const post = webhookPoster(tenants);
    const relayedText = (text: string | undefined) => (text ?? '').split('\n\n')[1] ?? '';

    const floodTexts = Array.from({ length: flood }, (_, i) => ({ customer: 5_000_000 + (i % FLOOD_CUSTOMERS), text: `flood ${i}` }));
    const start = Date.now();
    // The flood, posted in order per customer (each customer's messages one after another).
    const flooding = Promise.all(
      Array.from({ length: FLOOD_CUSTOMERS }, async (_, c) => {
        for (const m of floodTexts.filter((_, i) => i % FLOOD_CUSTOMERS === c)) await post(m.text, m.customer, 0);
      }),
    );
    // Master B's customers meanwhile: one message every 2 s, for as long as the flood should take to drain.
    const otherPostedAt = new Map<string, number>();
    const drainEstimateMs = (flood / chatRate) * 1000;
    for (let i = 0; Date.now() - start < drainEstimateMs; i++) {
      const text = `other ${i}`;
      otherPostedAt.set(text, Date.now());
      await post(text, 6_000_000 + i, 1);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    await flooding;
    const floodSet = new Set(floodTexts.map((m) => m.text));
    const relayedFlood = () => fake.sent(masterBot.id).filter((s) => floodSet.has(relayedText(s.text)));
    await fake
      .waitFor(() => new Set(relayedFlood().map((s) => relayedText(s.text))).size >= flood, { timeoutMs: drainEstimateMs * 3 + 60_000 })
      .catch(() => undefined); // what did not arrive is counted as lost below
    const otherWait = fake.waitFor(
      () => fake.sent(masterBot.id).filter((s) => otherPostedAt.has(relayedText(s.text))).length >= otherPostedAt.size,
      {
        timeoutMs: 60_000,
      },
    );
    await otherWait.catch(() => undefined);

    const floodSent = relayedFlood();
    const counts = new Map<string, number>();
    for (const s of floodSent) counts.set(relayedText(s.text), (counts.get(relayedText(s.text)) ?? 0) + 1);
    const firstAt = Math.min(...floodSent.map((s) => s.at));
    const lastAt = Math.max(...floodSent.map((s) => s.at));
    const drainSeconds = (lastAt - firstAt) / 1000;
    let outOfOrderCustomers = 0;
    for (let c = 0; c < FLOOD_CUSTOMERS; c++) {
      const order = floodSent
        .map((s) => relayedText(s.text))
        .filter((t) => Number(t.split(' ')[1]) % FLOOD_CUSTOMERS === c)
        .map((t) => Number(t.split(' ')[1]));
      if (order.some((n, i) => i > 0 && n < order[i - 1])) outOfOrderCustomers += 1;
    }
    const otherLatencies = fake
      .sent(masterBot.id)
      .filter((s) => otherPostedAt.has(relayedText(s.text)))
      .map((s) => s.at - otherPostedAt.get(relayedText(s.text))!)
      .sort((a, b) => a - b);
    const q = (p: number) => otherLatencies[Math.min(otherLatencies.length - 1, Math.floor(p * otherLatencies.length))] ?? NaN;
    return {
      flood,
      chatRate,
      drainSeconds,
      drainShare: drainSeconds > 0 ? (counts.size - 1) / drainSeconds / chatRate : NaN,
      lost: flood - counts.size,
      duplicated: [...counts.values()].reduce((sum, n) => sum + (n - 1), 0),
      outOfOrderCustomers,
      other: { count: otherLatencies.length, p50: q(0.5), p95: q(0.95), max: otherLatencies[otherLatencies.length - 1] ?? NaN },
    };
  } finally {
    await app.stop();
    await fake.stop();
    tmp.remove();
  }
}
