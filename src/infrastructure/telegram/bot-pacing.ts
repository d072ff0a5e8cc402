import type { OutboundPacing, PacingScope } from './outbound-pacing';
import { TokenBucket } from './token-bucket';

/** 429s on two different chats of one bot this close together are taken as Telegram's answer for the bot. */
const BOT_WIDE_429_WINDOW_MS = 1000;

/** One message's place in its chat's queue, kept across its retries. */
export interface PacingTicket {
  /** Waits until the message may go out (its tokens taken); rejects once `signal` aborts. */
  take(signal: AbortSignal): Promise<void>;
  /** Telegram answered 429 with `retry_after` to this message: see `BotPacing.refused`. */
  refused(retryAfterMs: number): void;
  /** Telegram answered this message (it went out): see `BotPacing.answered`. */
  answered(): void;
}

/** When a message's tokens were taken, and when its chat's next token was due then. */
interface Grant {
  at: number;
  chatNextAt: number;
}

interface Waiter {
  /** Order of first asking, within the bot: a retry goes back to its place. */
  seq: number;
  cost: number;
  /** What held this message back, if anything: its chat's limit if that did at all, else the bot's. */
  waited?: PacingScope;
  grant(grant: Grant): void;
}

/** One chat's bucket and the messages waiting for it, first in line first. */
interface ChatLane {
  readonly bucket: TokenBucket;
  readonly scope: PacingScope;
  readonly waiters: Waiter[];
  timer?: NodeJS.Timeout;
  /** Its first message holds its chat's token and waits in the bot's queue. */
  atBot: boolean;
  lastUsed: number;
}

/**
 * The buckets of one bot (see `OutboundPacing`): its own, and one per chat it sends to. A chat's first
 * waiting message waits for the chat's token, then joins the bot's queue; both tokens are taken at the
 * moment it goes, so a chat's spacing holds as seen by Telegram, however long the bot's queue was.
 */
export class BotPacing {
  private readonly chats = new Map<number, ChatLane>();
  private readonly bucket: TokenBucket;
  /** Chats whose first message holds its chat token and waits for the bot's, in arrival order. */
  private readonly ready: ChatLane[] = [];
  private timer?: NodeJS.Timeout;
  private lastRefusal?: { chatId: number; at: number };
  private nextSeq = 0;

  constructor(
    private readonly pacing: OutboundPacing,
    private readonly onWait: (scope: PacingScope) => void,
  ) {
    this.bucket = new TokenBucket(pacing.limits.bot, pacing.now());
  }

  /**
   * A message into `chatId` asks for its place; `cost`: the messages it makes (a media group's items).
   * The ticket keeps that place across retries: a message Telegram refused goes out again before the
   * chat's messages that asked after it, so their order holds.
   */
  ticket(chatId: number, cost = 1): PacingTicket {
    const seq = this.nextSeq++;
    let granted: Grant | undefined;
    return {
      take: async (signal) => {
        granted = await this.take(chatId, seq, cost, signal);
      },
      refused: (retryAfterMs) => this.refused(chatId, retryAfterMs),
      answered: () => {
        if (granted) this.answered(chatId, granted);
        granted = undefined;
      },
    };
  }

  /**
   * Resolves when the message may go out now (its tokens taken), with when that was. Rejects with the signal's reason
   * once `signal` aborts (the gateway closing), leaving the queue as if it had never asked.
   */
  private take(chatId: number, seq: number, cost: number, signal: AbortSignal): Promise<Grant> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    this.pacing.sweep();
    const lane = this.lane(chatId);
    return new Promise<Grant>((resolve, reject) => {
      const aborted = () => {
        const at = lane.waiters.indexOf(waiter);
        if (at >= 0) lane.waiters.splice(at, 1);
        if (lane.waiters.length === 0 && lane.timer) {
          clearTimeout(lane.timer);
          lane.timer = undefined;
        }
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        seq,
        cost,
        grant: (grant) => {
          signal.removeEventListener('abort', aborted);
          if (waiter.waited) this.onWait(waiter.waited);
          resolve(grant);
        },
      };
      let at = lane.waiters.length;
      while (at > 0 && lane.waiters[at - 1].seq > seq) at--;
      if (at > 0) waiter.waited = 'bot'; // until its chat's own limit holds it (below)
      lane.waiters.splice(at, 0, waiter);
      signal.addEventListener('abort', aborted, { once: true });
      this.pumpChat(lane);
      this.pumpBot();
    });
  }

  /**
   * Telegram answered 429 with `retry_after` to a message into `chatId`: that chat sends nothing more
   * until it has passed — its other waiting messages too, not only the refused one. The answer does not
   * say whether the chat or the whole bot was over its limit; a 429 on a second chat of the same bot
   * within a second is taken as the bot's, and pauses every chat of the bot for the same time.
   */
  private refused(chatId: number, retryAfterMs: number): void {
    const now = this.pacing.now();
    const until = now + retryAfterMs;
    this.lane(chatId).bucket.pause(until);
    const last = this.lastRefusal;
    if (last && last.chatId !== chatId && now - last.at <= BOT_WIDE_429_WINDOW_MS) this.bucket.pause(until);
    this.lastRefusal = { chatId, at: now };
  }

  /**
   * Telegram answered a message that went out at `granted.at`. Its chat's spacing was kept when it left, but Telegram
   * counts it when it arrives, and a message held up on its way (a busy network, a stall at either end) arrives
   * late while the next one may not be: the two then reach Telegram closer than the limit, and a strict Telegram
   * answers 429 — measured against the Bot API fake with 40 chats draining at once, a 25–35 ms stall in the fake's
   * process drew 6–26 429s in 5 of 7 runs, on several chats within milliseconds (which `refused` takes for the bot's own
   * limit). So the round trip beyond the usual one (`OutboundPacing.usualRoundTrip`: what the network always takes)
   * is counted as lateness on the way there, and the chat's next token comes that much later. The bot's own bucket
   * is not moved: 30 messages share its window, so one late message does not tip it.
   */
  private answered(chatId: number, granted: Grant): void {
    const now = this.pacing.now();
    const roundTrip = now - granted.at;
    const late = roundTrip - this.pacing.usualRoundTrip(roundTrip);
    if (late > 0) this.chats.get(chatId)?.bucket.notBefore(granted.chatNextAt + late, now);
  }

  get chatsTracked(): number {
    return this.chats.size;
  }

  dropIdleChats(now: number, idleMs: number): void {
    for (const [chatId, lane] of this.chats) {
      const idle = lane.waiters.length === 0 && !lane.timer && !lane.atBot && now - lane.lastUsed >= idleMs;
      if (idle && lane.bucket.isFull(now)) this.chats.delete(chatId);
    }
  }

  private lane(chatId: number): ChatLane {
    let lane = this.chats.get(chatId);
    if (!lane) {
      const group = chatId < 0;
      const now = this.pacing.now();
      const limit = group ? this.pacing.limits.groupChat : this.pacing.limits.privateChat;
      lane = { bucket: new TokenBucket(limit, now), scope: group ? 'group' : 'chat', waiters: [], atBot: false, lastUsed: now };
      this.chats.set(chatId, lane);
    }
    return lane;
  }

  /** Moves the chat's first message to the bot's queue once its chat token is there. */
  private pumpChat(lane: ChatLane): void {
    if (lane.timer || lane.atBot) return;
    const head = lane.waiters[0];
    if (!head) return;
    const now = this.pacing.now();
    const ms = lane.bucket.waitMs(now);
    if (ms > 0) {
      head.waited = lane.scope;
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        this.pumpChat(lane);
        this.pumpBot();
      }, ms);
      return;
    }
    if (this.ready.length > 0 || this.bucket.waitMs(now) > 0) head.waited ??= 'bot';
    lane.atBot = true;
    this.ready.push(lane);
  }

  /** Lets messages go, in the bot queue's order, as the bot's tokens come. */
  private pumpBot(): void {
    if (this.timer) return;
    while (this.ready.length > 0) {
      const now = this.pacing.now();
      const lane = this.ready[0];
      const head = lane.waiters[0];
      if (!head || lane.bucket.waitMs(now) > 0) {
        // Its message was abandoned, or its chat was paused by a 429 meanwhile: back to waiting there.
        this.ready.shift();
        lane.atBot = false;
        this.pumpChat(lane);
        continue;
      }
      const ms = this.bucket.waitMs(now);
      if (ms > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pumpBot();
        }, ms);
        return;
      }
      this.ready.shift();
      lane.atBot = false;
      lane.waiters.shift();
      this.bucket.take(now, head.cost);
      lane.bucket.take(now, head.cost);
      lane.lastUsed = now;
      head.grant({ at: now, chatNextAt: lane.bucket.nextAt(now) });
      this.pumpChat(lane);
    }
  }
}
