import { resolve } from 'node:path';
import { BotToken } from '../../domain/client-bot/bot-token';

export interface AppConfig {
  masterBotToken: BotToken;
  telegramApiRoot: string;
  publicUrl: string | null;
  port: number;
  eventStoreUrl: string | null;
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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once, at start. Every problem is reported together with the
 * variable's name, never its value (values may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const text = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const value = text(name);
    if (value === null) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return value.replace(/\/+$/, '');
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = text(name);
    if (value === null) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };

  const rawToken = text('MASTER_BOT_TOKEN');
  const masterBotToken = rawToken === null ? null : BotToken.parse(rawToken);
  if (rawToken === null) problems.push('MASTER_BOT_TOKEN is required (the token @BotFather gave your MasterBot)');
  else if (!masterBotToken) problems.push('MASTER_BOT_TOKEN is not shaped like a bot token (<bot id>:<35 characters>)');

  const tokenEncryptionKey = text('TOKEN_ENCRYPTION_KEY');
  if (tokenEncryptionKey !== null && !isBase64Key(tokenEncryptionKey)) {
    problems.push('TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  const auditToken = text('AUDIT_TOKEN');
  if (auditToken !== null && auditToken.length < 16) problems.push('AUDIT_TOKEN must be at least 16 characters');

  const config = {
    telegramApiRoot: url('TELEGRAM_API_ROOT', ['https:', 'http:']) ?? 'https://api.telegram.org',
    publicUrl: url('PUBLIC_URL', ['https:', 'http:']),
    port: int('PORT', 3000, 0, 65535),
    eventStoreUrl: url('EVENTSTORE_URL', ['esdb:', 'esdb+discover:']),
    databaseUrl: url('DATABASE_URL', ['mysql:']),
    dataDir: resolve(text('DATA_DIR') ?? './data'),
    tokenEncryptionKey,
    auditToken,
    planLimits: { free: int('FREE_BOT_LIMIT', 1, 1, 100), pro: int('PRO_BOT_LIMIT', 10, 1, 100) },
    proPriceStars: int('PRO_PRICE_STARS', 250, 1, 100_000),
    floodLimitPerMinute: int('FLOOD_LIMIT_PER_MINUTE', 20, 1, 1000),
    broadcastRatePerSecond: int('BROADCAST_RATE_PER_SECOND', 25, 1, 30),
    schedulerIntervalMs: int('SCHEDULER_INTERVAL_MS', 15_000, 50, 3_600_000),
    pollingTimeoutSeconds: int('POLLING_TIMEOUT_SECONDS', 25, 0, 50),
  };
  if (config.planLimits.pro < config.planLimits.free) problems.push('PRO_BOT_LIMIT must be at least FREE_BOT_LIMIT');
  if (problems.length > 0 || !masterBotToken) throw new ConfigError(problems);
  return { ...config, masterBotToken };
}

/** 32 bytes in base64 or base64url (what `openssl rand -base64 32` prints). */
function isBase64Key(text: string): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return false;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32;
}
