import { isAbsolute, resolve } from 'node:path';
import { ConfigError, loadConfig, loadStorageConfig } from '../src/infrastructure/config/app-config';

const SECRET = 'AAHk3_Zq9-vQx7LmNp2RsTuVwXyZ0123abc';
const MASTER_BOT_TOKEN = `7123456789:${SECRET}`;
/** 32 bytes in base64, as `openssl rand -base64 32` prints them. */
const TOKEN_ENCRYPTION_KEY = 'q3Jm0c1Zb7mH0cV2m5x8Qe9yWl4tRz6uKp1sNa2dFgE=';

/** Runs loadConfig and returns the ConfigError it throws (failing the test when it does not throw one). */
function configErrorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('loadConfig', () => {
  describe('an operator who sets only the MasterBot token', () => {
    const config = loadConfig({ MASTER_BOT_TOKEN });

    it('gets the documented defaults', () => {
      expect(config).toMatchObject({
        telegramApiRoot: 'https://api.telegram.org',
        port: 3000,
        eventStoreUrl: null,
        eventStoreReadTimeoutMs: 10_000,
        eventStoreStreamPrefix: null,
        databaseUrl: null,
        tokenEncryptionKey: null,
        auditToken: null,
        planLimits: { free: 1, pro: 10 },
        proPriceStars: 250,
        floodLimitPerMinute: 20,
        broadcastRatePerSecond: 25,
        schedulerIntervalMs: 15_000,
        pollingTimeoutSeconds: 25,
        httpIdleTimeoutMs: 65_000,
        telegramTimeoutMs: 30_000,
        aggregateCacheEvents: 100_000,
        aggregateSnapshotEvents: 5_000,
        telegramPacing: { botMessagesPerSecond: 30 },
      });
    });

    it('runs in long-polling mode (no PUBLIC_URL)', () => {
      expect(config.publicUrl).toBeNull();
    });

    it('keeps embedded files in ./data, resolved to an absolute path', () => {
      expect(config.dataDir).toBe(resolve('./data'));
      expect(isAbsolute(config.dataDir)).toBe(true);
    });

    it('has the MasterBot token parsed, and it never prints itself', () => {
      expect(config.masterBotToken.botId).toBe(7123456789);
      expect(config.masterBotToken.reveal()).toBe(MASTER_BOT_TOKEN);
      expect(JSON.stringify(config)).not.toContain(SECRET);
    });
  });

  it('an operator who sets every variable gets exactly those values', () => {
    const config = loadConfig({
      MASTER_BOT_TOKEN: `  ${MASTER_BOT_TOKEN}\n`,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      PUBLIC_URL: 'https://feedback.example.com/',
      PORT: '8080',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      EVENTSTORE_READ_TIMEOUT_MS: '3000',
      EVENTSTORE_STREAM_PREFIX: 'staging',
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/feedbackbots',
      DATA_DIR: 'var/feedbackbots',
      TOKEN_ENCRYPTION_KEY,
      AUDIT_TOKEN: 'auditor-bearer-0123456789',
      FREE_BOT_LIMIT: '2',
      PRO_BOT_LIMIT: '20',
      PRO_PRICE_STARS: '500',
      FLOOD_LIMIT_PER_MINUTE: '30',
      BROADCAST_RATE_PER_SECOND: '10',
      SCHEDULER_INTERVAL_MS: '1000',
      POLLING_TIMEOUT_SECONDS: '50',
      HTTP_IDLE_TIMEOUT_MS: '5000',
      TELEGRAM_TIMEOUT_MS: '10000',
      AGGREGATE_CACHE_EVENTS: '2000000',
      AGGREGATE_SNAPSHOT_EVENTS: '20000',
      TELEGRAM_BOT_MESSAGES_PER_SECOND: '100',
      INTAKE_FIRST_AT: '40',
      INTAKE_FIRST_HOLD_MS: '250',
      INTAKE_FIRST_CALM_MS: '100',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
      HEALTH_FAILING_AFTER_SECONDS: '120',
      HEALTH_TOKEN: 'health-bearer-0123456789',
      METRICS_TOKEN: 'metrics-bearer-0123456789',
    });
    expect(config).toEqual({
      masterBotToken: expect.anything(),
      telegramApiRoot: 'http://127.0.0.1:8081',
      publicUrl: 'https://feedback.example.com',
      port: 8080,
      eventStoreUrl: 'esdb://eventstore:2113?tls=false',
      eventStoreReadTimeoutMs: 3000,
      eventStoreStreamPrefix: 'staging',
      databaseUrl: 'mysql://root@127.0.0.1:3306/feedbackbots',
      dataDir: resolve('var/feedbackbots'),
      tokenEncryptionKey: TOKEN_ENCRYPTION_KEY,
      auditToken: 'auditor-bearer-0123456789',
      planLimits: { free: 2, pro: 20 },
      proPriceStars: 500,
      floodLimitPerMinute: 30,
      broadcastRatePerSecond: 10,
      schedulerIntervalMs: 1000,
      pollingTimeoutSeconds: 50,
      httpIdleTimeoutMs: 5000,
      telegramTimeoutMs: 10000,
      aggregateCacheEvents: 2_000_000,
      aggregateSnapshotEvents: 20_000,
      telegramPacing: { botMessagesPerSecond: 100 },
      intakeFirst: { busyAt: 40, holdMs: 250, calmMs: 100 },
      observability: {
        logFormat: 'json',
        logLevel: 'debug',
        healthFailingAfterSeconds: 120,
        healthToken: 'health-bearer-0123456789',
        metricsToken: 'metrics-bearer-0123456789',
      },
    });
    expect(config.masterBotToken.reveal()).toBe(MASTER_BOT_TOKEN);
  });

  it('an EventStoreDB cluster connection string (esdb+discover) is accepted', () => {
    expect(loadConfig({ MASTER_BOT_TOKEN, EVENTSTORE_URL: 'esdb+discover://node1:2113' }).eventStoreUrl).toBe('esdb+discover://node1:2113');
  });

  describe('an operator sharing one EventStoreDB server between installations (EVENTSTORE_STREAM_PREFIX)', () => {
    const EVENTSTORE_URL = 'esdb://eventstore:2113?tls=false';

    it.each(['staging', 'shop-2', 'tenant_7', '0', 'a'.repeat(32)])('may name the namespace %s', (prefix) => {
      expect(loadConfig({ MASTER_BOT_TOKEN, EVENTSTORE_URL, EVENTSTORE_STREAM_PREFIX: ` ${prefix} ` }).eventStoreStreamPrefix).toBe(prefix);
    });

    it('gives the CLI (audit, projections, privacy erase) the same namespace as the app', () => {
      expect(loadStorageConfig({ EVENTSTORE_URL, EVENTSTORE_STREAM_PREFIX: 'staging' }).eventStoreStreamPrefix).toBe('staging');
      expect(() => loadStorageConfig({ EVENTSTORE_URL, EVENTSTORE_STREAM_PREFIX: 'Staging' })).toThrow(
        /EVENTSTORE_STREAM_PREFIX must be 1 to 32/,
      );
    });

    it.each([
      ['upper case', 'Staging'],
      ['the separator', 'shop/a'],
      ['a leading dash', '-shop'],
      ['too long', 'a'.repeat(33)],
      ['a dot', 'shop.a'],
      ['a space inside', 'shop a'],
    ])('is told the prefix is wrong (%s), with what it may be', (_case, prefix) => {
      const error = configErrorFor({ MASTER_BOT_TOKEN, EVENTSTORE_URL, EVENTSTORE_STREAM_PREFIX: prefix });
      expect(error.problems).toEqual([
        'EVENTSTORE_STREAM_PREFIX must be 1 to 32 characters: lower-case letters, digits, _ and -, starting with a letter or digit (e.g. staging)',
      ]);
    });

    it('is told a prefix means nothing without EVENTSTORE_URL (the embedded store)', () => {
      expect(configErrorFor({ MASTER_BOT_TOKEN, EVENTSTORE_STREAM_PREFIX: 'shop-a' }).problems).toEqual([
        'EVENTSTORE_STREAM_PREFIX needs EVENTSTORE_URL (the embedded store has no namespaces)',
      ]);
    });
  });

  it("an operator can switch pacing by Telegram's flood limits off (a Bot API without limits)", () => {
    expect(loadConfig({ MASTER_BOT_TOKEN, TELEGRAM_PACING: 'off' }).telegramPacing).toBeNull();
  });

  it('a variable set to blanks counts as unset', () => {
    const config = loadConfig({ MASTER_BOT_TOKEN, PUBLIC_URL: '   ', PORT: '', AUDIT_TOKEN: ' ' });
    expect(config).toMatchObject({ publicUrl: null, port: 3000, auditToken: null });
  });

  describe('an operator with a mistake in the environment', () => {
    it.each([
      ['MASTER_BOT_TOKEN', 'missing', undefined],
      ['MASTER_BOT_TOKEN', 'blank', '   '],
      ['MASTER_BOT_TOKEN', 'not shaped like a token', `7123456789:${SECRET.slice(3)}`],
      ['MASTER_BOT_TOKEN', 'a token inside other words', `token=${MASTER_BOT_TOKEN}`],
      ['PORT', 'not a number', 'abc'],
      ['PORT', 'out of range', '70000'],
      ['PORT', 'not a whole number', '3000.5'],
      ['EVENTSTORE_URL', 'an http URL', 'http://x'],
      ['EVENTSTORE_URL', 'not a URL', 'eventstore-host'],
      ['DATABASE_URL', 'a PostgreSQL URL', 'postgres://feedback:hunter2@db:5432/feedback'],
      ['PUBLIC_URL', 'not a URL', 'feedback.example.com/hooks'],
      ['PUBLIC_URL', 'not http(s)', 'ftp://feedback.example.com'],
      ['TELEGRAM_API_ROOT', 'not a URL', 'bot-api-server'],
      ['TOKEN_ENCRYPTION_KEY', 'too short', 'c2hvcnRrZXk='],
      ['TOKEN_ENCRYPTION_KEY', 'not base64', `${TOKEN_ENCRYPTION_KEY.slice(0, 40)}!!!!!`],
      ['AUDIT_TOKEN', 'too short', 'letmein'],
      ['FREE_BOT_LIMIT', 'negative', '-2'],
      ['PRO_BOT_LIMIT', 'more than the maximum', '500'],
      ['PRO_PRICE_STARS', 'not a number', 'free'],
      ['BROADCAST_RATE_PER_SECOND', 'above Telegram’s limit', '100'],
      ['POLLING_TIMEOUT_SECONDS', 'above Telegram’s limit', '60'],
      ['TELEGRAM_TIMEOUT_MS', 'below 100 ms', '5'],
      ['EVENTSTORE_READ_TIMEOUT_MS', 'below 100 ms', '50'],
      ['EVENTSTORE_READ_TIMEOUT_MS', 'not a number', '10s'],
      ['TELEGRAM_TIMEOUT_MS', 'not a number', '30s'],
      ['TELEGRAM_PACING', 'neither on nor off', 'maybe'],
      ['AGGREGATE_CACHE_EVENTS', 'negative', '-1'],
      ['AGGREGATE_CACHE_EVENTS', 'not a whole number', '1e5'],
      ['AGGREGATE_SNAPSHOT_EVENTS', 'negative', '-5'],
      ['AGGREGATE_SNAPSHOT_EVENTS', 'not a whole number', 'many'],
      ['TELEGRAM_BOT_MESSAGES_PER_SECOND', 'not a number', '30/s'],
      ['INTAKE_FIRST_AT', 'negative', '-1'],
      ['INTAKE_FIRST_HOLD_MS', 'below 10 ms', '7'],
      ['INTAKE_FIRST_CALM_MS', 'negative', '-5'],
    ])('is told that %s is wrong (%s), without the value being printed', (name, _case, value) => {
      const env: NodeJS.ProcessEnv = name === 'MASTER_BOT_TOKEN' ? {} : { MASTER_BOT_TOKEN };
      if (value !== undefined) env[name] = value;

      const error = configErrorFor(env);

      expect(error.problems).toHaveLength(1);
      expect(error.problems[0].startsWith(`${name} `)).toBe(true);
      expect(error.message).toContain(name);
      if (value !== undefined && value.trim() !== '') {
        expect(error.message).not.toContain(value.trim());
        expect(error.problems[0]).not.toContain(value.trim());
      }
      expect(error.message).not.toContain(SECRET.slice(3));
      expect(error.name).toBe('ConfigError');
    });

    it('is told about every problem at once, each by variable name', () => {
      const error = configErrorFor({
        PORT: 'abc',
        EVENTSTORE_URL: 'http://x',
        DATABASE_URL: 'postgres://feedback:hunter2@db/feedback',
        PUBLIC_URL: 'feedback.example.com',
        TOKEN_ENCRYPTION_KEY: 'c2hvcnRrZXk=',
        AUDIT_TOKEN: 'letmein',
      });
      const named = (variable: string) => error.problems.filter((problem) => problem.startsWith(`${variable} `));
      for (const variable of [
        'MASTER_BOT_TOKEN',
        'PORT',
        'EVENTSTORE_URL',
        'DATABASE_URL',
        'PUBLIC_URL',
        'TOKEN_ENCRYPTION_KEY',
        'AUDIT_TOKEN',
      ]) {
        expect(named(variable)).toHaveLength(1);
      }
      expect(error.problems).toHaveLength(7);
      for (const secretish of ['hunter2', 'letmein', 'c2hvcnRrZXk=', 'http://x', 'abc']) {
        expect(error.message).not.toContain(secretish);
      }
    });
  });
});
