import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { BotApi, TelegramApiError } from '../../application/ports/telegram.port';
import { describeTelegramFailure } from './telegram-failure';
import { BadUpdateError } from './telegram-update';
import { backoffMs } from '../backoff';

/** Wait before the next poll after `failures` failed ones in a row: 1 s, 2 s, 4 s … at most 30 s. */
export const pollBackoffMs = (failures: number): number => backoffMs(failures, 500, 30_000);

/**
 * Long polling for one bot, at-least-once: the offset passed to getUpdates (which is what confirms
 * updates to Telegram) only moves past an update after `record` resolved for it. A failed update is
 * fetched again after a back-off, and the updates behind it wait — one chat's order is kept.
 * (Telegraf's own polling loop confirms before handling; we do not use it.) `stop()` ends the poll in
 * flight and any back-off at once: a stop never waits out a 30 s back-off.
 */
export class UpdatePoller {
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private offset = 0;

  constructor(
    readonly name: string,
    private readonly api: BotApi,
    private readonly record: (update: unknown) => Promise<void>,
    private readonly timeoutSeconds: number,
    private readonly onFatal: (error: TelegramApiError) => void = () => undefined,
    private readonly backoffMs: (failures: number) => number = pollBackoffMs,
  ) {
    this.logger = new Logger(`Polling:${name}`);
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const updates = await this.api.getUpdates(this.offset, this.timeoutSeconds, this.abort.signal);
        for (const update of updates) {
          await this.recordOne(update);
          this.offset = (update as { update_id: number }).update_id + 1;
        }
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof TelegramApiError && error.tokenRevoked) {
          this.logger.error(`token rejected by Telegram (${error.code}); polling stopped`);
          this.onFatal(error);
          return;
        }
        // 409: the bot still has a webhook (set while PUBLIC_URL was set) and Telegram refuses getUpdates
        // until it is deleted; or another process polls the same bot.
        if (error instanceof TelegramApiError && error.code === 409)
          await this.api.deleteWebhook().catch((e: unknown) => this.logger.warn(`deleteWebhook: ${describeTelegramFailure(e)}`));
        failures += 1;
        const delay = this.backoffMs(failures);
        this.logger.warn(`getUpdates: ${describeTelegramFailure(error)}; retrying in ${delay} ms`);
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined); // rejects only on stop
      }
    }
  }

  private async recordOne(update: unknown): Promise<void> {
    try {
      await this.record(update);
    } catch (error) {
      // A malformed update will never record: skip it rather than block the bot forever.
      if (error instanceof BadUpdateError) return void this.logger.warn(error.message);
      throw error;
    }
  }
}
