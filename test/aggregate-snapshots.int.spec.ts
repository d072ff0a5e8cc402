import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AggregateSnapshots } from '../src/application/command-handling/aggregate-snapshots';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { telegramOrigin } from '../src/application/shared/telegram-origin';
import { ConversationCommand } from '../src/domain/conversation/conversation.commands';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { Sealed } from '../src/domain/shared/sealed';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { SqliteSnapshotStore } from '../src/infrastructure/sqlite/sqlite-snapshot-store';
import { CountingEventStore } from './support/counting-event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * A long conversation's fold is saved (DATA_DIR/snapshots.sqlite), so after a restart its first command reads the
 * events recorded since the snapshot instead of the whole conversation — and decides exactly as on the whole
 * stream. A snapshot that is not of this stream as recorded now, made by other code, or unreadable, is never used.
 */
describe('a long conversation after a restart', () => {
  const bot = 7200000001;
  const customerId = 8200000001;
  const masterId = 7000000002;
  const stream = conversationStreamId(bot, customerId);
  const box: Sealed = { keyId: `${bot}-${customerId}`, box: 'c2VhbGVk' };
  let tmp: ReturnType<typeof makeTempDir>;
  let events: SqliteEventStore;
  let files: SqliteSnapshotStore;
  let update = 1;

  const receive = (messageId: number): ConversationCommand => ({
    type: 'ReceiveMessage',
    botId: bot,
    customerId,
    masterId,
    messageId,
    kind: 'text',
    sentAt: 1_700_000_000 + messageId * 60,
    content: box,
    floodLimit: 1_000_000,
  });
  const fromCustomer = () => telegramOrigin(bot, update++);
  /** An app process: its aggregate store over the event file, with snapshots from this snapshot file (`threshold` events on). */
  const processWith = (threshold: number, fingerprint?: string) => {
    const counted = new CountingEventStore(events);
    const snapshots = new AggregateSnapshots(files, threshold, fingerprint);
    return { aggregates: new AggregateStore(counted, undefined, snapshots), counted };
  };
  const wholeFold = async () => (await new AggregateStore(events).load(stream, conversationDecider)).state;
  /** A conversation of `messages` customer messages, each relayed: two events each. */
  const conversationOf = async (aggregates: AggregateStore, messages: number, first = 1) => {
    for (let id = first; id < first + messages; id++) {
      await aggregates.handle(stream, conversationDecider, receive(id), fromCustomer());
      await aggregates.handle(
        stream,
        conversationDecider,
        { type: 'RecordRelay', botId: bot, customerId, masterId, messageId: id, relayedMessageId: 5000 + id },
        { causationId: `relay-${id}`, correlationId: `relay-${id}`, occurredAt: new Date().toISOString() },
      );
    }
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    tmp = makeTempDir('fb-snapshots-');
    events = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    files = new SqliteSnapshotStore(join(tmp.dir, 'snapshots.sqlite'));
  });

  afterEach(async () => {
    files.close();
    await events.close();
    tmp.remove();
  });

  it('reads only what was recorded after the snapshot saved at shutdown, and decides on the same state as the whole stream', async () => {
    const before = processWith(40);
    await conversationOf(before.aggregates, 30); // revisions 0–59
    expect(await before.aggregates.saveSnapshots()).toBe(1); // the shutdown
    await conversationOf(before.aggregates, 3, 31); // recorded after the snapshot: revisions 60–65

    const after = processWith(40);
    const reads = await after.counted.readsDuring(() => after.aggregates.current(stream, conversationDecider));

    // One read, from the event the snapshot was taken at; before, the whole conversation from revision 0.
    expect(reads).toEqual([{ streamId: stream, fromRevision: 59 }]);
    expect(await after.aggregates.current(stream, conversationDecider)).toStrictEqual(await wholeFold());
    // And it decides as on the whole stream: a redelivered message is known, a new one appended at the next revision.
    const redelivered = telegramOrigin(bot, 1); // the update of message 1, long before the snapshot
    expect((await after.aggregates.handle(stream, conversationDecider, receive(1), redelivered)).duplicate).toBe(true);
    const next = await after.aggregates.handle(stream, conversationDecider, receive(34), fromCustomer());
    expect(next.events.map((e) => e.type)).toEqual(['CustomerMessageReceived']);
    expect(after.counted.conflicts).toBe(0);
    expect((await events.readStream(stream)).length).toBe(67);
  });

  it('a long conversation read whole is saved at once; a short one never is', async () => {
    await conversationOf(new AggregateStore(events), 10); // 20 events, recorded by a process without snapshots

    const short = processWith(21);
    await short.aggregates.current(stream, conversationDecider);
    expect(files.get(stream, 'conversation')).toBeUndefined();
    expect(await short.aggregates.saveSnapshots()).toBe(0);

    const long = processWith(20);
    await long.aggregates.current(stream, conversationDecider);
    expect(files.get(stream, 'conversation')?.revision).toBe(19);

    const none = processWith(0);
    const reads = await none.counted.readsDuring(() => none.aggregates.current(stream, conversationDecider));
    expect(reads).toEqual([{ streamId: stream, fromRevision: 0 }]); // AGGREGATE_SNAPSHOT_EVENTS=0: none used
  });

  it('a snapshot made by other code is not used: the stream is read whole and saved again', async () => {
    const old = processWith(20, 'fold code of an older release');
    await conversationOf(old.aggregates, 15);
    await old.aggregates.saveSnapshots();

    const upgraded = processWith(20);
    const reads = await upgraded.counted.readsDuring(() => upgraded.aggregates.current(stream, conversationDecider));

    expect(reads).toEqual([{ streamId: stream, fromRevision: 0 }]);
    expect(files.get(stream, 'conversation')?.fingerprint).toBe(new AggregateSnapshots(files).fingerprint);
  });

  it('a snapshot that is not of this stream as recorded now (a restored backup, another store) is dropped and the stream read whole', async () => {
    const first = processWith(20);
    await conversationOf(first.aggregates, 15);
    await first.aggregates.saveSnapshots();
    const saved = files.get(stream, 'conversation')!;
    const [id, hash] = saved.eventId.split('#');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // The same snapshot, said to be taken at an event this stream does not have there: another id, or the same id
    // (a deterministic id: the same update decided again after a power loss took the first back) with other data.
    for (const eventId of ['00000000-0000-5000-8000-000000000000#' + hash, `${id}#${'0'.repeat(64)}`]) {
      files.put(stream, 'conversation', { ...saved, eventId });

      const next = processWith(20);
      const reads = await next.counted.readsDuring(() => next.aggregates.current(stream, conversationDecider));

      expect(reads).toEqual([
        { streamId: stream, fromRevision: saved.revision },
        { streamId: stream, fromRevision: 0 },
      ]);
      expect(await next.aggregates.current(stream, conversationDecider)).toStrictEqual(await wholeFold());
      expect(files.get(stream, 'conversation')?.eventId).toBe(saved.eventId); // saved again, from the whole read
    }
  });

  it('an unreadable snapshot is read past: the stream is read whole, and the log says why', async () => {
    const first = processWith(20);
    await conversationOf(first.aggregates, 15);
    await first.aggregates.saveSnapshots();
    const saved = files.get(stream, 'conversation')!;
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      for (const payload of [Buffer.from('not a fold'), Buffer.from(JSON.stringify({ state: {} }))]) {
        files.put(stream, 'conversation', { ...saved, payload });
        const next = processWith(20);
        const reads = await next.counted.readsDuring(() => next.aggregates.current(stream, conversationDecider));
        expect(reads).toEqual([{ streamId: stream, fromRevision: 0 }]);
        expect(await next.aggregates.current(stream, conversationDecider)).toEqual(await wholeFold());
      }
      expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringContaining(`the snapshot of ${stream} cannot be read (Unexpected token`),
        `the snapshot of ${stream} cannot be read (not a saved fold): the stream is read whole`,
      ]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('a fold that moves on while the shutdown saves it is not saved at the wrong revision (a reaction past its grace)', async () => {
    // The shutdown's read of the event a snapshot is taken at: meanwhile a late reaction records the next message.
    let late: (() => Promise<unknown>) | undefined;
    const racing = new Proxy(events, {
      get: (target, property, receiver) =>
        property === 'readStream'
          ? async (...args: Parameters<SqliteEventStore['readStream']>) => {
              const read = await target.readStream(...args);
              const append = args[1]?.maxCount === 1 ? late : undefined;
              late = undefined;
              if (append) await append();
              return read;
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const aggregates = new AggregateStore(racing, undefined, new AggregateSnapshots(files, 20));
    await conversationOf(aggregates, 12);
    late = () => aggregates.handle(stream, conversationDecider, receive(13), fromCustomer());

    // Saved then, the fold (with message 13) would be labelled with message 12's revision: 13 folded twice after a restart.
    expect(await aggregates.saveSnapshots()).toBe(0);
    expect(files.get(stream, 'conversation')).toBeUndefined();
    expect(await aggregates.saveSnapshots()).toBe(1); // the next stop saves it, at its own revision
    expect(files.get(stream, 'conversation')?.revision).toBe(24);
    const restarted = processWith(20);
    expect(await restarted.aggregates.current(stream, conversationDecider)).toStrictEqual(await wholeFold());
  });

  it('a snapshot file that fails to answer costs a whole read, never the command', async () => {
    await conversationOf(new AggregateStore(events), 12);
    const broken = {
      ...files,
      get: () => {
        throw new Error('disk I/O error');
      },
    } as unknown as SqliteSnapshotStore;
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const counted = new CountingEventStore(events);
      const aggregates = new AggregateStore(counted, undefined, new AggregateSnapshots(broken, 20));
      const reads = await counted.readsDuring(() => aggregates.current(stream, conversationDecider));
      expect(reads).toEqual([{ streamId: stream, fromRevision: 0 }]);
      expect(await aggregates.current(stream, conversationDecider)).toStrictEqual(await wholeFold());
      expect(String(warnings.mock.calls[0]?.[0])).toContain(`the snapshot of ${stream} cannot be read (disk I/O error)`);
    } finally {
      warnings.mockRestore();
    }
  });

  it('refuses a threshold that is not a whole number ≥ 0', () => {
    expect(() => new AggregateSnapshots(files, -1)).toThrow('snapshot threshold must be a whole number ≥ 0 (0: none), got -1');
    expect(() => new AggregateSnapshots(files, 1.5)).toThrow('got 1.5');
  });
});
