/** What every inbox mode's bench shares (bench-inboxes.ts): a fresh app and fake with Telegram's flood limits on,
 * the shape of a mode's figures, and how its cells are written. */
import { randomBytes } from 'node:crypto';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { TelegramBotApiFake, type CreatedBot, type SentRecord } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { attachThroughMasterBot, type AttachedTenant } from './bench-support';
import { BOT_PER_SECOND, GROUP_PER_MINUTE, PRIVATE_CHAT_PER_SECOND } from './inbox-ceilings';

/** One line of a mode's table: what is measured, what Telegram's limits allow, what the bench saw. */
export interface CeilingRow {
  measure: string;
  ceiling: string;
  measured: string;
}

export interface InboxModeFigures {
  mode: string;
  /** The load, in a sentence. */
  load: string;
  rows: CeilingRow[];
  seconds: number;
}

/** A fresh app (its own process, embedded store, webhooks) against a fresh fake with Telegram's flood limits on. */
export interface InboxStage {
  fake: TelegramBotApiFake;
  masterBot: CreatedBot;
  /** Registers `masters` masters with the MasterBot, each attaching one client bot, as users do. */
  attach(masters: number, botOptions?: { topicsInPrivateChats?: boolean }): Promise<AttachedTenant[]>;
  /** CPU time (user + system) the app process has used so far, in milliseconds. */
  appCpuMs(): Promise<number>;
}

export interface InboxMode {
  mode: string;
  measure(stage: InboxStage): Promise<Omit<InboxModeFigures, 'mode' | 'seconds'>>;
}

export async function onStage<T>(run: (stage: InboxStage) => Promise<T>): Promise<T> {
  const fake = await TelegramBotApiFake.start({
    rateLimits: { perChatPerSecond: PRIVATE_CHAT_PER_SECOND, perBotPerSecond: BOT_PER_SECOND, perGroupPerMinute: GROUP_PER_MINUTE },
  });
  const tmp = makeTempDir('fb-bench-inboxes-');
  const port = await freePort();
  const key = randomBytes(32).toString('base64');
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot', firstName: 'FeedbackBots' });
  const app = new AppProcess(
    {
      MASTER_BOT_TOKEN: masterBot.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      DATA_DIR: tmp.dir,
      TOKEN_ENCRYPTION_KEY: key,
      FLOOD_LIMIT_PER_MINUTE: '1000', // the customers' own anti-flood (C5) is not what is measured here
    },
    port,
  );
  try {
    await app.start();
    const cipher = new AesTokenCipher(Buffer.from(key, 'base64'));
    return await run({
      fake,
      masterBot,
      attach: (masters, botOptions) => attachThroughMasterBot(fake, masterBot, port, cipher, masters, botOptions),
      appCpuMs: () => app.cpuMs(),
    });
  } finally {
    await app.stop();
    await fake.stop();
    tmp.remove();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "19.6/min (98 %)": a measured rate and its share of the ceiling. */
export function rateCell(measured: number, ceiling: number, unit: '/s' | '/min'): string {
  return `**${round(measured)}${unit}** (${((measured / ceiling) * 100).toFixed(0)} %)`;
}

/** Two significant decimals below 10, one below 100, none above. */
export function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) < 10 ? n.toFixed(2) : Math.abs(n) < 100 ? n.toFixed(1) : n.toFixed(0);
}

export const secondsCell = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Waits until every text of `expected` was sent (or `timeoutMs` passed: what did not arrive is counted lost by the
 * caller), reading the fake's journal from where it left off instead of filtering all of it on every change.
 */
export async function waitForTexts(
  fake: TelegramBotApiFake,
  textOf: (sent: SentRecord) => string | undefined,
  expected: ReadonlySet<string>,
  timeoutMs: number,
): Promise<void> {
  const seen = new Set<string>();
  let cursor = 0;
  await fake
    .waitFor(
      (view) => {
        for (; cursor < view.sent.length; cursor++) {
          const text = textOf(view.sent[cursor]);
          if (text !== undefined && expected.has(text)) seen.add(text);
        }
        return seen.size >= expected.size;
      },
      { timeoutMs },
    )
    .catch(() => undefined);
}
