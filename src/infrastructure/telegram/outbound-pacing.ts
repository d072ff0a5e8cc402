import { BotPacing } from './bot-pacing';
import { BucketLimit } from './token-bucket';

/** What held a message back: its private chat's limit, its group's (or channel's), or else its bot's. */
export type PacingScope = 'chat' | 'group' | 'bot';

export interface PacingLimits {
  /** Every message one bot sends, whatever the chat. */
  bot: BucketLimit;
  /** Messages into one private chat (a positive chat id). */
  privateChat: BucketLimit;
  /** Messages into one group, supergroup or channel (a negative chat id). */
  groupChat: BucketLimit;
}

/**
 * Telegram's published flood limits (Bot FAQ, "My bot is hitting limits, how do I avoid this?",
 * https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): "When sending
 * messages inside a particular chat, avoid sending more than one message per second. We may allow short
 * bursts that go over this limit, but eventually you'll begin receiving 429 errors." — "If you're
 * sending bulk notifications to multiple users, the API will not allow more than 30 messages per second
 * or so." — "your bot will not be able to send more than 20 messages per minute to the same group."
 *
 * Every budget is spent evenly (a burst of 1: one message per second into a chat, one per 3 s into a
 * group, one per 1/30 s from a bot). The FAQ's "short bursts" are not relied on: where Telegram counts
 * strictly, a burst of 3 right after a quiet spell draws a 429 on its second message, and two such 429s
 * on two chats look like the bot's own limit (see `BotPacing.refused`) and pause every chat — measured
 * against the Bot API fake at 1 message/s per chat, a burst of 3 drained a flood at 65 % of the allowed
 * rate and held another master's relays ~2 s; evenly, at 98 % with no 429. The cost: a customer's three
 * quick messages reach the master over two seconds instead of at once.
 * WARNING: the numbers are Telegram's approximate ones, not a contract: Telegram may refuse earlier
 * (long messages hit the limits sooner, the FAQ says). A 429 is the backstop: see `BotPacing.refused`.
 */
export const TELEGRAM_FLOOD_LIMITS: PacingLimits = {
  bot: { perSecond: 30, burst: 1 },
  privateChat: { perSecond: 1, burst: 1 },
  groupChat: { perSecond: 20 / 60, burst: 1 },
};

export interface PacingOptions {
  /** Telegram's limits (default `TELEGRAM_FLOOD_LIMITS`); rates are kept `margin` below them. */
  limits?: PacingLimits;
  /**
   * The share of each rate left unused (default 2 %). Buckets spend tokens exactly on time, but requests
   * take a few milliseconds more or less on their way; at exactly 1 a second every few messages would
   * reach Telegram a hair too early and draw a 429 (measured against the Bot API fake: 1–4 per 12).
   */
  margin?: number;
  /** A chat's bucket, full and unused this long, is dropped (it would start again just the same). */
  idleMs?: number;
  /** Told once per message that had to wait: its chat's (group's) limit if that held it at all, else the bot's. */
  onWait?: (scope: PacingScope) => void;
  /** Monotonic milliseconds (a test's fake clock may stand in). */
  now?: () => number;
}

/** How many of the last paced calls' round trips `OutboundPacing.usualRoundTrip` takes the quickest of. */
const ROUND_TRIPS_KEPT = 64;

/**
 * Token buckets for every message the gateway sends — relays, deliveries, notices, broadcasts, QR codes,
 * greetings all share them: one per bot, one per chat of that bot. A message waits first for its chat's
 * token, then for its bot's; only the first message waiting in a chat holds a place in the bot's queue,
 * so a chat that is being drained at one message a second never holds up another chat's message — that
 * one waits only behind the bot's shared budget. Within a chat, messages go out in the order they asked.
 *
 * Memory is bounded: a chat's bucket is dropped once it is full and unused for `idleMs` (a minute), so
 * 100,000 chats messaged once leave nothing behind after a minute and a sweep (run by the next message
 * any bot sends, at most once per `idleMs`).
 * WARNING: buckets are per process. Two app replicas sending for one bot each spend the whole budget;
 * Telegram then answers 429, which pauses the chat or bot as described at `BotPacing.refused`.
 */
export class OutboundPacing {
  readonly limits: PacingLimits;
  readonly now: () => number;
  private readonly bots: BotPacing[] = [];
  private readonly idleMs: number;
  private readonly onWait: (scope: PacingScope) => void;
  private lastSweep: number;
  /** The round trips (ms) of the last paced calls of any bot, a ring (see `usualRoundTrip`). */
  private readonly roundTrips: number[] = [];
  private nextRoundTrip = 0;

  constructor(options: PacingOptions = {}) {
    const limits = options.limits ?? TELEGRAM_FLOOD_LIMITS;
    const keep = 1 - (options.margin ?? 0.02);
    const below = (limit: BucketLimit): BucketLimit => ({ ...limit, perSecond: limit.perSecond * keep });
    this.limits = { bot: below(limits.bot), privateChat: below(limits.privateChat), groupChat: below(limits.groupChat) };
    this.idleMs = options.idleMs ?? 60_000;
    this.onWait = options.onWait ?? (() => undefined);
    this.now = options.now ?? (() => performance.now());
    this.lastSweep = this.now();
  }

  /** The buckets of one bot (one per bot token, kept as long as the gateway keeps that bot's client). */
  forBot(): BotPacing {
    const bot = new BotPacing(this, (scope) => this.onWait(scope));
    this.bots.push(bot);
    return bot;
  }

  /**
   * Records a paced call's round trip (from its tokens taken to its answer) and returns the usual one: the quickest
   * of the last `ROUND_TRIPS_KEPT`, what the network and Telegram always take. Kept across bots, which all call the
   * same Bot API server: a bot's first messages are judged by the others' (see `BotPacing.answered`).
   */
  usualRoundTrip(roundTrip: number): number {
    this.roundTrips[this.nextRoundTrip] = roundTrip;
    this.nextRoundTrip = (this.nextRoundTrip + 1) % ROUND_TRIPS_KEPT;
    let usual = roundTrip;
    for (const ms of this.roundTrips) if (ms < usual) usual = ms;
    return usual;
  }

  /** Drops idle chats' buckets across all bots, at most once per `idleMs`. */
  sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < this.idleMs) return;
    this.lastSweep = now;
    for (const bot of this.bots) bot.dropIdleChats(now, this.idleMs);
  }

  /** How many chats' buckets are kept (all bots). */
  get chatsTracked(): number {
    return this.bots.reduce((sum, bot) => sum + bot.chatsTracked, 0);
  }
}

/** Telegram's limits, each bot at the operator's rate (`TELEGRAM_BOT_MESSAGES_PER_SECOND`). */
export function telegramPacing(botMessagesPerSecond: number, onWait?: (scope: PacingScope) => void): OutboundPacing {
  const limits = { ...TELEGRAM_FLOOD_LIMITS, bot: { perSecond: botMessagesPerSecond, burst: 1 } };
  return new OutboundPacing({ limits, onWait });
}
