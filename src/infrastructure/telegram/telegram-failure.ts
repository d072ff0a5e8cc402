import { PossiblySentError, TelegramApiError, TelegramUnreachableError } from '../../application/ports/telegram.port';
import { BotToken } from '../../domain/client-bot/bot-token';

/**
 * A Telegram call's failure in a few words, for a log line. A network error's message holds the
 * request URL, which holds the bot's token: only its code (ECONNREFUSED, ETIMEDOUT…) is shown.
 */
export function describeTelegramFailure(error: unknown): string {
  if (error instanceof TelegramApiError) return `${error.code} ${error.description}`;
  // The caller names the method already: the reason (an error code) is what is new.
  if (error instanceof TelegramUnreachableError) return error.reason;
  if (error instanceof PossiblySentError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code) return code;
  return BotToken.redact(error instanceof Error ? error.message : String(error));
}

/** Telegram answered that the token is not (or no longer) valid: retrying cannot help. */
export const isTokenRejected = (error: unknown): error is TelegramApiError => error instanceof TelegramApiError && error.tokenRevoked;
