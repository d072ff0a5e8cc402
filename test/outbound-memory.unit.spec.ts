import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { TelegramApiError } from '../src/application/ports/telegram.port';
import { GatewayClosedError, OutboundCalls } from '../src/infrastructure/telegram/outbound-calls';

// A full garbage collection on demand, so that what is measured is what stays reachable, not garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
// The process Node itself emits warnings on (jest gives each test file a copy of `process`).
const appProcess = runInThisContext('process') as NodeJS.Process;

const retainedBytes = (): number => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/**
 * An app polling 1,000 client bots makes ~40 long polls a second for as long as it runs, each under the
 * gateway's close signal (process-lived) and its poller's stop signal (poller-lived). Whatever a call
 * leaves behind on those signals adds up to megabytes an hour.
 */
describe('outbound Telegram calls over a long run', () => {
  it('a long-running app does not grow with every call it makes (long polls of a bot that keeps polling)', async () => {
    const calls = new OutboundCalls(30_000, () => undefined);
    const pollerStop = new AbortController();
    const poll = () => calls.run('getUpdates', async () => [], { timeoutMs: 55_000, signal: pollerStop.signal });
    for (let i = 0; i < 1_000; i++) await poll(); // warm-up: code and caches that are made once

    const before = retainedBytes();
    for (let i = 0; i < 100_000; i++) await poll();
    const grown = retainedBytes() - before;

    // 100,000 calls: before the fix each left ~130 bytes behind for good, more until its deadline (over 12 MB).
    expect(grown).toBeLessThan(2 * 1024 * 1024);
    calls.close();
  });

  it('1,000 long polls open at once raise no listener-leak warning', async () => {
    const calls = new OutboundCalls(30_000, () => undefined);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    appProcess.on('warning', onWarning);
    const answers: (() => void)[] = [];
    const poll = () => new Promise<unknown[]>((resolve) => answers.push(() => resolve([])));
    const open = Array.from({ length: 1_000 }, () => calls.run('getUpdates', poll, { timeoutMs: 55_000 }));
    answers.forEach((answer) => answer());
    await Promise.all(open);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    appProcess.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    calls.close();
  });

  it('50 sends waiting out a 429 at once raise no listener-leak warning, and all end when the app stops', async () => {
    let refused = 0;
    const calls = new OutboundCalls(30_000, (_method, status) => void (status === '429' && (refused += 1)));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    appProcess.on('warning', onWarning);
    const tooMany = async (): Promise<never> => {
      await new Promise((resolve) => setImmediate(resolve));
      throw new TelegramApiError('sendMessage', 429, 'Too Many Requests: retry after 60', 60);
    };
    const waiting = Array.from({ length: 50 }, () => calls.run('sendMessage', tooMany).catch((error: unknown) => error));
    while (refused < 50) await new Promise((resolve) => setImmediate(resolve)); // each is now waiting its 60 s
    calls.close();
    const outcomes = await Promise.all(waiting);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    appProcess.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(outcomes.every((outcome) => outcome instanceof GatewayClosedError)).toBe(true);
  });

  it('a call still ends when its caller aborts it, and a later call is unaffected', async () => {
    const calls = new OutboundCalls(30_000, () => undefined);
    const pollerStop = new AbortController();
    const hanging = calls.run(
      'getUpdates',
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      { timeoutMs: 55_000, signal: pollerStop.signal },
    );
    pollerStop.abort();
    await expect(hanging).rejects.toThrow('aborted');
    await expect(calls.run('getMe', async () => 'me')).resolves.toBe('me');
    calls.close();
  });
});
