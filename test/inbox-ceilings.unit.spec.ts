import { wrap } from '../scripts/bench-report-inboxes';
import { lostAndDuplicated, quantile, sustainedRatePerSecond } from '../scripts/bench-stats';
import { backlogWaitQuantile, backlogWaitSeconds, masterBotChatCeiling, ownChatCeiling, teamGroupCeiling } from '../scripts/inbox-ceilings';

describe('the ceiling of each inbox mode under Telegram’s limits', () => {
  it('gives each busy master’s chat 1 message a second while the MasterBot has room for all of them', () => {
    expect(masterBotChatCeiling(1)).toEqual({ overallPerSecond: 1, perChatPerSecond: 1, bound: 'chat' });
    expect(masterBotChatCeiling(20)).toEqual({ overallPerSecond: 20, perChatPerSecond: 1, bound: 'chat' });
    expect(masterBotChatCeiling(30)).toEqual({ overallPerSecond: 30, perChatPerSecond: 1, bound: 'chat' });
  });

  it('shares the one MasterBot’s 30 messages a second among more than 30 busy masters', () => {
    expect(masterBotChatCeiling(40)).toEqual({ overallPerSecond: 30, perChatPerSecond: 0.75, bound: 'bot' });
    expect(masterBotChatCeiling(300).perChatPerSecond).toBeCloseTo(0.1);
  });

  it('refuses a number of masters that is not a positive whole number', () => {
    expect(() => masterBotChatCeiling(0)).toThrow('positive integer');
    expect(() => masterBotChatCeiling(2.5)).toThrow('positive integer');
  });

  it('lets a team group take 20 returning customers’ messages a minute, and 10 new customers (card + message each)', () => {
    expect(teamGroupCeiling()).toEqual({ postsPerMinute: 20, returningPerMinute: 20, newPerMinute: 10 });
  });

  it('lowers the new customers a team group takes if a topic’s creation counted as a post too', () => {
    expect(teamGroupCeiling({ returningCustomer: 1, newCustomer: 3 }).newPerMinute).toBeCloseTo(6.67, 2);
    expect(() => teamGroupCeiling({ returningCustomer: 0, newCustomer: 2 })).toThrow('at least one post');
  });
});

describe('the ceiling of the client bot’s own chat', () => {
  it('gives each tenant 1 message a second into its owner’s chat, and adds tenants up beyond the MasterBot’s 30/s', () => {
    expect(ownChatCeiling(1)).toEqual({ perChatPerSecond: 1, overallPerSecond: 1 });
    expect(ownChatCeiling(40)).toEqual({ perChatPerSecond: 1, overallPerSecond: 40 });
    expect(ownChatCeiling(40).overallPerSecond).toBeGreaterThan(masterBotChatCeiling(40).overallPerSecond);
  });

  it('refuses a number of tenants that is not a positive whole number', () => {
    expect(() => ownChatCeiling(0)).toThrow('tenants must be a positive integer');
    expect(() => ownChatCeiling(2.5)).toThrow('tenants must be a positive integer');
  });
});

describe('the wait a backlog imposes at a ceiling', () => {
  it('sends the first message at once, and each later one a ceiling’s interval after the previous', () => {
    // A burst (all at once) into a group at 20/minute: one post every 3 s.
    expect(backlogWaitSeconds(1, Infinity, 1 / 3)).toBe(0);
    expect(backlogWaitSeconds(20, Infinity, 1 / 3)).toBeCloseTo(57);
  });

  it('counts only the excess when customers write at a steady rate above the ceiling', () => {
    // 2 messages/s into a chat that takes 1/s: the 30th waits 29 × (1 − 0.5) s.
    expect(backlogWaitSeconds(30, 2, 1)).toBeCloseTo(14.5);
    expect(backlogWaitQuantile(0.5, 30, 2, 1)).toBeCloseTo(7);
    expect(backlogWaitQuantile(1, 30, 2, 1)).toBeCloseTo(14.5);
  });

  it('imposes no wait on customers who write slower than the ceiling', () => {
    expect(backlogWaitSeconds(100, 0.5, 1)).toBe(0);
  });

  it('refuses an empty queue, rates that are not positive and quantiles outside (0, 1]', () => {
    expect(() => backlogWaitSeconds(0, 1, 1)).toThrow();
    expect(() => backlogWaitSeconds(1, 1, 0)).toThrow();
    expect(() => backlogWaitQuantile(0, 10, 2, 1)).toThrow('quantile');
  });
});

describe('what the inbox bench reads from the fake’s journal', () => {
  it('measures a drain’s rate over its middle, leaving out the first message’s head start and the tail', () => {
    // One message at 0, then one every 3 s from 10 s on, then a straggler: the middle runs at 1 per 3 s.
    const times = [0, ...Array.from({ length: 20 }, (_, i) => 10_000 + i * 3000), 200_000];
    expect(sustainedRatePerSecond(times) * 60).toBeCloseTo(20);
  });

  it('reads chats drained in step at their whole rate, though their messages come in bursts', () => {
    // 40 chats, each at 0.98/s for 30 messages, in step: once every 1.0204 s a burst of 40 within ~35 ms.
    const times = Array.from({ length: 40 }, (_, chat) => Array.from({ length: 30 }, (__, k) => k * (1000 / 0.98) + chat * 0.9)).flat();
    expect(sustainedRatePerSecond(times)).toBeCloseTo(40 * 0.98, 0); // was 37.7: the middle's ends fell on bursts' edges
  });

  it('has no rate for fewer than two messages, and uses them all when the middle would be empty', () => {
    expect(sustainedRatePerSecond([5])).toBeNaN();
    expect(sustainedRatePerSecond([0, 500])).toBe(2);
  });

  it('reads a quantile as the nearest sample at or above it', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(10);
    expect(quantile(sorted, 0.95)).toBe(19);
    expect(quantile(sorted, 1)).toBe(20);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('counts a message that never arrived as lost and each extra copy as a duplicate, ignoring other messages', () => {
    expect(lostAndDuplicated(['a', 'b', 'c'], ['a', 'a', 'c', 'welcome', 'a'])).toEqual({ lost: 1, duplicated: 2 });
  });
});

describe('the inbox section of docs/benchmarks.md', () => {
  it('wraps a paragraph into lines no longer than asked, keeping every word in order', () => {
    const text = 'the MasterBot takes one message a second into each master’s chat';
    const lines = wrap(text, 20);
    expect(lines.every((line) => line.length <= 20)).toBe(true);
    expect(lines.join(' ')).toBe(text);
  });
});
