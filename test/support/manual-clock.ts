import { Clock } from '../../src/application/ports/clock.port';

/**
 * A clock that only moves when told: tests jump hours or days ahead instead of waiting. It starts at
 * the real time (event timestamps are real), so advance a little past a deadline, e.g. 2 h + 1 min.
 * Only the scheduler reads it: a reminder is due at (real) relay time + delay.
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('advance() only moves forward; use set() to jump');
    this.current += ms;
  }

  /**
   * Jumps to a time, e.g. back to the real time before a test that relays new messages: a clock left
   * days ahead would find their reminders due the moment they are relayed.
   */
  set(to: Date): void {
    this.current = to.getTime();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
