import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { schemaVersionOf, upcast } from '../src/application/command-handling/upcasters';
import { RecordedEvent } from '../src/application/ports/event-store.port';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { MessageRefRow } from '../src/projections/message-refs/message-ref.entity';
import { MessageRefsProjector } from '../src/projections/message-refs/message-refs.projector';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRunner } from '../src/projections/runner/projection-runner';
import { Projector } from '../src/projections/runner/projector';
import { makeTempDir } from './support/temp-dir';

interface FixtureRow {
  position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'events-v1.json'), 'utf8')) as { rows: FixtureRow[] };

// Who the first release's story was about (see the fixture's `about`).
const MASTER = 7100000001;
const SHOP_BOT = 6100000001;
const DESK_BOT = 6100000002;
const BOB = 8100000001;
const CY = 8100000002;

/** Seconds since the epoch of an ISO time, as the v1→v2 step fills `sentAt`. */
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('events written by the first release, read by this one', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let aggregates: AggregateStore;

  beforeEach(() => {
    tmp = makeTempDir();
    const file = join(tmp.dir, 'events.sqlite');
    void new SqliteEventStore(file).close(); // the current schema, then the old rows into it as they were stored
    const db = new Database(file);
    const insert = db.prepare(
      'INSERT INTO events (position, id, stream_id, revision, type, data, metadata, recorded_at) VALUES (@position, @id, @stream_id, @revision, @type, @data, @metadata, @recorded_at)',
    );
    db.transaction(() => fixture.rows.forEach((row) => insert.run(row)))();
    db.close();
    store = new SqliteEventStore(file);
    aggregates = new AggregateStore(store);
  });

  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  const rowOf = (type: string, streamId?: string) => fixture.rows.find((r) => r.type === type && (!streamId || r.stream_id === streamId))!;

  it('the fixture is the old shapes: no schema step applied, no command or hash in the metadata', () => {
    const relayed = JSON.parse(rowOf('MessageRelayed').data) as Record<string, unknown>;
    expect(relayed).not.toHaveProperty('extraMessageIds');
    expect(JSON.parse(rowOf('CustomerMessageReceived').data)).not.toHaveProperty('sentAt');
    expect(fixture.rows.some((r) => r.type === 'RemovalOptionsOffered')).toBe(true);
    for (const row of fixture.rows) {
      const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
      expect(metadata.schemaVersion).toBe(1);
      expect(metadata).not.toHaveProperty('command');
      expect(metadata).not.toHaveProperty('hash');
    }
  });

  describe('the aggregates load them', () => {
    it("a master left at the first release's /remove picker is at today's bot picker, with both bots", async () => {
      const { state } = await aggregates.load(masterStreamId(MASTER), masterUserDecider);
      expect(state).toMatchObject({
        registered: true,
        masterId: MASTER,
        fsm: 'ChoosingBot',
        picking: { purpose: 'remove', startParameter: null },
        respondingTo: null,
        plan: { kind: 'free' },
      });
      expect(state.bots).toEqual([
        { botId: SHOP_BOT, username: 'ada_shop_bot', status: 'active' },
        { botId: DESK_BOT, username: 'ada_desk_bot', status: 'active' },
      ]);
    });

    it('and can pick a bot from it after the upgrade: it is detached and the master is back in the menu', async () => {
      const { events, state } = await aggregates.handle(
        masterStreamId(MASTER),
        masterUserDecider,
        { type: 'PickBot', masterId: MASTER, purpose: 'remove', botId: DESK_BOT },
        { causationId: 'test:pick', correlationId: 'test:pick', occurredAt: new Date().toISOString() },
      );
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ClientBotDetached', 'StateChanged']));
      expect(state.fsm).toBe('Main');
      expect(state.bots.map((b) => b.botId)).toEqual([SHOP_BOT]);
    });

    it("a customer's conversation knows what was received, relayed and answered, and the anti-flood clock has times", async () => {
      const { state } = await aggregates.load(conversationStreamId(SHOP_BOT, BOB), conversationDecider);
      expect([...state.received.keys()]).toEqual([3, 5]);
      expect([...state.relayed]).toEqual([
        [3, 11],
        [5, 13],
      ]);
      expect([...state.answered]).toEqual([11, 13]);
      expect(state.deliveryOutcomes.size).toBe(2);
      const receivedAt = fixture.rows
        .filter((r) => r.type === 'CustomerMessageReceived' && r.stream_id === conversationStreamId(SHOP_BOT, BOB))
        .map((r) => seconds((JSON.parse(r.metadata) as { occurredAt: string }).occurredAt));
      expect(state.recent).toEqual(receivedAt);
    });

    it('a reply that failed (the customer blocked the bot) leaves the message unanswered: it still gets its reminder', async () => {
      const stream = conversationStreamId(DESK_BOT, CY);
      const { state } = await aggregates.load(stream, conversationDecider);
      expect(state.answered.size).toBe(0);
      expect(state.deliveryOutcomes.size).toBe(1);
      expect(
        conversationDecider.decide({ type: 'IssueReminder', botId: DESK_BOT, customerId: CY, masterId: MASTER, messageId: 1 }, state),
      ).toEqual([
        { type: 'ReminderIssued', data: { botId: DESK_BOT, customerId: CY, masterId: MASTER, messageId: 1, relayedMessageId: 16 } },
      ]);
    });
  });

  describe('a projection run over them', () => {
    let readModels: DataSource;
    beforeEach(async () => {
      readModels = await openReadModels({ databaseUrl: null, dataDir: tmp.dir });
    });
    afterEach(async () => {
      await readModels.destroy();
    });

    it('maps every relayed message to its customer message, answered where a reply was delivered', async () => {
      const real = new MessageRefsProjector();
      const seen: RecordedEvent[] = [];
      // The real projector, watched: it must only ever be handed current shapes.
      const watched = Object.assign(Object.create(real) as Projector, {
        apply: (events: RecordedEvent[], ...rest: unknown[]) => {
          seen.push(...events);
          return (real.apply as (...args: unknown[]) => Promise<void>).call(real, events, ...rest);
        },
      });
      const runner = new ProjectionRunner(watched, store, readModels);
      await runner.start();
      try {
        expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
      } finally {
        await runner.stop();
      }

      const rows = await readModels.getRepository(MessageRefRow).find({ order: { relayedMessageId: 'ASC' } });
      expect(
        rows.map(({ masterChatId, relayedMessageId, botId, customerId, customerMessageId, answeredAt }) => ({
          masterChatId,
          relayedMessageId,
          botId,
          customerId,
          customerMessageId,
          answered: answeredAt !== null,
        })),
      ).toEqual([
        { masterChatId: MASTER, relayedMessageId: 11, botId: SHOP_BOT, customerId: BOB, customerMessageId: 3, answered: true },
        { masterChatId: MASTER, relayedMessageId: 13, botId: SHOP_BOT, customerId: BOB, customerMessageId: 5, answered: true },
        { masterChatId: MASTER, relayedMessageId: 16, botId: DESK_BOT, customerId: CY, customerMessageId: 1, answered: false },
      ]);

      const relays = seen.filter((e) => e.type === 'MessageRelayed');
      expect(relays).toHaveLength(3);
      for (const e of relays) expect(e.data).toMatchObject({ extraMessageIds: [], uploaded: [] });
      for (const e of seen) expect(e.metadata.schemaVersion).toBe(schemaVersionOf(e.type));
    });
  });

  describe('upcast() returns the current shape, and says so', () => {
    const stored = async (type: string, streamId?: string) => {
      const row = rowOf(type, streamId);
      return (await store.readStream(row.stream_id)).find((e) => e.id === row.id)!;
    };

    it('MessageRelayed v1 → v2: no extra messages, no uploads', async () => {
      const event = upcast(await stored('MessageRelayed'));
      expect(event.metadata.schemaVersion).toBe(2);
      expect(event.data).toEqual({ ...(JSON.parse(rowOf('MessageRelayed').data) as object), extraMessageIds: [], uploaded: [] });
    });

    it('ReplyDelivered v1 → v3: no uploads, no answer remembered', async () => {
      const event = upcast(await stored('ReplyDelivered'));
      expect(event.metadata.schemaVersion).toBe(3);
      expect(event.data).toEqual({ ...(JSON.parse(rowOf('ReplyDelivered').data) as object), uploaded: [], answer: null });
    });

    it('CustomerMessageReceived v1 → v2: sent when it was decided (the first release kept no Telegram time)', async () => {
      const original = await stored('CustomerMessageReceived');
      const event = upcast(original);
      expect(event.metadata.schemaVersion).toBe(2);
      expect(event.data.sentAt).toBe(seconds(String(original.metadata.occurredAt)));
      expect(event.data.content).toEqual(original.data.content);
    });

    it("StateChanged v1 → v2: the first release's ChoosingBotToRemove is ChoosingBot", async () => {
      const row = fixture.rows.find((r) => r.type === 'StateChanged' && r.data.includes('ChoosingBotToRemove'))!;
      const event = upcast((await store.readStream(row.stream_id)).find((e) => e.id === row.id)!);
      expect(event.metadata.schemaVersion).toBe(2);
      expect(event.data).toEqual({ masterId: MASTER, from: 'Main', to: 'ChoosingBot', trigger: '/remove' });
    });

    it('RemovalOptionsOffered v1 is a BotPickerOffered for removal', async () => {
      const original = await stored('RemovalOptionsOffered');
      const event = upcast(original);
      expect(event).toMatchObject({ id: original.id, revision: original.revision, type: 'BotPickerOffered' });
      expect(event.metadata).toMatchObject({ ...original.metadata, schemaVersion: 2 });
      expect(event.data).toEqual({
        masterId: MASTER,
        purpose: 'remove',
        bots: [
          { botId: SHOP_BOT, username: 'ada_shop_bot' },
          { botId: DESK_BOT, username: 'ada_desk_bot' },
        ],
      });
    });

    it('a type that never changed is returned as it was stored', async () => {
      const original = await stored('MasterRegistered');
      expect(upcast(original)).toBe(original);
    });

    it('the stored events themselves are never rewritten', async () => {
      const all = await store.readAll({ maxCount: 1000 });
      all.forEach((e) => upcast(e));
      const again = await store.readAll({ maxCount: 1000 });
      expect(again.map((e) => JSON.stringify(e.data))).toEqual(fixture.rows.map((r) => r.data));
    });
  });
});
