import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent } from '../../src/application/ports/event-store.port';
import { schemaVersionOf } from '../../src/application/command-handling/upcasters';
import { ConversationEvent, conversationStreamId } from '../../src/domain/conversation/conversation.events';
import { masterStreamId, MasterUserEvent, ReplyTarget } from '../../src/domain/master-user/master-user.events';
import { Sealed } from '../../src/domain/shared/sealed';

type DomainEvent = MasterUserEvent | ConversationEvent;

interface Bot {
  botId: number;
  username: string;
  attached: boolean;
  paused: boolean;
}
interface Master {
  masterId: number;
  bots: Bot[];
  remindersOn: boolean;
  pro: boolean;
  /** Message ids in the master's chat with the MasterBot (relayed copies, notices): per chat, growing. */
  chatMessageId: number;
}
interface Conversation {
  master: Master;
  bot: Bot;
  customerId: number;
  nextMessageId: number;
  banned: boolean;
  blocked: boolean;
  /** Relayed, not yet answered: customer message id → relayed message id. */
  unanswered: Map<number, number>;
  relayed: { messageId: number; relayedMessageId: number }[];
}

/** The MasterBot: relays upload files to it. */
const MASTER_BOT_ID = 6_000_000_001;

const sealed = (keyId: string): Sealed => ({ keyId, box: 'aXYxMjM0NTY3ODkwYWJjZGVmZ2hpams=' });

/**
 * Appends a realistic, reproducible (seeded) history of the relay to an event store: masters register
 * and attach bots, customers start and write, messages are relayed (some in parts, some with uploads),
 * masters reply, edits, bans, blocks, reminders, greetings, Pro periods, detaches. Appends are issued
 * without waiting for each other (up to `inFlight`), so the embedded store group-commits them: a large
 * history is written in seconds. Each stream's revisions are tracked here, so the appends still carry
 * exact expected revisions.
 */
export class HistoryGenerator {
  private readonly random: () => number;
  private readonly revisions = new Map<string, number>();
  private readonly masters: Master[] = [];
  private readonly conversations: Conversation[] = [];
  private pending: Promise<unknown>[] = [];
  private nextMasterId = 7_000_000_001;
  private nextBotId = 7_100_000_001;
  private nextCustomerId = 5_000_000_001;
  /** Events appended so far. */
  appended = 0;

  constructor(
    private readonly store: EventStore,
    options: { seed?: number; inFlight?: number } = {},
  ) {
    this.random = mulberry32(options.seed ?? 42);
    this.inFlight = options.inFlight ?? 500;
  }

  private readonly inFlight: number;

  /** Appends about `events` more events (a step may add a few past it). */
  async run(events: number): Promise<void> {
    const target = this.appended + events;
    while (this.appended < target) {
      this.step();
      if (this.pending.length >= this.inFlight) await this.flush();
    }
    await this.flush();
  }

  private step(): void {
    if (this.masters.length < 3 || this.random() < 0.004) return this.newMaster();
    const r = this.random() * 100;
    if (r < 7 || this.conversations.length < 5) return this.customerStarts();
    if (r < 50) return this.customerWrites();
    if (r < 72) return this.masterReplies();
    if (r < 76) return this.customerEdits();
    if (r < 78) return this.banOrUnban();
    if (r < 80) return this.blockOrUnblock();
    if (r < 82) return this.reminderIssued();
    if (r < 83) return this.remindersConfigured();
    if (r < 84) return this.greetingSet();
    if (r < 85) return this.proChange();
    if (r < 85.5) return this.detachOrReattach();
    if (r < 86.5) return this.throttled();
    return this.masterNoise();
  }

  private newMaster(): void {
    const master: Master = { masterId: this.nextMasterId++, bots: [], remindersOn: false, pro: false, chatMessageId: 1 };
    this.masters.push(master);
    const { masterId } = master;
    this.emit(
      masterStreamId(masterId),
      { type: 'MasterRegistered', data: { masterId, firstName: `Master ${masterId}` } },
      { type: 'WelcomeShown', data: { masterId } },
    );
    const bots = 1 + Math.floor(this.random() * 3);
    for (let i = 0; i < bots; i++)
      this.attach(master, { botId: this.nextBotId++, username: `shop_${masterId}_${i}_bot`, attached: false, paused: false });
    if (this.random() < 0.5) this.remindersConfigured(master);
  }

  private attach(master: Master, bot: Bot): void {
    const { masterId } = master;
    this.emit(masterStreamId(masterId), {
      type: 'StateChanged',
      data: { masterId, from: 'Main', to: 'AwaitingBotToken', trigger: '/add' },
    });
    this.emit(
      masterStreamId(masterId),
      {
        type: 'ClientBotAttached',
        data: {
          masterId,
          botId: bot.botId,
          username: bot.username,
          encryptedToken: `v1:${randomUUID()}`,
          tokenMessageId: master.chatMessageId++,
        },
      },
      { type: 'StateChanged', data: { masterId, from: 'AwaitingBotToken', to: 'Main', trigger: 'bot token' } },
    );
    bot.attached = true;
    if (!master.bots.includes(bot)) master.bots.push(bot);
  }

  private customerStarts(): void {
    const master = this.pick(this.masters);
    const bot = this.pick(master.bots);
    const conversation: Conversation = {
      master,
      bot,
      customerId: this.nextCustomerId++,
      nextMessageId: 1,
      banned: false,
      blocked: false,
      unanswered: new Map(),
      relayed: [],
    };
    this.conversations.push(conversation);
    this.emitTo(conversation, {
      type: 'CustomerStarted',
      data: {
        ...this.who(conversation),
        ...(this.random() < 0.2 ? { startParameter: sealed(`${conversation.bot.botId}-${conversation.customerId}`) } : {}),
      },
    });
  }

  private customerWrites(): void {
    const c = this.pick(this.conversations);
    const messageId = c.nextMessageId++;
    const who = this.who(c);
    if (c.banned) return this.emitTo(c, { type: 'MessageDropped', data: { ...who, messageId, reason: 'banned' } });
    const kind = this.random() < 0.8 ? 'text' : this.pick(['photo', 'document', 'voice', 'sticker'] as const);
    const received: DomainEvent = {
      type: 'CustomerMessageReceived',
      data: { ...who, messageId, kind, sentAt: 1_700_000_000 + messageId, content: sealed(`conversation-${c.bot.botId}-${c.customerId}`) },
    };
    if (!c.bot.attached || c.bot.paused || this.random() < 0.02) {
      return this.emitTo(c, received, { type: 'RelayFailed', data: { ...who, messageId, reason: 'bot_paused' } });
    }
    const relayedMessageId = c.master.chatMessageId++;
    const extraMessageIds = this.random() < 0.1 ? [c.master.chatMessageId++, c.master.chatMessageId++] : [];
    const uploaded =
      kind !== 'text' && this.random() < 0.7
        ? [{ botId: MASTER_BOT_ID, fileUniqueId: `u${Math.floor(this.random() * 5000)}`, fileId: `master-file-${randomUUID()}` }]
        : [];
    c.unanswered.set(messageId, relayedMessageId);
    c.relayed.push({ messageId, relayedMessageId });
    // Outcome in its own append, as the relay reactor records it after the send.
    this.emitTo(c, received);
    this.emitTo(c, { type: 'MessageRelayed', data: { ...who, messageId, relayedMessageId, extraMessageIds, uploaded } });
  }

  private masterReplies(): void {
    const c = this.pick(this.conversations);
    if (c.relayed.length === 0) return this.customerWrites();
    // Usually the oldest unanswered message; sometimes an older, answered one again.
    const [messageId, relayedMessageId] =
      c.unanswered.size > 0 && this.random() < 0.8
        ? [...c.unanswered][0]
        : ((r) => [r.messageId, r.relayedMessageId])(this.pick(c.relayed));
    const { masterId } = c.master;
    const target: ReplyTarget = {
      botId: c.bot.botId,
      customerId: c.customerId,
      conversationId: `${c.bot.botId}-${c.customerId}`,
      customerMessageId: messageId,
      relayedMessageId,
    };
    const replyId = randomUUID();
    this.emit(
      masterStreamId(masterId),
      { type: 'StateChanged', data: { masterId, from: 'Main', to: 'Responding', trigger: 'reply button' } },
      { type: 'ReplyStarted', data: { masterId, target } },
    );
    this.emit(
      masterStreamId(masterId),
      {
        type: 'ReplySent',
        data: {
          masterId,
          replyId,
          target,
          masterMessageId: c.master.chatMessageId++,
          content: sealed(`conversation-${c.bot.botId}-${c.customerId}`),
        },
      },
      { type: 'StateChanged', data: { masterId, from: 'Responding', to: 'Main', trigger: 'reply sent' } },
    );
    const who = this.who(c);
    if (c.blocked || this.random() < 0.03) {
      this.emitTo(c, { type: 'ReplyDeliveryFailed', data: { ...who, replyId, reason: 'customer_blocked_bot' } });
      return;
    }
    const uploaded =
      this.random() < 0.1
        ? [{ botId: c.bot.botId, fileUniqueId: `u${Math.floor(this.random() * 5000)}`, fileId: `client-file-${randomUUID()}` }]
        : [];
    this.emitTo(c, {
      type: 'ReplyDelivered',
      data: { ...who, replyId, relayedMessageId, deliveredMessageId: 10_000 + c.nextMessageId, uploaded, answer: null },
    });
    c.unanswered.clear();
  }

  private customerEdits(): void {
    const c = this.pick(this.conversations);
    if (c.relayed.length === 0) return this.customerWrites();
    const { messageId } = this.pick(c.relayed);
    const who = this.who(c);
    this.emitTo(c, {
      type: 'CustomerMessageEdited',
      data: { ...who, messageId, editedAt: 1_700_100_000 + messageId, content: sealed(`conversation-${c.bot.botId}-${c.customerId}`) },
    });
    this.emitTo(c, {
      type: 'EditRelayed',
      data: { ...who, messageId, editedAt: 1_700_100_000 + messageId, noticeMessageId: c.master.chatMessageId++ },
    });
  }

  private banOrUnban(): void {
    const c = this.pick(this.conversations);
    c.banned = !c.banned;
    this.emitTo(
      c,
      c.banned
        ? { type: 'CustomerBanned', data: { ...this.who(c), name: sealed(`conversation-${c.bot.botId}-${c.customerId}`) } }
        : { type: 'CustomerUnbanned', data: this.who(c) },
    );
  }

  private blockOrUnblock(): void {
    const c = this.pick(this.conversations);
    c.blocked = !c.blocked;
    this.emitTo(c, { type: c.blocked ? 'CustomerBlockedBot' : 'CustomerUnblockedBot', data: this.who(c) });
  }

  private reminderIssued(): void {
    const c = this.pick(this.conversations);
    const first = [...c.unanswered][0];
    if (!c.master.remindersOn || !first) return this.customerWrites();
    this.emitTo(c, { type: 'ReminderIssued', data: { ...this.who(c), messageId: first[0], relayedMessageId: first[1] } });
  }

  private remindersConfigured(master = this.pick(this.masters)): void {
    const hours = this.random() < 0.15 ? null : this.pick([1, 2, 4, 24]);
    master.remindersOn = hours !== null;
    this.emit(masterStreamId(master.masterId), { type: 'RemindersConfigured', data: { masterId: master.masterId, hours } });
  }

  private greetingSet(): void {
    const master = this.pick(this.masters);
    const bot = this.pick(master.bots);
    this.emit(masterStreamId(master.masterId), {
      type: 'GreetingSet',
      data: { masterId: master.masterId, botId: bot.botId, username: bot.username, greeting: sealed(`bot-${bot.botId}`) },
    });
  }

  private proChange(): void {
    const master = this.pick(this.masters);
    const { masterId } = master;
    const until = new Date(Date.UTC(2030, 0, 1) + Math.floor(this.random() * 1e10)).toISOString();
    if (!master.pro) {
      const resumedBotIds = master.bots.filter((b) => b.paused).map((b) => b.botId);
      for (const bot of master.bots) bot.paused = false;
      master.pro = true;
      this.emit(masterStreamId(masterId), {
        type: 'ProActivated',
        data: { masterId, chargeId: randomUUID(), stars: 250, until, renewal: false, resumedBotIds },
      });
    } else if (this.random() < 0.5) {
      this.emit(masterStreamId(masterId), { type: 'ProRenewalCancelled', data: { masterId, chargeId: randomUUID(), until } });
    } else {
      const pausedBotIds = master.bots
        .filter((b) => b.attached)
        .slice(1)
        .map((b) => b.botId);
      for (const bot of master.bots) if (pausedBotIds.includes(bot.botId)) bot.paused = true;
      master.pro = false;
      this.emit(masterStreamId(masterId), { type: 'ProExpired', data: { masterId, pausedBotIds } });
    }
  }

  private detachOrReattach(): void {
    const master = this.pick(this.masters);
    const bot = this.pick(master.bots);
    if (bot.attached) {
      bot.attached = false;
      this.emit(masterStreamId(master.masterId), {
        type: 'ClientBotDetached',
        data: { masterId: master.masterId, botId: bot.botId, username: bot.username },
      });
    } else {
      this.attach(master, bot);
    }
  }

  private throttled(): void {
    const c = this.pick(this.conversations);
    this.emitTo(c, { type: 'CustomerThrottled', data: { ...this.who(c), messageId: c.nextMessageId++, until: 1_700_000_100 } });
  }

  private masterNoise(): void {
    const { masterId } = this.pick(this.masters);
    const type = this.pick(['HelpShown', 'BotListRequested', 'BannedListRequested'] as const);
    this.emit(masterStreamId(masterId), { type, data: { masterId } });
  }

  private who(c: Conversation) {
    return { botId: c.bot.botId, customerId: c.customerId, masterId: c.master.masterId };
  }

  private emitTo(c: Conversation, ...events: DomainEvent[]): void {
    this.emit(conversationStreamId(c.bot.botId, c.customerId), ...events);
  }

  private emit(streamId: string, ...events: DomainEvent[]): void {
    const expected = this.revisions.get(streamId) ?? 'no_stream';
    this.revisions.set(streamId, (this.revisions.get(streamId) ?? -1) + events.length);
    const correlationId = `tg:${randomUUID()}`;
    const newEvents: NewEvent[] = events.map((e, i) => ({
      id: randomUUID(),
      type: e.type,
      data: e.data,
      metadata: {
        schemaVersion: schemaVersionOf(e.type),
        correlationId,
        causationId: i === 0 ? correlationId : `${correlationId}#${i - 1}`,
        occurredAt: new Date().toISOString(),
        command: 'Generated',
      },
    }));
    this.pending.push(this.store.appendToStream(streamId, newEvents, expected));
    this.appended += events.length;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    await Promise.all(batch);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}

/** A small seeded PRNG: the same seed gives the same history. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
