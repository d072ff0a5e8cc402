import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogLevel } from '@nestjs/common';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openEventStore } from '../../src/app.module';
import { startApp } from '../../src/bootstrap';
import { createReadModelDataSource } from '../../src/projections/read-model.datasource';
import { AesTokenCipher } from '../../src/infrastructure/crypto/token-cipher';
import { Clock } from '../../src/application/ports/clock.port';
import { AppConfig, loadConfig } from '../../src/infrastructure/config/app-config';
import { Scheduler } from '../../src/infrastructure/scheduling/scheduler';
import { ManualClock } from './manual-clock';
import { CreatedBot, TelegramBotApiFake } from './telegram-bot-api.fake';
import { makeTempDir } from './temp-dir';
import { freePort } from './free-port';
import { EngineSettings, engineSettings } from './test-engines';

export interface HarnessOptions {
  mode?: 'webhook' | 'polling';
  databaseUrl?: string;
  logLevels?: LogLevel[];
  env?: Record<string, string>;
  /** The time the scheduler judges due jobs by (default: the system clock); e.g. a ManualClock. */
  clock?: Clock;
  /** `false` skips the plaintext check at `stop()` (only for a test that plants plaintext on purpose). */
  privacyCheck?: boolean;
}

/** A secret found in clear where it must never be: which secret, and where exactly. */
export interface PlaintextFinding {
  secret: string;
  where: string;
}

/**
 * The whole app on embedded storage (or MySQL read models), in a temp DATA_DIR, against the local Bot
 * API fake. Used by the end-to-end tests, the demo and the bench. In the `e2e-production` jest project the
 * app runs on EventStoreDB (a double of its own, or `EVENTSTORE_URL`) and a fresh MariaDB database instead,
 * unless the spec names its own (`databaseUrl`, `env.EVENTSTORE_URL`): see `test-engines.ts`.
 */
export class AppHarness {
  app!: NestFastifyApplication;
  config!: AppConfig;

  private constructor(
    readonly fake: TelegramBotApiFake,
    readonly masterBot: CreatedBot,
    readonly dataDir: string,
    private readonly removeDir: () => void,
    private options: HarnessOptions,
    readonly port: number,
    readonly tokenKey: string,
    /** The engines of this installation, kept across `restartWith` and released by `stop()`. */
    private readonly engines: EngineSettings,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<AppHarness> {
    const fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 20 });
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot', firstName: 'FeedbackBots' });
    const tmp = makeTempDir();
    const engines = await engineSettings({ DATABASE_URL: options.databaseUrl ?? options.env?.DATABASE_URL, ...options.env });
    const key = randomBytes(32).toString('base64');
    const harness = new AppHarness(fake, masterBot, tmp.dir, tmp.remove, options, await freePort(), key, engines);
    try {
      await harness.boot();
    } catch (error) {
      await Promise.allSettled([fake.stop(), engines.release()]);
      tmp.remove();
      throw error;
    }
    return harness;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Boots the app (again) over the same data directory and databases: a process restart. */
  async boot(): Promise<void> {
    const mode = this.options.mode ?? 'webhook';
    this.config = loadConfig({
      MASTER_BOT_TOKEN: this.masterBot.token,
      TELEGRAM_API_ROOT: this.fake.apiRoot,
      PORT: String(this.port),
      DATA_DIR: this.dataDir,
      TOKEN_ENCRYPTION_KEY: this.tokenKey,
      POLLING_TIMEOUT_SECONDS: '1',
      // The fake has no flood limits until a test switches them on; a test that does (or that is about
      // 429s) starts the app with TELEGRAM_PACING=on, the production default. Pacing everywhere would hold
      // every test's master chat to Telegram's one message a second.
      TELEGRAM_PACING: 'off',
      ...(mode === 'webhook' ? { PUBLIC_URL: this.baseUrl } : {}),
      ...this.engines.env,
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}),
      ...this.options.env,
    });
    this.app = await startApp(this.config, { logLevels: this.options.logLevels ?? ['error'], clock: this.options.clock });
  }

  /**
   * Sets the test's ManualClock to `to` (back to the real time, say) and waits for the scheduler's tick in
   * progress: a tick that read the clock before the jump would otherwise judge what is due by the old
   * time, e.g. expire a Pro period paid just after the jump back.
   */
  async setClock(clock: ManualClock, to: Date): Promise<void> {
    clock.set(to);
    await this.app.get(Scheduler).settled();
  }

  async shutdown(): Promise<void> {
    await this.app.close();
  }

  /** Stops the app and starts it again over the same data with changed settings (e.g. polling → webhooks). */
  async restartWith(change: Pick<HarnessOptions, 'mode' | 'env'>): Promise<void> {
    await this.shutdown();
    this.options = { ...this.options, ...change, env: { ...this.options.env, ...change.env } };
    await this.boot();
  }

  /**
   * The final shutdown. Before the data directory goes, every stored event and every read-model row is
   * searched for secrets in clear (see `findPlaintextSecrets`): each spec that uses the harness proves
   * "no plaintext content, no plaintext tokens" over everything it did. Throws if one is found.
   */
  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    let findings: PlaintextFinding[] = [];
    try {
      if (this.options.privacyCheck !== false) findings = await this.findPlaintextSecrets();
    } finally {
      await this.fake.stop();
      this.removeDir();
      await this.engines.release();
    }
    if (findings.length > 0) {
      const shown = findings.slice(0, 10).map((f) => `  - ${f.secret} in ${f.where}`);
      throw new Error(`Secrets stored in clear (${findings.length}):\n${shown.join('\n')}`);
    }
  }

  /**
   * Every bot token the fake issued and every meaningful text or caption a user (customer or master) sent
   * through it, searched for in each event's data and metadata (read through the event store port, so
   * EventStoreDB mode is covered too) and in each row of each read-model table. Safe to call while the
   * app runs, though events appended meanwhile may be missed.
   */
  async findPlaintextSecrets(): Promise<PlaintextFinding[]> {
    const secrets = plaintextSecrets(this.fake);
    const findings: PlaintextFinding[] = [];
    const search = (value: unknown, where: string) => {
      const texts = leaves(value);
      for (const s of secrets)
        if (texts.some((t) => (s.whole ? t === s.needle : t.includes(s.needle)))) findings.push({ secret: s.label, where });
    };
    const store = await openEventStore(this.config);
    try {
      for (let after: bigint | undefined; ;) {
        const page = await store.readAll({ after, maxCount: 1000 });
        for (const e of page) search([e.data, e.metadata], `event ${e.streamId}@${e.revision} (${e.type})`);
        if (page.length < 1000) break;
        after = page[page.length - 1].position;
      }
    } finally {
      await store.close();
    }
    // Saved folds (AggregateSnapshots): JSON, searched as every other JSON column.
    const snapshotsFile = join(this.dataDir, 'snapshots.sqlite');
    if (existsSync(snapshotsFile)) {
      const snapshots = new Database(snapshotsFile, { readonly: true });
      try {
        const rows = snapshots.prepare('SELECT stream_id, payload FROM snapshots').all() as { stream_id: string; payload: Buffer }[];
        for (const row of rows) search(row.payload.toString('utf8'), `snapshot of ${row.stream_id}`);
      } finally {
        snapshots.close();
      }
    }
    const readModels = createReadModelDataSource(this.config);
    await readModels.initialize();
    try {
      for (const table of await tablesOf(readModels)) {
        const rows = await readModels.query<Record<string, unknown>[]>(`SELECT * FROM ${quoted(readModels, table)}`);
        rows.forEach((row, i) => search(row, `read model ${table}, row ${i + 1}`));
      }
    } finally {
      await readModels.destroy();
    }
    return findings;
  }

  /** The webhook secret Telegram would send for `ref` ('master' or a client bot's id). */
  secretFor(ref: string): string {
    return new AesTokenCipher(Buffer.from(this.tokenKey, 'base64')).webhookSecret(ref);
  }

  /** POSTs raw JSON to one of our webhook endpoints, as Telegram would. */
  async postWebhook(path: string, body: unknown, secret?: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }
}

/** "/start", "/remind 4", "12", "ok": too short or too common to prove anything by their absence. */
function meaningful(text: string): boolean {
  const t = text.trim();
  return t.length >= 6 && !t.startsWith('/') && !/^[\d\s.,:+-]+$/.test(t);
}

/**
 * The secrets, each with a label that does not repeat it whole. A one-word text ("answer") counts only
 * as a whole stored value: inside other values it is as likely an identifier ("checkout-answer").
 */
function plaintextSecrets(fake: TelegramBotApiFake): { label: string; needle: string; whole: boolean }[] {
  const tokens = fake.issuedTokens().flatMap((token) => {
    const [botId, secret] = token.split(':');
    const label = `the token of bot ${botId}`;
    return [
      { label, needle: token, whole: false },
      { label: `${label} (its secret part)`, needle: secret, whole: false },
    ];
  });
  const typed = fake.userTexts();
  const texts = [...new Set([...typed.filter(meaningful), ...typed.flatMap(commandSecrets)])].map((text) => ({
    label: `the text ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`,
    needle: text,
    whole: !/\s/.test(text.trim()) && text.trim().length < 12,
  }));
  return [...tokens, ...texts];
}

/** The product's own commands: their names are not secrets (they are recorded as what happened). */
const KNOWN_COMMANDS = new Set(
  ['start', 'help', 'add', 'remove', 'cancel', 'bots', 'qr', 'greeting', 'broadcast', 'banned', 'ban', 'unban']
    .concat(['reminders', 'subscribe', 'unsubscribe', 'close', 'reopen', 'delete', 'note', 'connect', 'inbox'])
    .map((name) => `/${name}`),
);

/**
 * What a command carries that is typed, not chosen from the menu: the name of a command the product does
 * not have ("/frobnicate") and an argument ("/qr summer-sale" → "summer-sale") that is a word of 6+
 * characters or a meaningful text.
 */
function commandSecrets(text: string): string[] {
  const t = text.trim();
  if (!t.startsWith('/')) return [];
  const [head, ...rest] = t.split(/\s+/);
  const name = head.split('@')[0].toLowerCase();
  const argument = rest.join(' ');
  return [
    ...(KNOWN_COMMANDS.has(name) || name.length < 6 ? [] : [name]),
    ...(meaningful(argument) && !/^[\d\s.,:+-]+$/.test(argument) ? [argument] : []),
  ];
}

/** Every string in a value, at any depth; a string holding JSON (a row's JSON column) is opened too. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (/^\s*[[{]/.test(value)) {
      try {
        leaves(JSON.parse(value), out);
      } catch {
        // Not JSON after all: searched as the text it is.
      }
    }
  } else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (value instanceof Map) [...value].forEach(([k, v]) => leaves([k, v], out));
  else if (value instanceof Set) [...value].forEach((v) => leaves(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => leaves(v, out));
  return out;
}

async function tablesOf(db: DataSource): Promise<string[]> {
  if (db.options.type === 'mysql') return (await db.query<Record<string, string>[]>('SHOW TABLES')).map((row) => Object.values(row)[0]);
  return (await db.query<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map(
    (r) => r.name,
  );
}

function quoted(db: DataSource, table: string): string {
  return db.options.type === 'mysql' ? `\`${table.replace(/`/g, '``')}\`` : `"${table.replace(/"/g, '""')}"`;
}
