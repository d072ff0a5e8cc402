export const CLOCK = Symbol('CLOCK');

/**
 * The time scheduled work is judged against (is a reminder due? has Pro's paid period ended?). One port
 * so tests can move time forward instead of waiting hours; production uses the system clock.
 *
 * WARNING: only the scheduler reads this clock. Event timestamps (`recordedAt`) are always the store's
 * real time, so a test clock must start near real time and only move forward.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
