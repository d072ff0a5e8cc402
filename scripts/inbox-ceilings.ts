/**
 * What Telegram's published flood limits allow each inbox mode (M12), as formulas: the analytical ceilings
 * `BENCH_ONLY=inboxes` writes beside what it measures (scripts/bench-inboxes.ts), and the queueing arithmetic
 * of a backlog drained at such a ceiling. Pure: no clock, no I/O.
 *
 * The limits are the ones the app paces by (`TELEGRAM_FLOOD_LIMITS`, Bot FAQ): about 30 messages/s per bot,
 * 1/s into one private chat, 20/minute into one group. The app keeps 2 % under each (`OutboundPacing`), so a
 * measured rate of about 98 % of a ceiling is the ceiling reached.
 */
import { TELEGRAM_FLOOD_LIMITS } from '../src/infrastructure/telegram/outbound-pacing';

export const BOT_PER_SECOND = TELEGRAM_FLOOD_LIMITS.bot.perSecond;
export const PRIVATE_CHAT_PER_SECOND = TELEGRAM_FLOOD_LIMITS.privateChat.perSecond;
export const GROUP_PER_MINUTE = TELEGRAM_FLOOD_LIMITS.groupChat.perSecond * 60;

/**
 * Messages a client bot posts into its team group for one customer message (team-group-relay.ts): a returning
 * customer's message is 1 post; a new customer's first message is the customer card and then the message (2).
 * The topic itself (`createForumTopic`) is not a message the bot sends: neither the app's pacing nor the Bot API
 * fake counts it against the group's 20/minute, and Telegram documents nothing either way (see the bench's
 * WARNING in docs/benchmarks.md).
 */
export const TEAM_GROUP_POSTS = { returningCustomer: 1, newCustomer: 2 } as const;

export interface MasterBotChatCeiling {
  /** Relays per second into all masters' chats together. */
  overallPerSecond: number;
  /** Relays per second into one master's chat, when every master's customers write faster than that. */
  perChatPerSecond: number;
  /** Which limit binds: each chat's 1/s, or the one MasterBot's 30/s shared by every tenant. */
  bound: 'chat' | 'bot';
}

/**
 * MasterBot-chat mode: every tenant's relays are sent by the one MasterBot, so `busyMasters` masters whose
 * customers all write faster than 1/s share its 30/s: each chat gets min(1/s, 30/s ÷ masters).
 */
export function masterBotChatCeiling(busyMasters: number): MasterBotChatCeiling {
  if (!Number.isInteger(busyMasters) || busyMasters < 1) throw new Error(`busy masters must be a positive integer, not ${busyMasters}`);
  const overallPerSecond = Math.min(busyMasters * PRIVATE_CHAT_PER_SECOND, BOT_PER_SECOND);
  return {
    overallPerSecond,
    perChatPerSecond: overallPerSecond / busyMasters,
    bound: busyMasters * PRIVATE_CHAT_PER_SECOND > BOT_PER_SECOND ? 'bot' : 'chat',
  };
}

export interface TeamGroupCeiling {
  /** Every message the bot may post into the group per minute (cards included). */
  postsPerMinute: number;
  /** Customer messages relayed per minute when they all come from returning customers (topic open). */
  returningPerMinute: number;
  /** Customer messages relayed per minute when each opens a new topic (card + message): new customers per minute. */
  newPerMinute: number;
}

/** Team-group mode: one client bot into one group, 20 posts/minute; a second bot in the same group has its own 20. */
export function teamGroupCeiling(posts: { returningCustomer: number; newCustomer: number } = TEAM_GROUP_POSTS): TeamGroupCeiling {
  if (posts.returningCustomer <= 0 || posts.newCustomer <= 0) throw new Error('a relay costs at least one post');
  return {
    postsPerMinute: GROUP_PER_MINUTE,
    returningPerMinute: GROUP_PER_MINUTE / posts.returningCustomer,
    newPerMinute: GROUP_PER_MINUTE / posts.newCustomer,
  };
}

/**
 * How long the n-th message (1-based) of one queue waits when messages arrive at `offeredPerSecond` (Infinity:
 * all at once) and leave at `ceilingPerSecond`, the first at once: (n − 1) × (1/ceiling − 1/offered), never below 0.
 * A queue that keeps up (offered ≤ ceiling) waits 0 here: only the limit's wait is modelled, not the work.
 */
export function backlogWaitSeconds(n: number, offeredPerSecond: number, ceilingPerSecond: number): number {
  if (n < 1 || ceilingPerSecond <= 0 || offeredPerSecond <= 0) throw new Error('a queue needs a message and positive rates');
  return Math.max(0, (n - 1) * (1 / ceilingPerSecond - 1 / offeredPerSecond));
}

/**
 * The wait at quantile `p` over all messages of `queues` alike queues of `perQueue` messages each (the k-th message
 * of every queue waits the same): the wait of message ⌈p × perQueue⌉ of one queue.
 */
export function backlogWaitQuantile(p: number, perQueue: number, offeredPerSecond: number, ceilingPerSecond: number): number {
  if (p <= 0 || p > 1) throw new Error(`a quantile is in (0, 1], not ${p}`);
  return backlogWaitSeconds(Math.max(1, Math.ceil(p * perQueue)), offeredPerSecond, ceilingPerSecond);
}

/**
 * Messages a client bot sends into its owner's chat for one customer message (own-chat-relay.ts, topics on): a
 * returning customer's message is 1; a new customer's first is a short card opening their topic, then the message (2).
 */
export const OWN_CHAT_POSTS = { returningCustomer: 1, newCustomer: 2 } as const;

export interface OwnChatCeiling {
  /** Relays per second into one owner's chat (returning customers): the chat's 1/s, from the bot's own budget. */
  perChatPerSecond: number;
  /** Relays per second into all `tenants` owners' chats together: nothing shared, so tenants × 1/s. */
  overallPerSecond: number;
}

/**
 * The client bot's own chat (M14): each tenant's relays are sent by its own client bot into its owner's private
 * chat, 1 message/s there; each bot's 30/s is its own, so busy tenants add up instead of sharing the MasterBot's.
 */
export function ownChatCeiling(tenants: number): OwnChatCeiling {
  if (!Number.isInteger(tenants) || tenants < 1) throw new Error(`tenants must be a positive integer, not ${tenants}`);
  const perChatPerSecond = Math.min(PRIVATE_CHAT_PER_SECOND, BOT_PER_SECOND);
  return { perChatPerSecond, overallPerSecond: tenants * perChatPerSecond };
}
