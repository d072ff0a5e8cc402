/** A bucket's shape: it holds at most `burst` tokens and refills `perSecond` tokens a second. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/** Float slack: 29.999999… tokens refilled count as 30, or a timer would wake once more for nothing. */
const EPSILON = 1e-6;

/**
 * One token bucket on a monotonic millisecond clock (the caller passes `now`). A message takes a token
 * when one is there; a media group takes one per item and may leave the bucket in debt, so an album of
 * ten never waits for ten tokens at once (a bucket of three would never hold them) but pays them back
 * before the next message goes. A 429 pauses the bucket: nothing until the pause ends, then one
 * message (Telegram's `retry_after` says when that one may go), then the steady rate — never a burst
 * straight into a chat Telegram has just refused.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  private pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(
    readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  /**
   * Whole milliseconds to wait for a token (what a timer can wait); 0: now. A token less than a millisecond away
   * is granted now and its missing fraction owed: `take` leaves the bucket that much in debt, which the next wait
   * includes. Rounding each wait up instead lost the fraction every time (a one-token bucket cannot bank it): 34.01 ms
   * between tokens became 35, and a flood got 95 % of the rate. Accounted exactly, a message goes at most a
   * millisecond early and the average rate is the limit's.
   */
  waitMs(now: number): number {
    if (now < this.pausedUntil) return Math.ceil(this.pausedUntil - now);
    const ms = this.nextAt(now) - now;
    return ms < 1 ? 0 : Math.floor(ms);
  }

  take(now: number, cost: number): void {
    this.refill(now);
    this.tokens -= cost;
  }

  /** When the next token is there, as of `now` (now, if one is there already): the steady rate from the tokens held. */
  nextAt(now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil;
    this.refill(now);
    return this.tokens >= 1 - EPSILON ? now : now + ((1 - this.tokens) / this.limit.perSecond) * 1000;
  }

  /**
   * No token before `at`: the bucket holds that much less, as if the last message had taken its token later
   * (see `BotPacing.answered`). A later next token, and any debt, stay as they are.
   */
  notBefore(at: number, now: number): void {
    if (at <= now) return;
    this.refill(now);
    this.tokens = Math.min(this.tokens, 1 - ((at - now) * this.limit.perSecond) / 1000);
  }

  /** Telegram answered 429: nothing goes out before `until`; from then on one message, then the rate. */
  pause(until: number): void {
    if (until < this.pausedUntil) return;
    this.pausedUntil = until;
    this.tokens = 1;
    this.at = Math.max(this.at, until);
  }

  /** Full and not paused: dropping it loses nothing, a new one starts just like it. */
  isFull(now: number): boolean {
    if (now < this.pausedUntil) return false;
    this.refill(now);
    return this.tokens >= this.limit.burst - EPSILON;
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSecond) / 1000);
    this.at = now;
  }
}
