import { Logger } from '@nestjs/common';
import { EventLoopUtilization } from 'node:perf_hooks';
import { IntakeFirst } from '../src/processing/intake-first';

/** IntakeFirst on fake time: `now` is jest's mocked Date.now, timers are advanced by hand. */
describe('recording first: when background work waits for the webhook intake', () => {
  beforeAll(() => Logger.overrideLogger(false)); // its debug line, printed with no app to filter it
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const intake = (busyAt: number, holdMs = 10_000, calmMs = 0) => new IntakeFirst({ busyAt, holdMs, calmMs, now: () => Date.now() });
  const calls = (i: IntakeFirst, n: number) => Array.from({ length: n }, () => i.callStarted());
  /** Whether `turn` has let its work go (after the microtasks so far). */
  async function released(turn: Promise<void> | undefined): Promise<boolean> {
    let done = turn === undefined;
    void turn?.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  }

  it('below busyAt, or with busyAt 0, nothing waits', () => {
    const i = intake(4);
    calls(i, 3);
    jest.advanceTimersByTime(1000);
    expect(i.turn()).toBeUndefined();

    const off = intake(0);
    calls(off, 100);
    jest.advanceTimersByTime(1000);
    expect(off.turn()).toBeUndefined();
  });

  it('a moment of many calls is not busy; the same calls held for a while are', () => {
    const i = intake(4);
    const ends = calls(i, 8);
    jest.advanceTimersByTime(5); // a tenth of the averaging span
    expect(i.busy).toBe(false);
    jest.advanceTimersByTime(100);
    expect(i.busy).toBe(true);
    ends.forEach((end) => end());
  });

  it('work waiting for its turn goes once the calls have been answered and the average fell below half of busyAt', async () => {
    const i = intake(4);
    const ends = calls(i, 8);
    jest.advanceTimersByTime(200);
    const turn = i.turn();
    expect(turn).toBeDefined();
    ends.slice(0, 5).forEach((end) => end()); // 3 left: below busyAt, not yet calm
    jest.advanceTimersByTime(500);
    expect(await released(turn)).toBe(false);
    ends.slice(5).forEach((end) => end());
    jest.advanceTimersByTime(200); // the average decays; the recheck notices without any call coming in
    expect(await released(turn)).toBe(true);
    expect(i.turn()).toBeUndefined();
  });

  /** An event loop whose busy share the test sets: its utilisation over any span is `busy` (the share now). */
  function loop() {
    const state = { busy: 1, active: 0, idle: 0, at: Date.now() };
    const advance = () => {
      const elapsed = Date.now() - state.at;
      state.at = Date.now();
      state.active += elapsed * state.busy;
      state.idle += elapsed * (1 - state.busy);
    };
    const loopUtilization = (since?: EventLoopUtilization): EventLoopUtilization => {
      advance();
      const active = state.active - (since?.active ?? 0);
      const idle = state.idle - (since?.idle ?? 0);
      return { active, idle, utilization: active + idle === 0 ? 0 : active / (active + idle) };
    };
    return {
      loopUtilization,
      setBusy: (share: number) => {
        advance();
        state.busy = share;
      },
    };
  }

  /** busyAt 4, calm 500 ms, on the loop given. */
  const onLoop = (l: ReturnType<typeof loop>) =>
    new IntakeFirst({ busyAt: 4, holdMs: 10_000, calmMs: 500, now: () => Date.now(), loopUtilization: l.loopUtilization });

  it('a lull inside a burst (few calls counted, the event loop still busy) lets nothing go; a calm with an idle loop does', async () => {
    const l = loop();
    const i = onLoop(l);
    let ends = calls(i, 8);
    jest.advanceTimersByTime(200);
    const turn = i.turn();
    expect(turn).toBeDefined();
    // A lull: every call answered, the next ones not parsed yet while the loop runs something else.
    ends.forEach((end) => end());
    jest.advanceTimersByTime(150);
    expect(await released(turn)).toBe(false);
    ends = calls(i, 8); // the burst goes on
    jest.advanceTimersByTime(200);
    ends.forEach((end) => end());
    l.setBusy(0.05); // the burst is over: nothing left to do
    jest.advanceTimersByTime(40);
    expect(await released(turn)).toBe(false); // the average is still above half of busyAt
    jest.advanceTimersByTime(60);
    expect(await released(turn)).toBe(true); // ~25 ms after it fell below, not calmMs
    expect(i.turn()).toBeUndefined();
  });

  it('a calm with the event loop busy with other work lets the work go after calmMs', async () => {
    const l = loop();
    const i = onLoop(l);
    const ends = calls(i, 8);
    jest.advanceTimersByTime(200);
    const turn = i.turn();
    ends.forEach((end) => end());
    jest.advanceTimersByTime(450); // below half after ~100 ms: calm for ~350 ms, the loop busy throughout
    expect(await released(turn)).toBe(false);
    jest.advanceTimersByTime(200);
    expect(await released(turn)).toBe(true);
  });

  it('under a load that never ends, each turn waits holdMs at most', async () => {
    const i = intake(4, 300);
    calls(i, 10);
    jest.advanceTimersByTime(200);
    const turn = i.turn();
    jest.advanceTimersByTime(299);
    expect(await released(turn)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await released(turn)).toBe(true);
    expect(i.turn()).toBeDefined(); // still busy: the next turn waits again
    i.releaseAll();
  });

  it('while someone waits on the history (meanwhile), nothing waits for the intake, and what waited goes at once', async () => {
    const i = intake(2);
    const ends = calls(i, 5);
    jest.advanceTimersByTime(200);
    const held = i.turn();
    let finish!: () => void;
    const lookup = i.meanwhile(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(await released(held)).toBe(true);
    expect(i.turn()).toBeUndefined();
    finish();
    await lookup;
    expect(i.turn()).toBeDefined(); // the burst goes on: the gate is back
    i.releaseAll();
    ends.forEach((end) => end());
  });

  it('answering a call twice counts it once', () => {
    const i = intake(2);
    const [end] = calls(i, 1);
    const others = calls(i, 3);
    end();
    end();
    jest.advanceTimersByTime(200);
    expect(i.busy).toBe(true); // three still in flight (counted twice, two: their average stays below 2)
    others.forEach((e) => e());
  });

  it('releaseAll lets every waiting turn go at once (the app is stopping)', async () => {
    const i = intake(2);
    calls(i, 5);
    jest.advanceTimersByTime(200);
    const turns = [i.turn(), i.turn(), i.turn()];
    i.releaseAll();
    expect(await Promise.all(turns.map(released))).toEqual([true, true, true]);
  });
});
