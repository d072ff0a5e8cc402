import { TokenBucket } from '../src/infrastructure/telegram/token-bucket';
import { ManualClock } from './support/manual-clock';

/**
 * A flood paced by one bucket, as the outbound pacing drives it: ask how long until a token is there, sleep
 * that long (a timer wakes in whole milliseconds, so the clock moves by what `waitMs` said), send, repeat.
 * The clock is a manual one: nothing is waited for.
 */
function flood(perSecond: number, seconds: number): number[] {
  const clock = new ManualClock(new Date(0));
  const now = () => clock.now().getTime();
  const bucket = new TokenBucket({ perSecond, burst: 1 }, now());
  const sentAt: number[] = [];
  while (now() < seconds * 1000) {
    const wait = bucket.waitMs(now());
    if (wait > 0) {
      expect(Number.isInteger(wait)).toBe(true); // what a timer can wait
      clock.advance(wait);
      continue;
    }
    bucket.take(now(), 1);
    sentAt.push(now());
  }
  return sentAt;
}

describe('a token bucket paces a flood at its rate', () => {
  it('a bot flooded at 29.4 messages/s (30/s less the 2 % margin) sends 29.4 a second, not 28.6', () => {
    const sentAt = flood(30 * 0.98, 60);
    // 60 s at 29.4/s: 1764 messages, +1 for the token the bucket starts with. Rounding each wait up to 35 ms sent 1715.
    expect(sentAt.length).toBeGreaterThanOrEqual(1764);
    expect(sentAt.length).toBeLessThanOrEqual(1765);
  });

  it('never sends more than the rate allows in any second', () => {
    const sentAt = flood(30 * 0.98, 20);
    for (let i = 0; i + 30 < sentAt.length; i++) expect(sentAt[i + 30] - sentAt[i]).toBeGreaterThanOrEqual(1000);
    const chat = flood(0.98, 60);
    for (let i = 1; i < chat.length; i++) expect(chat[i] - chat[i - 1]).toBeGreaterThanOrEqual(1000);
    expect(chat.length).toBe(59); // 60 s at 0.98/s, +1 for the first token
  });

  it('a group chat at 20 a minute less the margin: 19.6 in a minute, each at least 3 s after the one before', () => {
    const sentAt = flood((20 / 60) * 0.98, 60);
    expect(sentAt.length).toBe(20); // 19.6 a minute + the first token
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(3000);
  });
});

describe('a token bucket told its last message arrived late', () => {
  it('holds its next token back to the time asked, and no further', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, 0);
    bucket.take(0, 1);
    expect(bucket.nextAt(0)).toBe(1000);
    bucket.notBefore(1030, 20);
    expect(bucket.nextAt(20)).toBeCloseTo(1030, 6);
    expect(bucket.waitMs(1029)).toBe(1);
    expect(bucket.waitMs(1030)).toBe(0);
  });

  it('keeps a later next token, and a debt, as they are', () => {
    const bucket = new TokenBucket({ perSecond: 1, burst: 1 }, 0);
    bucket.take(0, 3); // an album of three: two tokens owed
    bucket.notBefore(1500, 10);
    expect(bucket.nextAt(10)).toBeCloseTo(3000, 6);
    bucket.notBefore(5, 10); // already past: nothing changes
    expect(bucket.nextAt(10)).toBeCloseTo(3000, 6);
  });
});
