import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTelegramRefusal } from '../../application/ports/telegram.port';
import { describeTelegramFailure } from '../telegram/telegram-failure';
import { backoffMs } from '../backoff';

const MAX_DELAY_MS = 30_000;

/** The wait after the `attempt`-th failure: 1, 2, 4 … 30 s. */
export const retryDelayMs = (attempt: number): number => backoffMs(attempt - 1, 1000, MAX_DELAY_MS);

/** The app is stopping while start-up was still waiting for Telegram: the start is given up. */
export class StartupAbandonedError extends Error {
  constructor(what: string) {
    super(`start-up abandoned while waiting for Telegram (${what}): the app is stopping`);
    this.name = 'StartupAbandonedError';
  }
}

export interface RetryOptions {
  /** A stop: ends the wait (and the retries) at once with a `StartupAbandonedError`. */
  signal?: AbortSignal;
  logger?: Logger;
  delayMs?: (attempt: number) => number;
}

/**
 * Runs a Telegram call until it succeeds, waiting 1, 2, 4 … 30 s between attempts and logging each
 * failure in one short line: at boot Telegram (or the network to it) may be down for a while, and the
 * app should come up once it is back rather than exit. A refusal (4xx but 429: a rejected token, a
 * webhook URL Telegram will not take) is thrown at once: waiting cannot fix it. A stop signal (`signal`)
 * ends the waiting at once, so stopping an app that waits for Telegram does not wait out a back-off.
 */
export async function retryTelegram<T>(what: string, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { signal, logger = new Logger('Startup'), delayMs = retryDelayMs } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new StartupAbandonedError(what);
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw new StartupAbandonedError(what);
      if (isTelegramRefusal(error) && error.code !== 429) throw error;
      const delay = delayMs(attempt);
      logger.warn(`Telegram unreachable (${what}: ${describeTelegramFailure(error)}); attempt ${attempt}, retrying in ${delay / 1000} s`);
      await sleep(delay, undefined, { signal }).catch(() => undefined); // rejects only on the stop, checked above
    }
  }
}
