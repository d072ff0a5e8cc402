import { getEventListeners } from 'node:events';
import { AttemptSignal } from '../src/infrastructure/telegram/attempt-signal';

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));

/** One Telegram call attempt's abort: its deadline, the app stopping, a poller stopping. */
describe('a Telegram call attempt', () => {
  it('is aborted when the app or its poller stops, and says it did not time out', () => {
    const appStop = new AbortController();
    const pollerStop = new AbortController();
    const attempt = new AttemptSignal(60_000, [appStop.signal, pollerStop.signal]);
    pollerStop.abort(new Error('poller stopped'));
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toEqual(new Error('poller stopped'));
    expect(attempt.timedOut).toBe(false);
    attempt.release();
  });

  it('is aborted by its deadline, and says so', async () => {
    const attempt = new AttemptSignal(5, [new AbortController().signal]);
    await aborted(attempt.signal);
    expect(attempt.timedOut).toBe(true);
    expect((attempt.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('starts aborted when the app is already stopping', () => {
    const appStop = new AbortController();
    appStop.abort();
    expect(new AttemptSignal(60_000, [appStop.signal]).signal.aborted).toBe(true);
  });

  it('once settled, leaves nothing on the long-lived signals and is no longer aborted by them', () => {
    const appStop = new AbortController();
    const attempt = new AttemptSignal(60_000, [appStop.signal]);
    expect(getEventListeners(appStop.signal, 'abort')).toHaveLength(1);
    attempt.release();
    expect(getEventListeners(appStop.signal, 'abort')).toHaveLength(0);
    appStop.abort();
    expect(attempt.signal.aborted).toBe(false);
  });

  it('a download still being read stays abortable by the app stopping until its body is done', () => {
    const appStop = new AbortController();
    const attempt = new AttemptSignal(60_000, [appStop.signal]);
    attempt.hold();
    attempt.release(); // the attempt settled: the headers are in, the body is not
    appStop.abort();
    expect(attempt.signal.aborted).toBe(true);
  });

  it('a download whose body is done leaves nothing on the long-lived signals', () => {
    const appStop = new AbortController();
    const attempt = new AttemptSignal(60_000, [appStop.signal]);
    const bodyDone = attempt.hold();
    attempt.release();
    expect(getEventListeners(appStop.signal, 'abort')).toHaveLength(1);
    bodyDone();
    expect(getEventListeners(appStop.signal, 'abort')).toHaveLength(0);
  });
});
