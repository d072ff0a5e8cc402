import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore, RecordedEvent } from '../src/application/ports/event-store.port';
import { ConversationEvent, conversationStreamId } from '../src/domain/conversation/conversation.events';
import { MasterFsmState, masterStreamId, MasterUserEvent } from '../src/domain/master-user/master-user.events';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { BotDirectoryQuery } from '../src/projections/client-bots/bot-directory.query';
import { ClientBotRow } from '../src/projections/client-bots/client-bot.entity';
import { ClientBotsProjector } from '../src/projections/client-bots/client-bots.projector';
import { MasterUserRow } from '../src/projections/master-users/master-user.entity';
import { MessageRefRow } from '../src/projections/message-refs/message-ref.entity';
import { ReplyTargetQuery } from '../src/projections/message-refs/reply-target.query';
import { ProjectionsService } from '../src/projections/projections.service';
import { openReadModels, READ_MODEL_MIGRATIONS } from '../src/projections/read-model.datasource';
import { readCheckpoint } from '../src/processing/projection-checkpoint.store';
import { ProjectionRunner } from '../src/projections/runner/projection-runner';
import { ProjectionContext, Projector } from '../src/projections/runner/projector';
import { createMysqlTestDb } from './support/mysql-test-db';
import { makeTempDir } from './support/temp-dir';
import { Cleanups } from './support/cleanups';

// Telegram ids past 2^32: 10-digit user and bot ids, and a 52-bit one.
const ALICE = 7000000001;
const BOB = 7000000002;
const CAROL = 5000000001;
const DAVE = 5000000002;
const SHOP_BOT = 7100000001;
const SPARE_BOT = 7100000002;
const BOB_BOT = 7100000003;
const BIG_CUSTOMER = 2 ** 52 - 1;

type DomainEvent = MasterUserEvent | ConversationEvent;
const sealed = { keyId: 'conversation-key', box: 'aXYxMjM0NTY3ODkwYWJjZGVmZ2hpams=' };

/** Appends realistic domain events to their streams, as the command side would. */
class History {
  private readonly revisions = new Map<string, number>();
  constructor(private readonly store: EventStore) {}

  async record(streamId: string, ...events: DomainEvent[]): Promise<bigint> {
    const correlationId = `tg:${randomUUID()}`;
    const newEvents = events.map((e, i) => ({
      id: randomUUID(),
      type: e.type,
      data: e.data,
      metadata: { schemaVersion: 1, correlationId, causationId: i === 0 ? correlationId : `${correlationId}#${i - 1}` },
    }));
    const result = await this.store.appendToStream(streamId, newEvents, this.revisions.get(streamId) ?? 'no_stream');
    this.revisions.set(streamId, result.nextExpectedRevision);
    return result.position;
  }

  masterRegisters = (masterId: number, firstName: string) =>
    this.record(masterStreamId(masterId), { type: 'MasterRegistered', data: { masterId, firstName } });

  masterMoves = (masterId: number, from: MasterFsmState, to: MasterFsmState, trigger: string) =>
    this.record(masterStreamId(masterId), { type: 'StateChanged', data: { masterId, from, to, trigger } });

  async masterAttaches(masterId: number, botId: number, username: string): Promise<void> {
    await this.masterMoves(masterId, 'Main', 'AwaitingBotToken', '/add');
    await this.record(
      masterStreamId(masterId),
      { type: 'ClientBotAttached', data: { masterId, botId, username, encryptedToken: `v1:${randomUUID()}`, tokenMessageId: 17 } },
      { type: 'StateChanged', data: { masterId, from: 'AwaitingBotToken', to: 'Main', trigger: 'bot token' } },
    );
  }

  masterDetaches = (masterId: number, botId: number, username: string) =>
    this.record(masterStreamId(masterId), { type: 'ClientBotDetached', data: { masterId, botId, username } });

  customerWrites = (botId: number, customerId: number, masterId: number, ...messageIds: number[]) =>
    this.record(
      conversationStreamId(botId, customerId),
      ...messageIds.map((messageId): DomainEvent => ({
        type: 'CustomerMessageReceived',
        data: { botId, customerId, masterId, messageId, kind: 'text', sentAt: 1_700_000_000 + messageId, content: sealed },
      })),
    );

  relayed = (botId: number, customerId: number, masterId: number, messageId: number, relayedMessageId: number) =>
    this.record(conversationStreamId(botId, customerId), {
      type: 'MessageRelayed',
      data: { botId, customerId, masterId, messageId, relayedMessageId, extraMessageIds: [], uploaded: [] },
    });

  replyDelivered = (botId: number, customerId: number, masterId: number, relayedMessageId: number) =>
    this.record(conversationStreamId(botId, customerId), {
      type: 'ReplyDelivered',
      data: { botId, customerId, masterId, replyId: randomUUID(), relayedMessageId, deliveredMessageId: 900, uploaded: [], answer: null },
    });
}

/** The real projector, watched: what it applied, and a fault that can be switched on for one event. */
class WatchedProjector implements Projector {
  readonly name: string;
  readonly handles: readonly string[];
  readonly tables: readonly string[];
  readonly applied: RecordedEvent[] = [];
  failOn: (event: RecordedEvent) => boolean = () => false;
  failuresLeft = 0;
  failures = 0;
  /** Runs inside the failing transaction, after the rows before the bad event were written. */
  beforeFailing: (ctx: ProjectionContext) => Promise<void> = async () => undefined;

  constructor(private readonly inner: Projector) {
    this.name = inner.name;
    this.handles = inner.handles;
    this.tables = inner.tables;
  }

  async apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    const bad = events.findIndex((e) => this.failOn(e));
    if (bad >= 0 && this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      this.failures += 1;
      await this.inner.apply(events.slice(0, bad), ctx);
      await this.beforeFailing(ctx);
      throw new Error(`projector failed on ${events[bad].type} at ${events[bad].position}`);
    }
    await this.inner.apply(events, ctx);
    this.applied.push(...events);
  }
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type ReadModelDatabase = { databaseUrl: string | null; drop: () => Promise<void> };

function describeReadModels(title: string, createDatabase: () => Promise<ReadModelDatabase>): void {
  describe(title, () => {
    let store: SqliteEventStore;
    let history: History;
    let db: ReadModelDatabase;
    let dataDir: string;
    /** Undone last-in first-out after each test, pass or fail: runners, data sources, store, database, files. */
    const cleanups = new Cleanups();

    const open = async (): Promise<DataSource> => {
      const dataSource = await openReadModels({ databaseUrl: db.databaseUrl, dataDir });
      cleanups.push(() => (dataSource.isInitialized ? dataSource.destroy() : undefined));
      return dataSource;
    };
    const startRunner = async (projector: Projector, dataSource: DataSource): Promise<ProjectionRunner> => {
      const runner = new ProjectionRunner(projector, store, dataSource);
      await runner.start();
      cleanups.push(() => runner.stop());
      return runner;
    };
    const startProjections = async (dataSource: DataSource) => {
      const projections = new ProjectionsService(store, dataSource);
      const queries = { replyTargets: new ReplyTargetQuery(dataSource, projections), bots: new BotDirectoryQuery(dataSource, projections) };
      await projections.start();
      cleanups.push(() => projections.stop());
      return { projections, ...queries };
    };
    const caughtUp = async (...runners: ProjectionRunner[]): Promise<bigint> => {
      const head = (await store.headPosition())!;
      for (const runner of runners) expect(await runner.waitFor(head, 10_000)).toBe(true);
      return head;
    };
    const clientBot = (dataSource: DataSource, botId: number) => dataSource.getRepository(ClientBotRow).findOneByOrFail({ botId });
    const receivedInStore = async (botId: number) =>
      (await store.readAll({ maxCount: 10_000 })).filter((e) => e.type === 'CustomerMessageReceived' && e.data.botId === botId).length;

    beforeAll(() => Logger.overrideLogger(false));

    beforeEach(async () => {
      const tmp = makeTempDir('fb-read-models-');
      dataDir = tmp.dir;
      cleanups.push(() => tmp.remove());
      db = await createDatabase();
      cleanups.push(() => db.drop());
      store = new SqliteEventStore(join(dataDir, 'events.sqlite'), 50);
      cleanups.push(() => store.close());
      history = new History(store);
    });

    afterEach(cleanups.runAll);
    afterAll(cleanups.runAll);

    it('migrations create the read-model schema on an empty database, and running them again changes nothing', async () => {
      const first = await open();
      const schema = first.createQueryRunner();
      for (const table of [
        'projection_checkpoints',
        'master_users',
        'client_bots',
        'message_refs',
        'banned_customers',
        'customers',
        'media_cache',
        'scheduled_jobs',
      ]) {
        expect(await schema.hasTable(table)).toBe(true);
      }
      // Replies are found by (master chat, relayed message id), never by the message id alone.
      expect((await schema.getTable('message_refs'))!.primaryColumns.map((c) => c.name).sort()).toEqual([
        'master_chat_id',
        'relayed_message_id',
      ]);
      expect((await schema.getTable('client_bots'))!.indices.map((i) => i.name)).toContain('ix_client_bots_master');
      await schema.release();
      await first
        .getRepository(MasterUserRow)
        .save({ masterId: ALICE, firstName: 'Alice', state: 'Main', registeredAt: new Date().toISOString(), clientBotCount: 0 });
      await first.destroy();

      const again = await open();

      expect(await again.showMigrations()).toBe(false);
      expect(await again.runMigrations()).toEqual([]);
      expect((await again.query('SELECT name FROM migrations')).map((r: { name: string }) => r.name)).toEqual(
        READ_MODEL_MIGRATIONS.map((m) => m.name),
      );
      expect(await again.getRepository(MasterUserRow).findOneByOrFail({ masterId: ALICE })).toMatchObject({ firstName: 'Alice' });
    });

    it('the projections build each master, their client bots with received and answered counts, and the relayed messages', async () => {
      await history.masterRegisters(ALICE, 'Alice');
      await history.masterAttaches(ALICE, SHOP_BOT, 'alice_shop_bot');
      await history.masterAttaches(ALICE, SPARE_BOT, 'alice_spare_bot');
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 1, 2);
      await history.relayed(SHOP_BOT, CAROL, ALICE, 1, 501);
      const dataSource = await open();
      const { projections, bots } = await startProjections(dataSource);
      // Part of the history arrives while the projections are already running.
      await history.relayed(SHOP_BOT, CAROL, ALICE, 2, 502);
      await history.replyDelivered(SHOP_BOT, CAROL, ALICE, 501);
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 3);
      await history.masterDetaches(ALICE, SPARE_BOT, 'alice_spare_bot');
      await history.masterMoves(ALICE, 'Main', 'AwaitingBotToken', '/add');

      await caughtUp(...projections.runners.values());

      expect(await dataSource.getRepository(MasterUserRow).findOneByOrFail({ masterId: ALICE })).toMatchObject({
        firstName: 'Alice',
        state: 'AwaitingBotToken',
        clientBotCount: 1,
      });
      expect(await clientBot(dataSource, SHOP_BOT)).toMatchObject({
        masterId: ALICE,
        username: 'alice_shop_bot',
        status: 'attached',
        receivedCount: 3,
        answeredCount: 1,
      });
      expect(await clientBot(dataSource, SPARE_BOT)).toMatchObject({ status: 'detached', receivedCount: 0 });
      expect((await bots.listAttached()).map((b) => b.botId)).toEqual([SHOP_BOT]);
      expect(await bots.get(SPARE_BOT)).toMatchObject({ masterId: ALICE, status: 'detached' });
      const refs = await dataSource.getRepository(MessageRefRow).find({ order: { relayedMessageId: 'ASC' } });
      expect(refs.map((r) => [r.relayedMessageId, r.customerMessageId, r.answeredAt !== null])).toEqual([
        [501, 1, true],
        [502, 2, false],
      ]);
    });

    it('two masters whose relayed messages share an id each reach their own customer', async () => {
      await history.masterRegisters(ALICE, 'Alice');
      await history.masterRegisters(BOB, 'Bob');
      await history.masterAttaches(ALICE, SHOP_BOT, 'alice_shop_bot');
      await history.masterAttaches(BOB, BOB_BOT, 'bob_bot');
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 10);
      await history.customerWrites(BOB_BOT, DAVE, BOB, 20);
      // Telegram message ids are per chat: both masters' copies are message 42.
      await history.relayed(SHOP_BOT, CAROL, ALICE, 10, 42);
      await history.relayed(BOB_BOT, DAVE, BOB, 20, 42);
      await history.replyDelivered(BOB_BOT, DAVE, BOB, 42);
      const dataSource = await open();
      const { projections, replyTargets } = await startProjections(dataSource);

      await caughtUp(projections.runner('message_refs'));

      const refs = dataSource.getRepository(MessageRefRow);
      expect(await refs.count()).toBe(2);
      expect(await replyTargets.find(ALICE, 42)).toEqual({
        botId: SHOP_BOT,
        customerId: CAROL,
        conversationId: `${SHOP_BOT}-${CAROL}`,
        customerMessageId: 10,
        relayedMessageId: 42,
      });
      expect(await replyTargets.find(BOB, 42)).toMatchObject({ botId: BOB_BOT, customerId: DAVE, customerMessageId: 20 });
      expect(await replyTargets.find(ALICE, 43)).toBeNull();
      // Bob's answer marks Bob's message answered, not Alice's.
      expect((await refs.findOneByOrFail({ masterChatId: BOB, relayedMessageId: 42 })).answeredAt).not.toBeNull();
      expect((await refs.findOneByOrFail({ masterChatId: ALICE, relayedMessageId: 42 })).answeredAt).toBeNull();
    });

    it('a projection restarted after being down applies what it missed exactly once, with no gap', async () => {
      await history.masterRegisters(ALICE, 'Alice');
      await history.masterAttaches(ALICE, SHOP_BOT, 'alice_shop_bot');
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 1, 2, 3);
      await history.customerWrites(SHOP_BOT, DAVE, ALICE, 1, 2);
      let dataSource = await open();
      const before = await startRunner(new ClientBotsProjector(), dataSource);
      await caughtUp(before);
      const stoppedAt = before.checkpoint!;
      expect((await clientBot(dataSource, SHOP_BOT)).receivedCount).toBe(5);
      await before.stop();
      await dataSource.destroy();

      // While the projection is down, customers keep writing and Alice answers.
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 4);
      await history.customerWrites(SHOP_BOT, DAVE, ALICE, 3, 4, 5);
      await history.replyDelivered(SHOP_BOT, CAROL, ALICE, 601);
      const missed = (await store.readAll({ after: stoppedAt, maxCount: 10_000 })).filter((e) => before.projector.handles.includes(e.type));

      dataSource = await open();
      const watched = new WatchedProjector(new ClientBotsProjector());
      const after = await startRunner(watched, dataSource);
      const head = await caughtUp(after);

      expect(watched.applied.map((e) => e.position)).toEqual(missed.map((e) => e.position));
      expect(await clientBot(dataSource, SHOP_BOT)).toMatchObject({ receivedCount: await receivedInStore(SHOP_BOT), answeredCount: 1 });
      expect((await clientBot(dataSource, SHOP_BOT)).receivedCount).toBe(9);
      expect(await readCheckpoint(dataSource, 'client_bots')).toBe(head);
    });

    it('a batch that fails midway leaves neither its rows nor its checkpoint, and is applied exactly once when the fault clears', async () => {
      await history.masterRegisters(ALICE, 'Alice');
      await history.masterAttaches(ALICE, SHOP_BOT, 'alice_shop_bot');
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 1, 2);
      const dataSource = await open();
      const watched = new WatchedProjector(new ClientBotsProjector());
      const first = await startRunner(watched, dataSource);
      const committed = await caughtUp(first);
      watched.failOn = (e) => e.type === 'CustomerMessageReceived' && e.data.messageId === 5;
      watched.failuresLeft = Number.POSITIVE_INFINITY;
      let countInsideFailedBatch: number | undefined;
      watched.beforeFailing = async (ctx) => {
        countInsideFailedBatch = (await ctx.em.getRepository(ClientBotRow).findOneByOrFail({ botId: SHOP_BOT })).receivedCount;
      };

      // One append of four messages: one batch, whose third event makes the projector throw.
      await history.customerWrites(SHOP_BOT, CAROL, ALICE, 3, 4, 5, 6);
      await eventually(() => watched.failures >= 1);
      await first.stop();

      expect(countInsideFailedBatch).toBe(4);
      expect((await clientBot(dataSource, SHOP_BOT)).receivedCount).toBe(2);
      expect(await readCheckpoint(dataSource, 'client_bots')).toBe(committed);

      // The fault clears after one more attempt; the runner retries the same batch on its own.
      watched.failuresLeft = 1;
      const second = await startRunner(watched, dataSource);
      const head = await caughtUp(second);

      expect(watched.failures).toBeGreaterThanOrEqual(2);
      expect(watched.applied.filter((e) => e.data.messageId === 5)).toHaveLength(1);
      expect((await clientBot(dataSource, SHOP_BOT)).receivedCount).toBe(await receivedInStore(SHOP_BOT));
      expect((await clientBot(dataSource, SHOP_BOT)).receivedCount).toBe(6);
      expect(await readCheckpoint(dataSource, 'client_bots')).toBe(head);
    });

    it('telegram ids above 2^32, up to 52 bits, come back as the same JS numbers', async () => {
      const relayedMessageId = 2 ** 31 + 7;
      const customerMessageId = 2 ** 40 + 3;
      await history.masterRegisters(ALICE, 'Alice');
      await history.masterAttaches(ALICE, SHOP_BOT, 'alice_shop_bot');
      await history.customerWrites(SHOP_BOT, BIG_CUSTOMER, ALICE, customerMessageId);
      await history.relayed(SHOP_BOT, BIG_CUSTOMER, ALICE, customerMessageId, relayedMessageId);
      const dataSource = await open();
      const { projections, replyTargets, bots } = await startProjections(dataSource);

      await caughtUp(...projections.runners.values());

      const master = await dataSource.getRepository(MasterUserRow).findOneByOrFail({ masterId: ALICE });
      expect(master.masterId).toBe(ALICE);
      expect(await bots.get(SHOP_BOT)).toMatchObject({ botId: SHOP_BOT, masterId: ALICE });
      const target = await replyTargets.find(ALICE, relayedMessageId);
      expect(target).toEqual({
        botId: SHOP_BOT,
        customerId: BIG_CUSTOMER,
        conversationId: `${SHOP_BOT}-${BIG_CUSTOMER}`,
        customerMessageId,
        relayedMessageId,
      });
      for (const value of Object.values(target!)) if (typeof value !== 'string') expect(typeof value).toBe('number');
      // Stored exactly, not rounded through a double on the way in.
      const [raw] = await dataSource.query('SELECT customer_id, customer_message_id FROM message_refs');
      expect([String(raw.customer_id), String(raw.customer_message_id)]).toEqual(['4503599627370495', '1099511627779']);
    });
  });
}

describeReadModels('read models on MySQL/MariaDB', async () => {
  const db = await createMysqlTestDb();
  return { databaseUrl: db.url, drop: db.drop };
});

describeReadModels('read models on embedded SQLite', async () => ({ databaseUrl: null, drop: async () => undefined }));
