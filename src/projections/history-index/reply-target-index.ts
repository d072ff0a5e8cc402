import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, isEventOf, RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { OwnChatCopyLookup, ReplyTargetLookup } from '../../application/ports/read-models.port';
import { conversationId, ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { relayedMessagesOf } from '../message-refs/relayed-messages';
import { ReplyTargetQuery } from '../message-refs/reply-target.query';
import { BoundedMap } from '../../application/shared/bounded-map';
import { HistoryTail } from './history-tail';

/** Relayed messages held in memory (about 250 bytes each: ~12 MB at the cap); the least recently used go first. */
export const REPLY_TARGET_CAPACITY = 50_000;
/**
 * Telegram shows the relayed copy to the master before our sendMessage call returns, so an instant reply
 * can arrive before MessageRelayed is recorded: a miss waits this long for it to be.
 */
const RELAY_IN_FLIGHT_GRACE_MS = 1500;
/** How long a reply waits for the history tail to read what was recorded when it arrived (normally milliseconds). */
const TAIL_WAIT_MS = 10_000;
/** The read-model fallback is given this long; a database that does not answer counts as unavailable. */
const READ_MODEL_WAIT_MS = 2000;

/**
 * What puts a message in a master's chat that a reply may answer: a relay (each of its parts) or an edit notice;
 * and (M12) a copy in a customer's topic of a team group, which an agent's reaction may be on (keyed by the
 * group's chat id: a group's ids are negative, a master's chat is the master's positive user id).
 */
type Relayed = ConversationEventOf<'MessageRelayed' | 'EditRelayed' | 'RelayedToTopic'>;
const RELAYED: TypesOf<Relayed> = ['MessageRelayed', 'EditRelayed', 'RelayedToTopic'];

interface Ref {
  botId: number;
  customerId: number;
  customerMessageId: number;
  position: bigint;
}

/** A reply we cannot place yet (the history or the read models are unavailable): recording fails, Telegram redelivers. */
export class ReplyTargetUnknownYetError extends Error {
  constructor(reason: string) {
    super(`cannot tell yet which customer message this reply answers: ${reason}`);
    this.name = 'ReplyTargetUnknownYetError';
  }
}

/**
 * Which customer message a master's reply answers, from the event history: every `MessageRelayed` (each
 * of its parts) and `EditRelayed` notice is indexed by (master chat, message id) — scoped by the master's
 * chat, never by message id alone — as the history tail reads it. A reply waits for the tail to reach the
 * store's head *as of its arrival*, never for a projection.
 *
 * The index covers the history after `coveredAfter` (where the tail started — the `message_refs`
 * checkpoint at start — or the newest entry the LRU dropped). Older relays are looked up in `message_refs`,
 * which covers the history up to its checkpoint. A miss is "not a relayed message" only when the two
 * together cover everything; otherwise (read models down after a restart or after evictions) the reply is
 * not refused but fails to record, and Telegram redelivers it later.
 */
@Injectable()
export class ReplyTargetIndex implements ReplyTargetLookup, OwnChatCopyLookup {
  private readonly refs = new BoundedMap<string, Ref>(REPLY_TARGET_CAPACITY, (_key, ref) => this.dropped(ref.position));
  private evictedUpTo: bigint | null = null;
  private readonly arrivals = new Map<string, Set<() => void>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tail: HistoryTail,
    private readonly readModel: ReplyTargetQuery,
  ) {
    tail.onEvents((events) => events.forEach((event) => this.index(event)));
  }

  /**
   * M14: the customer message a copy in the owner's chat with client bot `botId` stands for (`RelayedToOwnChat`).
   * That chat's id is the master's, as the MasterBot chat's, with the bot's own message ids: keyed by the bot, and
   * never looked up in `message_refs` (which is keyed by chat). WARNING: only copies the history tail read since
   * this process started (after the `message_refs` checkpoint) or still held by the LRU are found.
   */
  async findOwnChatCopy(botId: number, copyId: number): Promise<ReplyTarget | null> {
    const key = ownChatKeyOf(botId, copyId);
    const head = await this.store.headPosition();
    if (!this.refs.has(key) && head !== null && !(await this.tail.reached(head, TAIL_WAIT_MS)))
      throw new ReplyTargetUnknownYetError('the history index is behind');
    return this.target(key, copyId);
  }

  async find(masterChatId: number, relayedMessageId: number): Promise<ReplyTarget | null> {
    const key = keyOf(masterChatId, relayedMessageId);
    const indexed = this.target(key, relayedMessageId);
    if (indexed) return indexed;
    const head = await this.store.headPosition();
    if (head !== null && !(await this.tail.reached(head, TAIL_WAIT_MS)))
      throw new ReplyTargetUnknownYetError('the history index is behind');
    const caughtUp = this.target(key, relayedMessageId);
    if (caughtUp) return caughtUp;
    const stored = await this.fromReadModel(masterChatId, relayedMessageId);
    if (stored?.target) return stored.target;
    const coveredAfter = this.coveredAfter();
    const complete = coveredAfter === null || (stored !== null && stored.upTo !== null && stored.upTo >= coveredAfter);
    // Checked and the wait armed in one go (no await between), so an arrival cannot slip through.
    if (!this.refs.has(key)) await this.arrival(key, RELAY_IN_FLIGHT_GRACE_MS);
    const late = this.target(key, relayedMessageId);
    if (late) return late;
    if (!complete) throw new ReplyTargetUnknownYetError('older relays are only in the read models, which are unavailable or behind');
    return null;
  }

  private index(event: RecordedEvent): void {
    if (isEventOf<ConversationEventOf<'RelayedToOwnChat'>>(event, ['RelayedToOwnChat'])) {
      const { botId, customerId, messageId, relayedMessageId } = event.data;
      this.refs.set(ownChatKeyOf(botId, relayedMessageId), { botId, customerId, customerMessageId: messageId, position: event.position });
      return;
    }
    if (!isEventOf<Relayed>(event, RELAYED)) return;
    const { botId, customerId, messageId } = event.data;
    const { chatId, ids } = relayedMessagesOf(event);
    for (const id of ids) {
      const key = keyOf(chatId, id);
      this.refs.set(key, { botId, customerId, customerMessageId: messageId, position: event.position });
      this.arrivals.get(key)?.forEach((arrived) => arrived());
    }
  }

  private target(key: string, relayedMessageId: number): ReplyTarget | null {
    const ref = this.refs.get(key);
    if (!ref) return null;
    const { botId, customerId, customerMessageId } = ref;
    return { botId, customerId, conversationId: conversationId(botId, customerId), customerMessageId, relayedMessageId };
  }

  /** The index is complete after this position (null: over the whole history). */
  private coveredAfter(): bigint | null {
    const started = this.tail.startedAfter;
    if (this.evictedUpTo === null) return started;
    return started === null || this.evictedUpTo > started ? this.evictedUpTo : started;
  }

  private dropped(position: bigint): void {
    if (this.evictedUpTo === null || position > this.evictedUpTo) this.evictedUpTo = position;
  }

  /** `null` when the read-model database fails or does not answer in time. */
  private async fromReadModel(masterChatId: number, relayedMessageId: number) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), READ_MODEL_WAIT_MS)));
    try {
      return await Promise.race([this.readModel.lookupNow(masterChatId, relayedMessageId).catch(() => null), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the key is indexed, or after `ms`. */
  private arrival(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.arrivals.get(key) ?? new Set<() => void>();
      this.arrivals.set(key, waiting);
      const onArrival = () => {
        clearTimeout(timer);
        waiting.delete(onArrival);
        if (waiting.size === 0 && this.arrivals.get(key) === waiting) this.arrivals.delete(key);
        resolve();
      };
      const timer = setTimeout(onArrival, ms);
      waiting.add(onArrival);
    });
  }
}

const keyOf = (masterChatId: number, messageId: number): string => `${masterChatId}:${messageId}`;
const ownChatKeyOf = (botId: number, messageId: number): string => `own:${botId}:${messageId}`;
