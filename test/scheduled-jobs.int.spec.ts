import { DataSource } from 'typeorm';
import { RecordedEvent } from '../src/application/ports/event-store.port';
import { ConversationEvent } from '../src/domain/conversation/conversation.events';
import { MasterUserEvent } from '../src/domain/master-user/master-user.events';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ScheduledJobsProjector } from '../src/projections/scheduled-jobs/scheduled-jobs.projector';
import { ProjectionContext, Projector } from '../src/projections/runner/projector';
import { ScheduledJobsQuery } from '../src/projections/scheduled-jobs/scheduled-jobs.query';
import { createMysqlTestDb, MysqlTestDb } from './support/mysql-test-db';
import { makeTempDir } from './support/temp-dir';

// Telegram ids past 2^32, and a 52-bit customer.
const MASTER = 7000000001;
const BOT = 7100000001;
const CUSTOMER = 2 ** 52 - 1;
const HOUR = 3_600_000;
const T0 = Date.parse('2025-01-10T12:00:00.000Z');

/** The scheduled jobs read model on both engines: what is due when, and what cancels it. */
describe.each(['sqlite', 'mysql'] as const)('scheduled jobs on %s', (engine) => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  let position = 0n;
  /** Fed every event given, as its runner would feed it the ones it handles (the rest it skips itself). */
  const projector: Projector = new ScheduledJobsProjector();
  let jobs: ScheduledJobsQuery;

  beforeAll(async () => {
    if (engine === 'mysql') {
      const db: MysqlTestDb = await createMysqlTestDb();
      dataSource = await openReadModels({ databaseUrl: db.url, dataDir: '' });
      cleanup = () => db.drop();
    } else {
      const tmp = makeTempDir();
      dataSource = await openReadModels({ databaseUrl: null, dataDir: tmp.dir });
      cleanup = async () => tmp.remove();
    }
    jobs = new ScheduledJobsQuery(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await cleanup();
  });

  async function project(at: number, ...events: (MasterUserEvent | ConversationEvent)[]): Promise<void> {
    const recorded = events.map(
      (e) =>
        ({
          ...e,
          id: `e${++position}`,
          streamId: 's',
          revision: 0,
          position,
          recordedAt: new Date(at),
          metadata: {},
        }) as unknown as RecordedEvent,
    );
    await dataSource.transaction((em) => projector.apply(recorded, ProjectionContext.live(em, projector)));
  }
  const who = { botId: BOT, customerId: CUSTOMER, masterId: MASTER };
  const relayed = (messageId: number): ConversationEvent => ({
    type: 'MessageRelayed',
    data: { ...who, messageId, relayedMessageId: messageId + 100, extraMessageIds: [], uploaded: [] },
  });
  const dueIds = async (at: number) => (await jobs.due(new Date(at), 100)).map((j) => j.id).sort();

  it('times a relayed message by the delay set at the time, and a reply cancels it', async () => {
    await project(T0, relayed(1)); // before reminders were on: no job
    await project(T0, { type: 'RemindersConfigured', data: { masterId: MASTER, hours: 2 } });
    await project(T0, relayed(2));
    expect(await dueIds(T0 + 2 * HOUR - 1)).toEqual([]);
    expect(await dueIds(T0 + 2 * HOUR)).toEqual([`reminder:${BOT}-${CUSTOMER}:2`]);
    const [job] = await jobs.due(new Date(T0 + 2 * HOUR), 1);
    expect(JSON.parse(job.payload)).toEqual({ ...who, messageId: 2 });

    await project(T0, { type: 'RemindersConfigured', data: { masterId: MASTER, hours: 0.5 } });
    expect(await dueIds(T0 + HOUR / 2)).toEqual([`reminder:${BOT}-${CUSTOMER}:2`]);

    await project(T0 + HOUR, {
      type: 'ReplyDelivered',
      data: { ...who, replyId: 'r', relayedMessageId: 102, deliveredMessageId: 9, uploaded: [], answer: null },
    });
    expect(await dueIds(T0 + 10 * HOUR)).toEqual([]);
  });

  it('reminders off drops pending reminders', async () => {
    await project(T0, relayed(3));
    await project(T0, { type: 'RemindersConfigured', data: { masterId: MASTER, hours: null } });
    await project(T0, relayed(4));
    expect(await dueIds(T0 + 100 * HOUR)).toEqual([]);
  });

  it('Pro expires an hour after a renewing period, at the end of a cancelled one, and the expiry clears it', async () => {
    const until = new Date(T0 + 720 * HOUR).toISOString();
    await project(T0, {
      type: 'ProActivated',
      data: { masterId: MASTER, chargeId: 'c1', stars: 250, until, renewal: false, resumedBotIds: [] },
    });
    expect(await dueIds(T0 + 720 * HOUR)).toEqual([]);
    expect(await dueIds(T0 + 721 * HOUR)).toEqual([`pro-expiry:${MASTER}`]);

    const read = (await jobs.due(new Date(T0 + 721 * HOUR), 1))[0];
    await project(T0, { type: 'ProRenewalCancelled', data: { masterId: MASTER, chargeId: 'c1', until } });
    // The scheduler's delete of the version it read must not remove the re-scheduled job.
    await jobs.remove(read);
    expect(await dueIds(T0 + 720 * HOUR)).toEqual([`pro-expiry:${MASTER}`]);

    await project(T0, { type: 'ProExpired', data: { masterId: MASTER, pausedBotIds: [] } });
    expect(await dueIds(T0 + 10_000 * HOUR)).toEqual([]);
  });
});
