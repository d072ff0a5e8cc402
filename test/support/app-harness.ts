import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogLevel } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { startApp } from '../../src/bootstrap';
import { AesTokenCipher } from '../../src/infrastructure/crypto/token-cipher';
import { Clock } from '../../src/application/ports/clock.port';
import { AppConfig, loadConfig } from '../../src/infrastructure/config/app-config';
import { CreatedBot, TelegramBotApiFake } from './telegram-bot-api.fake';
import { makeTempDir } from './temp-dir';
import { freePort } from './free-port';

export interface HarnessOptions {
  mode?: 'webhook' | 'polling';
  databaseUrl?: string;
  logLevels?: LogLevel[];
  env?: Record<string, string>;
  /** The time the scheduler judges due jobs by (default: the system clock); e.g. a ManualClock. */
  clock?: Clock;
}

/**
 * The whole app on embedded storage (or MySQL read models), in a temp DATA_DIR, against the local Bot
 * API fake. Used by the end-to-end tests, the demo and the bench.
 */
export class AppHarness {
  app!: NestFastifyApplication;
  config!: AppConfig;

  private constructor(
    readonly fake: TelegramBotApiFake,
    readonly masterBot: CreatedBot,
    readonly dataDir: string,
    private readonly removeDir: () => void,
    private readonly options: HarnessOptions,
    readonly port: number,
    readonly tokenKey: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<AppHarness> {
    const fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 20 });
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot', firstName: 'FeedbackBots' });
    const tmp = makeTempDir();
    const harness = new AppHarness(fake, masterBot, tmp.dir, tmp.remove, options, await freePort(), randomBytes(32).toString('base64'));
    await harness.boot();
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
      ...(mode === 'webhook' ? { PUBLIC_URL: this.baseUrl } : {}),
      ...(this.options.databaseUrl ? { DATABASE_URL: this.options.databaseUrl } : {}),
      ...this.options.env,
    });
    this.app = await startApp(this.config, { logLevels: this.options.logLevels ?? ['error'], clock: this.options.clock });
  }

  async shutdown(): Promise<void> {
    await this.app.close();
  }

  async stop(): Promise<void> {
    await this.app.close().catch(() => undefined);
    await this.fake.stop();
    this.removeDir();
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

