import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdatePoller } from '../src/infrastructure/telegram/update-poller';
import { retryTelegram, StartupAbandonedError } from '../src/infrastructure/startup/retry-telegram';
import { unreachableBotApi } from './support/unreachable-bot-api';

/** Far longer than any test runs: a stop that waited it out would never come back in time. */
const AN_HOUR = 3_600_000;
/** How long the tests give a stop: generous, and still far short of the back-off. */
const BOUND_MS = 10_000;

/** 'stopped' if `stop` settled within the bound, else 'still waiting'. */
async function within(stop: Promise<unknown>): Promise<string> {
  const bound = new AbortController();
  const outcome = await Promise.race([
    stop.then(
      () => 'stopped',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    ),
    sleep(BOUND_MS, 'still waiting', { signal: bound.signal }),
  ]);
  bound.abort();
  return outcome;
}

describe('stopping while Telegram is unreachable', () => {
  it("a client bot's poller stops at once while it waits to poll again, not after its back-off", async () => {
    const telegram = unreachableBotApi();
    const poller = new UpdatePoller(
      'client-1',
      telegram.api,
      async () => undefined,
      25,
      undefined,
      () => AN_HOUR,
    );
    poller.start();
    await telegram.called('getUpdates'); // failed: now backing off for an hour

    expect(await within(poller.stop())).toBe('stopped');
  });

  it('start-up waiting for Telegram (the MasterBot webhook) gives up at once when the app is stopped', async () => {
    const telegram = unreachableBotApi();
    const stop = new AbortController();
    const starting = retryTelegram('setWebhook (MasterBot)', () => telegram.api.setWebhook('https://example.org/telegram/master', 's'), {
      signal: stop.signal,
      delayMs: () => AN_HOUR,
      logger: new Logger('Startup'),
    });
    await telegram.called('setWebhook'); // failed: now waiting an hour before the next attempt

    stop.abort();
    expect(await within(starting)).toBe(new StartupAbandonedError('setWebhook (MasterBot)').name);
  });
});
