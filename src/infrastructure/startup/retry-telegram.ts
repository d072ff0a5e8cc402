import { Logger } from '@nestjs/common';
import { isTelegramRefusal } from '../../application/ports/telegram.port';
import { describeTelegramFailure } from '../telegram/telegram-failure';

const MAX_DELAY_MS = 30_000;

/**
 * Runs a Telegram call until it succeeds, waiting 1, 2, 4 … 30 s between attempts and logging each
 * failure in one short line: at boot Telegram (or the network to it) may be down for a while, and the
 * app should come up once it is back rather than exit. A refusal (4xx but 429: a rejected token, a
 * webhook URL Telegram will not take) is thrown at once: waiting cannot fix it.
 */
export async function retryTelegram<T>(what: string, call: () => Promise<T>, logger = new Logger('Startup')): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (isTelegramRefusal(error) && error.code !== 429) throw error;
      const delay = Math.min(1000 * 2 ** (attempt - 1), MAX_DELAY_MS);
      logger.warn(`Telegram unreachable (${what}: ${describeTelegramFailure(error)}); attempt ${attempt}, retrying in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
