import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { BotToken } from '../domain/client-bot/bot-token';
import type { LogLevelName, ObservabilityConfig } from './config/app-config';

/** Nest's start-up route table and module list: one line per route and module, noise at the default level. */
const START_UP_NOISE = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/** Escape sequences Nest adds to some messages itself (not only through `colors`). */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const ANSI_IN_JSON = /\\u001b\[[0-9;]*m/g;

/** `LOG_LEVEL` names the least severe level printed; everything more severe is printed too. */
export function logLevelsFrom(level: LogLevelName): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

export interface RedactingLoggerOptions {
  json?: boolean;
  /** Colour codes; default: only when stdout is a terminal (never when piped to a file or a log shipper). */
  colors?: boolean;
}

/**
 * The console logger with every token-shaped string redacted, whatever code logged it and in every
 * format: readable text (colour only on a TTY) or one JSON object per line (`LOG_FORMAT=json`).
 * Message content never reaches it: the code logs ids and outcomes, never texts (see architecture.md).
 */
export class RedactingLogger extends ConsoleLogger {
  constructor(levels: LogLevel[], options: RedactingLoggerOptions = {}) {
    const json = options.json ?? false;
    const colors = !json && (options.colors ?? (process.stdout.isTTY === true && !process.env.NO_COLOR));
    super('FeedbackBots', { logLevels: levels, json, colors });
  }

  /** The app's logger as the settings ask (a test may still choose its own levels). */
  static fromConfig(config: ObservabilityConfig, levels?: LogLevel[]): RedactingLogger {
    return new RedactingLogger(levels ?? logLevelsFrom(config.logLevel), { json: config.logFormat === 'json' });
  }

  /** Nest's route table and module list go to `debug`: shown when asked for, not on every start. */
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && START_UP_NOISE.has(context)) return this.debug(message, ...rest);
    super.log(message, ...rest);
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    const text = BotToken.redact(super.formatMessage(...args));
    return this.options.colors ? text : text.replace(ANSI, '');
  }

  protected override printStackTrace(stack: string | undefined): void {
    super.printStackTrace(typeof stack === 'string' ? BotToken.redact(stack) : (stack as unknown as string));
  }

  /**
   * JSON lines are redacted after serialisation, so message, context and stack are all covered (a token
   * holds no JSON syntax, so the line stays valid). JSON mode never colours, so this is its only path.
   */
  protected override stringifyJsonLogObject(object: Record<string, unknown>): string {
    return BotToken.redact(super.stringifyJsonLogObject(object)).replace(ANSI_IN_JSON, '');
  }
}
