import { resolve } from 'node:path';
import { DEFAULT_SNAPSHOT_EVENTS } from '../../application/command-handling/aggregate-snapshots';
import { DEFAULT_AGGREGATE_CACHE_EVENTS } from '../../application/command-handling/aggregate-cache';
import { BotToken } from '../../domain/client-bot/bot-token';
import { streamPrefixProblem } from '../event-store/stream-prefix';

export interface AppConfig {
  masterBotToken: BotToken;
  telegramApiRoot: string;
  publicUrl: string | null;
  port: number;
  eventStoreUrl: string | null;
  /** `EVENTSTORE_READ_TIMEOUT_MS`: an EventStoreDB read unanswered this long fails (and is retried); the client sets none itself. */
  eventStoreReadTimeoutMs: number;
  /**
   * `EVENTSTORE_STREAM_PREFIX`: this installation's namespace on a shared EventStoreDB server (its streams
   * are `<prefix>/<stream>` there); `null` (the default): none.
   */
  eventStoreStreamPrefix: string | null;
  databaseUrl: string | null;
  dataDir: string;
  tokenEncryptionKey: string | null;
  auditToken: string | null;
  /** Client bots a master may attach on the Free and the Pro plan. */
  planLimits: { free: number; pro: number };
  /** M7: the Pro subscription's price in Telegram Stars per 30 days. */
  proPriceStars: number;
  /** C5: messages a customer may send per minute before being throttled. */
  floodLimitPerMinute: number;
  /** M10: broadcast messages per second per client bot (Telegram allows about 30). */
  broadcastRatePerSecond: number;
  /** How often due scheduled work (reminders, Pro expiry) is looked for, in milliseconds. */
  schedulerIntervalMs: number;
  /** Long-polling timeout (seconds) for getUpdates. */
  pollingTimeoutSeconds: number;
  /** Operability: log format and level, readiness threshold, tokens for health details and metrics. */
  observability: ObservabilityConfig;
  /** A kept-alive HTTP connection idle this long is closed; new ones get min(this, 10 s) for their headers. */
  httpIdleTimeoutMs: number;
  /**
   * `AGGREGATE_CACHE_EVENTS`: how many events the folded aggregates kept between commands stand for, all streams
   * together (AggregateCache); 0 keeps none (every command reads its stream whole).
   */
  aggregateCacheEvents: number;
  /**
   * `AGGREGATE_SNAPSHOT_EVENTS`: a stream this long (events) has its fold saved in DATA_DIR/snapshots.sqlite, so its
   * first command after a start reads the events after the snapshot only (AggregateSnapshots); 0 saves none.
   */
  aggregateSnapshotEvents: number;
  /** `TELEGRAM_TIMEOUT_MS`: an outbound Bot API call unanswered this long is abandoned and retried (files and long polls get more). */
  telegramTimeoutMs: number;
  /**
   * `TELEGRAM_PACING` (`on`) and `TELEGRAM_BOT_MESSAGES_PER_SECOND` (30): messages are paced by Telegram's
   * flood limits, each bot at this rate; `null` (`off`): not paced, only a 429 is waited out.
   */
  telegramPacing: { botMessagesPerSecond: number } | null;
  /**
   * `INTAKE_FIRST_AT` (16) and `INTAKE_FIRST_HOLD_MS` (1000): with this many webhook calls in flight (averaged over
   * ~50 ms), projections and reactions wait for the intake, at most this long at a time (IntakeFirst); 0: never.
   * `INTAKE_FIRST_CALM_MS` (500): they go again once the calls are below half of it and the event loop idle, or
   * after this long below half however busy the loop.
   */
  intakeFirst: { busyAt: number; holdMs: number; calmMs: number };
}

export const LOG_LEVEL_NAMES = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

export interface ObservabilityConfig {
  /** `LOG_FORMAT`: `text` (readable; colour only on a TTY) or `json` (one object per line). */
  logFormat: 'text' | 'json';
  /** `LOG_LEVEL`: the least severe level printed. */
  logLevel: LogLevelName;
  /** `HEALTH_FAILING_AFTER_SECONDS`: a projection or reactor failing (or stuck behind) this long makes readiness 503. */
  healthFailingAfterSeconds: number;
  /** `HEALTH_TOKEN`: a bearer of it sees positions and errors in the health routes; unset: nobody does. */
  healthToken: string | null;
  /** `METRICS_TOKEN`: when set, `/metrics` requires it as a bearer; unset: `/metrics` is open. */
  metricsToken: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** What a process that only reads or maintains the stores (the CLI) needs: no bot token, no HTTP. */
export type StorageConfig = Pick<AppConfig, 'eventStoreUrl' | 'databaseUrl' | 'dataDir' | 'tokenEncryptionKey'> &
  Partial<Pick<AppConfig, 'eventStoreReadTimeoutMs' | 'eventStoreStreamPrefix'>>;

/** Reads one environment and collects every problem, so all of them are reported together. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  text(name: string): string | null {
    const value = this.env[name]?.trim();
    return value ? value : null;
  }

  url(name: string, protocols: string[]): string | null {
    const value = this.text(name);
    if (value === null) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol))
        this.problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value.replace(/\/+$/, '');
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.text(name);
    if (value === null) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === null) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** A bearer secret: unset, or long enough not to be guessed. */
  secret(name: string): string | null {
    const value = this.text(name);
    if (value !== null && value.length < 16) this.problems.push(`${name} must be at least 16 characters`);
    return value;
  }

  observability(): ObservabilityConfig {
    return {
      logFormat: this.oneOf('LOG_FORMAT', ['text', 'json'], 'text'),
      logLevel: this.oneOf('LOG_LEVEL', LOG_LEVEL_NAMES, 'log'),
      healthFailingAfterSeconds: this.int('HEALTH_FAILING_AFTER_SECONDS', 60, 1, 86_400),
      healthToken: this.secret('HEALTH_TOKEN'),
      metricsToken: this.secret('METRICS_TOKEN'),
    };
  }

  pacing(): AppConfig['telegramPacing'] {
    const on = this.oneOf('TELEGRAM_PACING', ['on', 'off'], 'on') === 'on';
    const botMessagesPerSecond = this.int('TELEGRAM_BOT_MESSAGES_PER_SECOND', 30, 1, 1000);
    return on ? { botMessagesPerSecond } : null;
  }

  /** A namespace is a part of an EventStoreDB server: set without `EVENTSTORE_URL`, it would silently mean nothing. */
  streamPrefix(eventStoreUrl: string | null): string | null {
    const value = this.text('EVENTSTORE_STREAM_PREFIX');
    if (value === null) return null;
    const problem = streamPrefixProblem(value);
    if (problem) this.problems.push(`EVENTSTORE_STREAM_PREFIX ${problem}`);
    else if (eventStoreUrl === null)
      this.problems.push('EVENTSTORE_STREAM_PREFIX needs EVENTSTORE_URL (the embedded store has no namespaces)');
    return problem ? null : value;
  }

  storage(): Required<StorageConfig> {
    const tokenEncryptionKey = this.text('TOKEN_ENCRYPTION_KEY');
    if (tokenEncryptionKey !== null && !isBase64Key(tokenEncryptionKey)) {
      this.problems.push('TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
    }
    const eventStoreUrl = this.url('EVENTSTORE_URL', ['esdb:', 'esdb+discover:']);
    return {
      eventStoreUrl,
      eventStoreReadTimeoutMs: this.int('EVENTSTORE_READ_TIMEOUT_MS', 10_000, 100, 600_000),
      eventStoreStreamPrefix: this.streamPrefix(eventStoreUrl),
      databaseUrl: this.url('DATABASE_URL', ['mysql:']),
      dataDir: resolve(this.text('DATA_DIR') ?? './data'),
      tokenEncryptionKey,
    };
  }
}

/**
 * Reads and validates the environment once, at start. Every problem is reported together with the
 * variable's name, never its value (values may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new EnvReader(env);
  const { problems } = read;

  const rawToken = read.text('MASTER_BOT_TOKEN');
  const masterBotToken = rawToken === null ? null : BotToken.parse(rawToken);
  if (rawToken === null) problems.push('MASTER_BOT_TOKEN is required (the token @BotFather gave your MasterBot)');
  else if (!masterBotToken) problems.push('MASTER_BOT_TOKEN is not shaped like a bot token (<bot id>:<35 characters>)');

  const auditToken = read.text('AUDIT_TOKEN');
  if (auditToken !== null && auditToken.length < 16) problems.push('AUDIT_TOKEN must be at least 16 characters');

  const config = {
    telegramApiRoot: read.url('TELEGRAM_API_ROOT', ['https:', 'http:']) ?? 'https://api.telegram.org',
    publicUrl: read.url('PUBLIC_URL', ['https:', 'http:']),
    port: read.int('PORT', 3000, 0, 65535),
    ...read.storage(),
    auditToken,
    planLimits: { free: read.int('FREE_BOT_LIMIT', 1, 1, 100), pro: read.int('PRO_BOT_LIMIT', 10, 1, 100) },
    proPriceStars: read.int('PRO_PRICE_STARS', 250, 1, 100_000),
    floodLimitPerMinute: read.int('FLOOD_LIMIT_PER_MINUTE', 20, 1, 1000),
    broadcastRatePerSecond: read.int('BROADCAST_RATE_PER_SECOND', 25, 1, 30),
    schedulerIntervalMs: read.int('SCHEDULER_INTERVAL_MS', 15_000, 50, 3_600_000),
    pollingTimeoutSeconds: read.int('POLLING_TIMEOUT_SECONDS', 25, 0, 50),
    observability: read.observability(),
    httpIdleTimeoutMs: read.int('HTTP_IDLE_TIMEOUT_MS', 65_000, 100, 600_000),
    telegramTimeoutMs: read.int('TELEGRAM_TIMEOUT_MS', 30_000, 100, 600_000),
    aggregateCacheEvents: read.int('AGGREGATE_CACHE_EVENTS', DEFAULT_AGGREGATE_CACHE_EVENTS, 0, 100_000_000),
    aggregateSnapshotEvents: read.int('AGGREGATE_SNAPSHOT_EVENTS', DEFAULT_SNAPSHOT_EVENTS, 0, 100_000_000),
    telegramPacing: read.pacing(),
    intakeFirst: {
      busyAt: read.int('INTAKE_FIRST_AT', 16, 0, 100_000),
      holdMs: read.int('INTAKE_FIRST_HOLD_MS', 1000, 10, 600_000),
      calmMs: read.int('INTAKE_FIRST_CALM_MS', 500, 0, 60_000),
    },
  };
  if (config.planLimits.pro < config.planLimits.free) problems.push('PRO_BOT_LIMIT must be at least FREE_BOT_LIMIT');
  if (problems.length > 0 || !masterBotToken) throw new ConfigError(problems);
  return { ...config, masterBotToken };
}

/** The storage settings alone (for the CLI), validated the same way as the app's. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const read = new EnvReader(env);
  const config = read.storage();
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

/** 32 bytes in base64 or base64url (what `openssl rand -base64 32` prints). */
function isBase64Key(text: string): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return false;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32;
}
