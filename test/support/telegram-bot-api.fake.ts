import { botMethods, commandScopeKey, type CommandScope } from './telegram-fake/bot-methods';
import { ChatStore, type ChatEntry } from './telegram-fake/chat-store';
import { ConnectionFaults, type ConnectionFault } from './telegram-fake/connection-faults';
import { Dispatcher } from './telegram-fake/dispatcher';
import { FileStore } from './telegram-fake/file-store';
import { groupMethods } from './telegram-fake/group-methods';
import { GroupSimulator } from './telegram-fake/group-simulator';
import { BotApiServer } from './telegram-fake/http-server';
import { Journal, type JournalView, type WaitOptions } from './telegram-fake/journal';
import { Latency, type InFlightCall } from './telegram-fake/latency';
import { mediaMethods } from './telegram-fake/media-methods';
import { messagingMethods } from './telegram-fake/messaging-methods';
import type { CallbackQueryRecord, FakeState } from './telegram-fake/method-context';
import { PaymentBook, type StarCharge } from './telegram-fake/payment-book';
import { userReacts } from './telegram-fake/reaction-simulator';
import { userEditsCaption } from './telegram-fake/caption-edit';
import { paymentMethods } from './telegram-fake/payment-methods';
import { Registry, type BotCommand, type FakeUser } from './telegram-fake/registry';
import { ParamReader } from './telegram-fake/request-params';
import { TrafficControl } from './telegram-fake/traffic-control';
import type * as T from './telegram-fake/types';
import { UpdateHub } from './telegram-fake/update-hub';
import { UserSimulator, type PaymentOptions } from './telegram-fake/user-simulator';
import { WebhookDeliverer } from './telegram-fake/webhook-delivery';

export * from './telegram-fake';

export interface CreatedBot {
  id: number;
  token: string;
  username: string;
}

export interface WebhookStatus {
  url: string;
  secretToken?: string;
  pendingUpdateCount: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
  allowedUpdates: string[] | null;
  delivering: boolean;
}

/** A local stand-in for api.telegram.org: a real HTTP server speaking the Bot API, plus a test-control
 * API to play the users (send, edit, press buttons, block, pay) and to inspect what the bots did.
 *
 * Switchable faults model how Telegram fails: `setRateLimits` (its flood limits: 429 with retry_after
 * beyond them), `failNext` (an error answer, e.g. a long streak of 429s or a 5xx), and `failConnection`
 * (no answer at all: a hang, a reset before Telegram acted, a reset after it sent the message; see
 * telegram-fake/connection-faults.ts).
 *
 * Groups, forum topics, members and rights are played through `groups` (telegram-fake/group-simulator.ts).
 * Every known difference from Telegram is listed in telegram-fake/README.md. */
export class TelegramBotApiFake {
  private readonly journal = new Journal();
  private readonly registry = new Registry();
  private readonly files = new FileStore();
  private readonly hub: UpdateHub;
  private readonly deliverer: WebhookDeliverer;
  private readonly traffic: TrafficControl;
  private readonly connections = new ConnectionFaults(() => this.journal.changed());
  private readonly state: FakeState;
  private readonly users: UserSimulator;
  /** Users in groups: create a (forum) supergroup, add, promote, kick a bot, write in topics, react, upgrade. */
  readonly groups: GroupSimulator;
  private readonly dispatcher: Dispatcher;
  private readonly server: BotApiServer;
  private port = 0;
  private stopped?: Promise<void>;

  private constructor(options: T.FakeOptions) {
    this.hub = new UpdateHub(this.journal, (botId) => this.deliverer.kick(botId));
    this.deliverer = new WebhookDeliverer(this.hub, this.journal, options.webhookRetryDelayMs ?? 20, (botId, request) =>
      this.webhookReply(botId, request),
    );
    this.traffic = new TrafficControl(options.rateLimits);
    this.state = {
      registry: this.registry,
      chats: new ChatStore(),
      files: this.files,
      hub: this.hub,
      journal: this.journal,
      payments: new PaymentBook(),
      callbackQueries: new Map(),
      kickWebhook: (botId) => this.deliverer.kick(botId),
    };
    this.users = new UserSimulator(this.state);
    this.groups = new GroupSimulator(this.state, this.users.typed);
    this.dispatcher = new Dispatcher(
      this.state,
      this.traffic,
      [botMethods, messagingMethods, mediaMethods, paymentMethods, groupMethods],
      this.connections,
      new Latency(() => this.journal.changed()),
    );
    this.server = new BotApiServer(this.dispatcher, this.files, this.registry);
  }

  static async start(options: T.FakeOptions = {}): Promise<TelegramBotApiFake> {
    const fake = new TelegramBotApiFake(options);
    fake.port = await fake.server.listen(options.port ?? 0);
    return fake;
  }

  /** What a client uses instead of https://api.telegram.org, e.g. Telegraf's `telegram.apiRoot`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Ends long polls, stops webhook retries and closes the server (and its keep-alive connections). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.hub.close();
      this.deliverer.stop();
      await this.server.close();
    })();
    return this.stopped;
  }

  createBot(options: { username: string; firstName?: string; id?: number; topicsInPrivateChats?: boolean }): CreatedBot {
    const bot = this.registry.createBot(options);
    return { id: bot.id, token: bot.token, username: bot.username };
  }

  /** BotFather's /revoke: the old token answers 401 from now on; returns the new token. */
  revokeToken(token: string): string {
    return this.registry.revokeToken(token);
  }

  /** Every bot token this fake issued (revoked ones too). */
  issuedTokens(): string[] {
    return this.registry.allTokens();
  }

  /** Every text and caption users sent or edited in, to any bot (the masters' too), in order. */
  userTexts(): readonly string[] {
    return this.users.typed;
  }

  createUser(options: {
    id?: number;
    firstName: string;
    lastName?: string;
    username?: string;
    isBot?: boolean;
    languageCode?: string;
  }): FakeUser {
    return this.registry.createUser(options);
  }

  userSends(botRef: T.BotRef, userId: number, content: string | T.UserContent): T.UserMessageAction {
    return this.users.sends(this.registry.bot(botRef), userId, content);
  }

  /**
   * The user deletes a topic of their private chat with a bot (the apps let them when the bot has topics), with all
   * its messages; the bot is told nothing, and its next post there is "message thread not found".
   */
  userDeletesTopic(botRef: T.BotRef, userId: number, threadId: number): void {
    const bot = this.registry.bot(botRef);
    const chat = this.state.chats.find(bot.id, userId);
    const topic = chat?.topics.live(threadId);
    if (!chat || !topic) throw new Error(`chat ${userId} of @${bot.username} has no topic ${threadId}`);
    topic.deleted = true;
    for (const entry of chat.all()) if (entry.message.message_thread_id === threadId) entry.deleted = true;
    this.state.journal.changed();
  }

  /** Every topic ever created in a user's private chat with a bot (topics in private chats, Bot API 9.3). */
  privateTopics(botRef: T.BotRef, userId: number): { threadId: number; name: string; deleted: boolean }[] {
    const chat = this.state.chats.find(this.registry.bot(botRef).id, userId);
    return (chat?.topics.all() ?? []).map(({ threadId, name, deleted }) => ({ threadId, name, deleted }));
  }

  userEdits(botRef: T.BotRef, userId: number, messageId: number, newText: string): T.UserAction {
    return this.users.edits(this.registry.bot(botRef), userId, messageId, newText);
  }

  userDeletes(botRef: T.BotRef, userId: number, messageId: number): void {
    this.users.deletes(this.registry.bot(botRef), userId, messageId);
  }

  /** The user edits the caption of a media message they sent: an `edited_message` update. */
  userEditsCaption(botRef: T.BotRef, userId: number, messageId: number, caption: string): T.UserAction {
    this.users.typed.push(caption);
    return userEditsCaption(this.state, this.registry.bot(botRef), userId, messageId, caption);
  }

  /** The user sets their reactions on a message (`[]`: none): a `message_reaction` update, if the bot asked for those. */
  userReacts(botRef: T.BotRef, userId: number, messageId: number, emoji: string[]): T.UserAction {
    return userReacts(this.state, this.groups, this.registry.bot(botRef), userId, messageId, emoji);
  }

  userPressesButton(botRef: T.BotRef, userId: number, messageId: number, callbackData: string): T.UserAction & { callbackQueryId: string } {
    return this.users.pressesButton(this.registry.bot(botRef), userId, messageId, callbackData);
  }

  userBlocksBot(botRef: T.BotRef, userId: number): T.UserAction {
    return this.users.setBlocked(this.registry.bot(botRef), userId, true);
  }

  userUnblocksBot(botRef: T.BotRef, userId: number): T.UserAction {
    return this.users.setBlocked(this.registry.bot(botRef), userId, false);
  }

  /** Starts a checkout for an invoice the bot issued (terms come from it, or from `options`). */
  userPays(
    botRef: T.BotRef,
    userId: number,
    invoicePayload: string,
    options?: PaymentOptions,
  ): T.UserAction & { preCheckoutQueryId: string } {
    return this.users.pays(this.registry.bot(botRef), userId, invoicePayload, options);
  }

  /** Hands an update the bot already got to it once more, as Telegram does after a lost answer. */
  redeliver(botRef: T.BotRef, updateId: number): void {
    this.hub.redeliver(this.registry.bot(botRef).id, updateId);
  }

  /** The bot's next `times` calls of `method` (`'*'`: any) fail with the given error. */
  failNext(botRef: T.BotRef, method: string, fault: T.Fault, times = 1): void {
    this.traffic.failNext(this.registry.bot(botRef).id, method, fault, times);
  }

  /**
   * The bot's next `times` calls of `method` (`'*'`: any) fail on the connection: `hang` (never answered
   * until `releaseHung()` or the client gives up), `reset_before` (dropped, not carried out) or
   * `reset_after` (carried out — the message is sent — then dropped unanswered).
   */
  failConnection(botRef: T.BotRef, method: string, fault: ConnectionFault, times = 1): void {
    this.connections.failNext(this.registry.bot(botRef).id, method, fault, times);
  }

  /** Hanging calls go on: carried out and answered late. Returns how many there were. */
  releaseHung(): number {
    return this.connections.releaseHung();
  }

  /** Calls hanging right now (armed with `failConnection(…, 'hang')` and not yet given up or released). */
  get hangingCalls(): number {
    return this.connections.hanging;
  }

  /** Telegram takes `ms` to carry out and answer each call of `methods` (default: those that send a message); 0 turns it off. */
  setLatency(ms: number, methods?: readonly string[]): void {
    this.dispatcher.latency.set(ms, methods);
  }

  /** Calls received and not yet answered, right now (see telegram-fake/latency.ts). */
  callsInFlight(): InFlightCall[] {
    return this.dispatcher.latency.inFlight;
  }

  setRateLimits(limits: T.RateLimits): void {
    this.traffic.setLimits(limits);
  }

  get calls(): readonly T.CallRecord[] {
    return this.journal.calls;
  }

  get deliveries(): readonly T.DeliveryRecord[] {
    return this.journal.deliveries;
  }

  /** Messages the bots sent (and edited), in order, optionally for one bot and one chat. */
  sent(botRef?: T.BotRef, chatId?: number): T.SentRecord[] {
    const botId = botRef === undefined ? undefined : this.registry.bot(botRef).id;
    return this.journal.sent.filter((s) => (botId === undefined || s.botId === botId) && (chatId === undefined || s.chatId === chatId));
  }

  /** The chat as its user sees it now (a group: as its members see it): every message with edits applied,
   * deletions flagged, reactions. */
  messagesInChat(botRef: T.BotRef, chatId: number): ChatEntry[] {
    return this.state.chats.view(this.registry.bot(botRef).id, chatId)?.all() ?? [];
  }

  reactions(botRef: T.BotRef, chatId: number, messageId: number): string[] {
    return this.messagesInChat(botRef, chatId).find((entry) => entry.messageId === messageId)?.reactions ?? [];
  }

  webhookInfo(botRef: T.BotRef): WebhookStatus {
    const updates = this.hub.of(this.registry.bot(botRef).id);
    return {
      url: updates.webhook?.url ?? '',
      secretToken: updates.webhook?.secretToken,
      pendingUpdateCount: updates.queue.length,
      lastErrorDate: updates.lastError?.date,
      lastErrorMessage: updates.lastError?.message,
      allowedUpdates: updates.allowedUpdates,
      delivering: updates.delivering,
    };
  }

  /** Whether a getUpdates long poll of this bot is open right now (waiting for an update). */
  isLongPolling(botRef: T.BotRef): boolean {
    return this.hub.of(this.registry.bot(botRef).id).poller !== undefined;
  }

  commands(botRef: T.BotRef, scope?: CommandScope, languageCode?: string): BotCommand[] {
    return this.registry.bot(botRef).commands.get(commandScopeKey(scope, languageCode)) ?? [];
  }

  callbackQuery(callbackQueryId: string): CallbackQueryRecord | undefined {
    return this.state.callbackQueries.get(callbackQueryId);
  }

  starCharges(botRef: T.BotRef): StarCharge[] {
    return this.state.payments.chargesOf(this.registry.bot(botRef).id);
  }

  /** The bytes behind any file id, whichever bot it belongs to. */
  fileBytes(fileId: string): Buffer | undefined {
    return this.files.find(fileId)?.bytes;
  }

  /** Resolves with the probe's first truthy result; re-checked on every change, never by polling. */
  waitFor<R>(probe: (view: JournalView) => R | undefined | null | false, options?: WaitOptions): Promise<R> {
    return this.journal.waitFor(probe, options);
  }

  waitForCall(method: string, match: (call: T.CallRecord) => boolean = () => true, options?: WaitOptions): Promise<T.CallRecord> {
    const wanted = method.toLowerCase();
    return this.waitFor((view) => view.calls.find((c) => c.method.toLowerCase() === wanted && match(c)), {
      description: `a ${method} call`,
      ...options,
    });
  }

  waitForSent(match: (sent: T.SentRecord) => boolean, options?: WaitOptions): Promise<T.SentRecord> {
    return this.waitFor((view) => view.sent.find(match), { description: 'a matching sent message', ...options });
  }

  /** Waits until no update of the bot is queued or being delivered. */
  async waitForWebhookIdle(botRef: T.BotRef, options?: WaitOptions): Promise<void> {
    const updates = this.hub.of(this.registry.bot(botRef).id);
    await this.waitFor(() => updates.queue.length === 0 && !updates.delivering, {
      description: `webhook of ${String(botRef)} idle (last error: ${updates.lastError?.message ?? 'none'})`,
      ...options,
    });
  }

  private async webhookReply(botId: number, request: T.Json): Promise<void> {
    const { method, ...params } = request;
    await this.dispatcher.call(this.registry.bot(botId).token, String(method), new ParamReader(params), new AbortController().signal);
  }
}
