import { Logger } from '@nestjs/common';
import { EventLoopUtilization, performance } from 'node:perf_hooks';

/** Over how long the intake's load is averaged (ms): a moment between group commits is not "calm". */
const AVERAGED_OVER_MS = 50;
/**
 * Once busy, the intake counts as busy until the average falls below this share of `busyAt` (and the calm is
 * real, see below): a released reaction takes the event loop, the calls waiting meanwhile in the socket buffers
 * are not counted yet, so a release at `busyAt` itself would look calm the moment it lets work go, and flap.
 */
const CALM_SHARE = 0.5;
/**
 * A calm is real once the event loop has been idle for more than half of it, over at least this long (ms). Few
 * calls counted while the loop stays busy are a lull inside a burst, not its end: the next calls wait unparsed
 * in socket buffers (measured under 32 concurrent calls: lulls of 5–190 ms, the loop 59–100 % busy through
 * them; after a burst had really ended, 1–3 % busy).
 */
const IDLE_CALM_MS = 25;
const IDLE_CALM_UTILIZATION = 0.5;

export interface IntakeFirstOptions {
  /** Webhook calls in flight, averaged over ~50 ms, at which background work waits (`INTAKE_FIRST_AT`); 0: never. */
  busyAt: number;
  /** The longest background work waits for one turn (`INTAKE_FIRST_HOLD_MS`): under a load that never ends it still moves. */
  holdMs: number;
  /**
   * The longest the average has to stay below half of `busyAt`, while the event loop stays busy, before
   * background work goes again (`INTAKE_FIRST_CALM_MS`; 0: the moment it falls below). With the loop mostly
   * idle it goes after IDLE_CALM_MS.
   */
  calmMs?: number;
  /** The event loop's utilisation (`performance.eventLoopUtilization`; tests pass their own). */
  loopUtilization?: (since?: EventLoopUtilization) => EventLoopUtilization;
  /** Milliseconds from any fixed origin (tests pass their own). */
  now?: () => number;
  /** Called for each turn that has to wait (a metric). */
  onWait?: () => void;
}

/**
 * Recording first, under a burst. A webhook call is answered only once its update is durably recorded;
 * everything else the process does with the history (projections, reactions: relays, notices) can come a
 * moment later without losing anything. When webhook calls pile up — more than `busyAt` in flight on
 * average over the last ~50 ms, which happens only once the process cannot keep up — the event pump
 * reads nothing new and the reactors' lanes start no new reaction, until the average is below half of
 * `busyAt` and the event loop has been mostly idle for ~25 ms (or, busy, for `calmMs`), or `holdMs` has
 * passed (then one turn goes ahead, and waits again if still busy).
 *
 * Someone waiting on the history (`meanwhile`: a master's reply looking up what it answers, a query catching
 * a projection up) lifts the gate until they have it.
 *
 * Below that load nothing waits: the check is a number compared. The average is time-weighted (each
 * in-flight count counts for as long as it lasted), so the instant between one group commit's answers and
 * the next requests does not read as calm.
 *
 * WARNING: during a burst the relays wait (up to `holdMs` at a time): a customer's message is recorded
 * at once and reaches the master after the burst. Projections (read models) lag as long.
 */
export class IntakeFirst {
  private readonly logger = new Logger('IntakeFirst');
  private readonly now: () => number;
  private inFlight = 0;
  private average = 0;
  /** Between reaching `busyAt` and a real calm below its CALM_SHARE. */
  private engaged = false;
  /** While engaged: since when the average has been below CALM_SHARE of `busyAt`, and the loop's utilisation then (undefined: it is not). */
  private calm?: { since: number; loop: EventLoopUtilization };
  private readonly loopUtilization: (since?: EventLoopUtilization) => EventLoopUtilization;
  private sampledAt: number;
  private waiting: (() => void)[] = [];
  /** Waits someone is in on (see `meanwhile`): while any runs, nothing waits for the intake. */
  private urgent = 0;
  /** While work waits: the average is looked at again as time passes (no call may come to update it). */
  private recheck?: NodeJS.Timeout;

  constructor(private readonly options: IntakeFirstOptions) {
    this.now = options.now ?? (() => performance.now());
    this.loopUtilization = options.loopUtilization ?? ((since) => performance.eventLoopUtilization(since));
    this.sampledAt = this.now();
  }

  /** A webhook call came in; the function returned says it has been answered (once; later calls do nothing). */
  callStarted(): () => void {
    this.sample();
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.sample();
      this.inFlight -= 1;
    };
  }

  /** Whether background work would wait now. */
  get busy(): boolean {
    this.sample();
    return this.engaged;
  }

  /**
   * Background work's turn: `undefined` when it may go on at once (almost always), otherwise a promise
   * that resolves when the intake has calmed down or after `holdMs`.
   */
  turn(): Promise<void> | undefined {
    if (this.urgent > 0 || !this.busy) return undefined;
    if (this.waiting.length === 0) this.logger.debug(`webhook calls are piling up: projections and reactions wait for the intake`);
    this.options.onWait?.();
    this.recheck ??= setInterval(() => this.sample(), AVERAGED_OVER_MS / 2).unref();
    return new Promise((resolve) => {
      const go = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== go);
        if (this.waiting.length === 0) this.stopRechecking();
        resolve();
      }, this.options.holdMs).unref();
      this.waiting.push(go);
    });
  }

  /**
   * Runs `wait` — a call that is itself waiting for the history to be read on (a master's reply looking up its
   * target, a query catching a projection up) — with background work let go until it ends: that call is one
   * of the calls in flight, and holding up what it waits for would only keep the intake busy longer.
   */
  async meanwhile<T>(wait: () => Promise<T>): Promise<T> {
    this.urgent += 1;
    this.releaseAll();
    try {
      return await wait();
    } finally {
      this.urgent -= 1;
    }
  }

  /** Lets everything waiting go (at stop: nothing should wait for a burst that will not be answered). */
  releaseAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    this.stopRechecking();
    for (const go of waiting) go();
  }

  private sample(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.sampledAt);
    this.sampledAt = now;
    // The count held since the last sample pulls the average towards it, the more the longer it lasted.
    this.average = this.inFlight + (this.average - this.inFlight) * Math.exp(-elapsed / AVERAGED_OVER_MS);
    const { busyAt } = this.options;
    if (!this.engaged) this.engaged = busyAt > 0 && this.average >= busyAt;
    else if (this.average >= busyAt * CALM_SHARE) this.calm = undefined;
    else if (this.calmIsReal(now)) {
      this.engaged = false;
      this.calm = undefined;
      this.releaseAll();
    }
  }

  /** Called while the average is below CALM_SHARE: whether the loop has been mostly idle since, or it has lasted `calmMs`. */
  private calmIsReal(now: number): boolean {
    if (!this.calm) this.calm = { since: now, loop: this.loopUtilization() };
    const lasted = now - this.calm.since;
    if (lasted >= (this.options.calmMs ?? 0)) return true;
    return lasted >= IDLE_CALM_MS && this.loopUtilization(this.calm.loop).utilization < IDLE_CALM_UTILIZATION;
  }

  private stopRechecking(): void {
    clearInterval(this.recheck);
    this.recheck = undefined;
  }
}
