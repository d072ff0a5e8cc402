import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { BotToken } from '../domain/client-bot/bot-token';

/** The console logger with every token-shaped string redacted, whatever code logged it. */
export class RedactingLogger extends ConsoleLogger {
  constructor(levels: LogLevel[]) {
    super('FeedbackBots', { logLevels: levels });
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return BotToken.redact(super.formatMessage(...args));
  }
}
