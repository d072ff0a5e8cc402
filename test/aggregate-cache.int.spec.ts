import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { telegramOrigin } from '../src/application/shared/telegram-origin';
import { ConversationCommand } from '../src/domain/conversation/conversation.commands';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { CommandOrigin, Decider } from '../src/domain/shared/decider';
import { Sealed } from '../src/domain/shared/sealed';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { CountingEventStore } from './support/counting-event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * The command side keeps conversations it has folded, so a customer in full flow costs no re-read of
 * the whole conversation — and still never decides on a conversation another process moved on: the
 * app and a second writer (the CLI's `privacy erase`, another replica) each open the same SQLite file.
 */
describe('conversations kept folded between commands', () => {
  const bot = 7100000001;
  const customerId = 8100000001;
  const masterId = 7000000001;
  const who = { botId: bot, customerId, masterId };
  const stream = conversationStreamId(bot, customerId);
  const box: Sealed = { keyId: `${bot}-${customerId}`, box: 'c2VhbGVk' };
  let tmp: ReturnType<typeof makeTempDir>;
  let appStore: SqliteEventStore;
  let cliStore: SqliteEventStore;
  let counted: CountingEventStore;
  let app: AggregateStore;
  let cli: AggregateStore;
  let update = 1;

  const receive = (messageId: number): ConversationCommand => ({
    type: 'ReceiveMessage',
    ...who,
    messageId,
    kind: 'text',
    sentAt: 1_700_000_000 + messageId * 120,
    content: box,
    floodLimit: 30,
  });
  const fromCustomer = () => telegramOrigin(bot, update++);
  const fromCli = (id: string): CommandOrigin => ({ causationId: id, correlationId: id, occurredAt: new Date().toISOString() });
  const recordedTypes = async () => (await appStore.readStream(stream)).map((e) => e.type);

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    tmp = makeTempDir('fb-aggregate-cache-');
    const file = join(tmp.dir, 'events.sqlite');
    appStore = new SqliteEventStore(file, 50);
    cliStore = new SqliteEventStore(file, 50);
    counted = new CountingEventStore(appStore);
    app = new AggregateStore(counted);
    cli = new AggregateStore(cliStore);
    await app.handle(stream, conversationDecider, receive(1), fromCustomer());
  });

  afterEach(async () => {
    await cliStore.close();
    await appStore.close();
    tmp.remove();
  });

  it('the fold says where each message and ban is, whoever recorded them: held and caught up, or read whole', async () => {
    const name: Sealed = { keyId: `${bot}-${customerId}`, box: 'bmFtZQ==' };
    await app.handle(stream, conversationDecider, receive(2), fromCustomer());
    await cli.handle(stream, conversationDecider, { type: 'RecordRelay', ...who, messageId: 1, relayedMessageId: 501 }, fromCli('relay-1'));
    await cli.handle(stream, conversationDecider, { type: 'Ban', ...who, name }, fromCli('ban-1'));
    await cli.handle(stream, conversationDecider, receive(3), fromCli('dropped-3'));
    await app.handle(stream, conversationDecider, { type: 'Unban', ...who }, fromCli('unban-1'));
    await cli.handle(stream, conversationDecider, receive(4), fromCli('receive-4'));
    const recorded = await appStore.readStream(stream);
    const at = (revision: number | undefined) => recorded.find((e) => e.revision === revision);

    for (const state of [
      await app.current(stream, conversationDecider),
      await new AggregateStore(appStore).current(stream, conversationDecider),
    ]) {
      expect(state.folded).toBe(recorded[recorded.length - 1].revision + 1);
      expect([...state.received.keys()]).toEqual([1, 2, 4]);
      for (const [messageId, revision] of state.received) {
        expect(at(revision)).toMatchObject({ type: 'CustomerMessageReceived', data: { messageId } });
        expect((await app.eventAt(stream, revision))?.id).toBe(at(revision)?.id);
      }
      expect(at(state.lastReceived)).toMatchObject({ type: 'CustomerMessageReceived', data: { messageId: 4 } });
      expect(state.bans.map((revision) => at(revision)?.type)).toEqual(['CustomerBanned']);
    }
    expect(await app.eventAt(stream, recorded.length)).toBeUndefined();
  });

  it('a customer message in a conversation the app holds is recorded without reading the conversation again', async () => {
    const reads = await counted.readsDuring(() => app.handle(stream, conversationDecider, receive(2), fromCustomer()));

    expect(reads).toEqual([]);
    expect(await recordedTypes()).toEqual(['CustomerMessageReceived', 'CustomerMessageReceived']);
  });

  it('a reactor asking for the conversation reads only what was recorded since, and sees it', async () => {
    await cli.handle(stream, conversationDecider, { type: 'RecordRelay', ...who, messageId: 1, relayedMessageId: 501 }, fromCli('relay-1'));

    let relayed = false;
    const reads = await counted.readsDuring(async () => {
      relayed = (await app.current(stream, conversationDecider)).relayOutcomes.has(1);
    });

    expect(relayed).toBe(true);
    expect(reads).toEqual([{ streamId: stream, fromRevision: 1 }]);
  });

  it('a reactor asking for a conversation nobody else wrote to since reads nothing: the store knows its tail is empty', async () => {
    await app.handle(stream, conversationDecider, receive(2), fromCustomer());

    let received: number[] = [];
    const reads = await counted.readsDuring(async () => {
      received = [...(await app.current(stream, conversationDecider)).received.keys()];
    });

    expect(received).toEqual([1, 2]);
    expect(reads).toEqual([]);
  });

  it('another command side of this process (its own writer on the same store) is not missed: the next reader reads the tail', async () => {
    const other = new AggregateStore(counted); // as CustomerErasure makes its own, on the store it is given
    await other.handle(stream, conversationDecider, { type: 'Ban', ...who, name: box }, fromCli('ban'));

    let banned = false;
    const reads = await counted.readsDuring(async () => {
      banned = (await app.current(stream, conversationDecider)).banned;
    });

    expect(banned).toBe(true);
    expect(reads).toEqual([{ streamId: stream, fromRevision: 1 }]);
  });

  it('a write by another connection to any stream is enough to read the tail again', async () => {
    await cli.handle(conversationStreamId(bot, customerId + 1), conversationDecider, receive(1), fromCli('elsewhere'));

    const reads = await counted.readsDuring(() => app.current(stream, conversationDecider));

    expect(reads).toEqual([{ streamId: stream, fromRevision: 1 }]);
  });

  it('a ban recorded by another writer is not missed: the message is decided again on the banned conversation', async () => {
    await cli.handle(stream, conversationDecider, { type: 'Ban', ...who, name: box }, fromCli('ban'));

    const result = await app.handle(stream, conversationDecider, receive(2), fromCustomer());

    expect(result.events.map((e) => e.type)).toEqual(['MessageDropped']);
    expect(await recordedTypes()).toEqual(['CustomerMessageReceived', 'CustomerBanned', 'MessageDropped']);
  });

  it('an erasure recorded by another process is seen by the app, and an erasure run again records nothing', async () => {
    const erase = (keyDeleted: boolean): ConversationCommand => ({
      type: 'EraseCustomerContent',
      ...who,
      erasedAt: new Date().toISOString(),
      keyDeleted,
    });
    await cli.handle(stream, conversationDecider, erase(true), fromCli('privacy-erase-1'));

    expect((await app.current(stream, conversationDecider)).erasedLast).toBe(true);
    await app.handle(stream, conversationDecider, erase(false), fromCli('privacy-erase-2'));
    expect(await recordedTypes()).toEqual(['CustomerMessageReceived', 'CustomerContentErased']);
  });

  it('a command that would change nothing on the conversation the app holds is checked against what another writer recorded', async () => {
    // The app last saw the customer unbanned; the other writer banned them since. /unban must not be lost.
    await cli.handle(stream, conversationDecider, { type: 'Ban', ...who, name: box }, fromCli('ban'));

    const result = await app.handle(stream, conversationDecider, { type: 'Unban', ...who }, fromCli('unban'));

    expect(result.events.map((e) => e.type)).toEqual(['CustomerUnbanned']);
    expect(await recordedTypes()).toEqual(['CustomerMessageReceived', 'CustomerBanned', 'CustomerUnbanned']);
  });

  it('a redelivered customer message is recognised from the conversation the app holds, without a read', async () => {
    const origin = fromCustomer();
    await app.handle(stream, conversationDecider, receive(2), origin);

    let duplicate = false;
    const reads = await counted.readsDuring(async () => {
      duplicate = (await app.handle(stream, conversationDecider, receive(2), origin)).duplicate;
    });

    expect(duplicate).toBe(true);
    expect(reads).toEqual([]);
    expect(await recordedTypes()).toEqual(['CustomerMessageReceived', 'CustomerMessageReceived']);
  });

  it('only a bounded number of events is kept: the least recently used conversation is read again in full', async () => {
    const small = new AggregateStore(counted, 2);
    const other = (n: number) => ({ ...receive(1), customerId: customerId + n });
    await small.handle(stream, conversationDecider, receive(2), fromCustomer());
    await small.handle(conversationStreamId(bot, customerId + 1), conversationDecider, other(1), fromCustomer());
    await small.handle(conversationStreamId(bot, customerId + 2), conversationDecider, other(2), fromCustomer());

    const reads = await counted.readsDuring(() => small.handle(stream, conversationDecider, receive(3), fromCustomer()));

    expect(reads).toEqual([{ streamId: stream, fromRevision: 0 }]);
    expect(await recordedTypes()).toHaveLength(3);
  });
});

/** A tally stream: each command adds one mark; the state holds the set of marks, as a conversation holds its message ids. */
type TallyEvent = { type: 'Marked'; data: { mark: number } };
type Tally = { marks: Set<number>; folded: number[] };
const tally: Decider<{ mark: number }, TallyEvent, Tally> = {
  decide: (command, state) => (state.marks.has(command.mark) ? [] : [{ type: 'Marked', data: { mark: command.mark } }]),
  evolve: (state, event) => {
    state.marks.add(event.data.mark);
    state.folded.push(event.data.mark);
    return state;
  },
  initialState: () => ({ marks: new Set(), folded: [] }),
};

describe('a long stream held folded', () => {
  const stream = 'tally-1';
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  const origin = (id: string): CommandOrigin => ({ causationId: id, correlationId: id, occurredAt: new Date().toISOString() });

  beforeEach(() => {
    tmp = makeTempDir('fb-aggregate-long-');
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    other = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
  });

  afterEach(async () => {
    await other.close();
    await store.close();
    tmp.remove();
  });

  it('costs no more per command at its 400th event than at its first: recording one walks none of what the stream holds', async () => {
    const aggregates = new AggregateStore(store);
    for (let mark = 1; mark <= 200; mark++) await aggregates.handle(stream, tally, { mark }, origin(`m${mark}`));

    // Items of large sets (the marks held, from 200 on) that anything walks through while the next 200 are recorded.
    let walked = 0;
    const iterate = Object.getOwnPropertyDescriptor(Set.prototype, Symbol.iterator)!;
    const walk = iterate.value as (this: Set<unknown>) => IterableIterator<unknown>;
    Object.defineProperty(Set.prototype, Symbol.iterator, {
      ...iterate,
      value(this: Set<unknown>) {
        if (this.size >= 200) walked += this.size;
        return walk.call(this);
      },
    });
    try {
      for (let mark = 201; mark <= 400; mark++) await aggregates.handle(stream, tally, { mark }, origin(`m${mark}`));
    } finally {
      Object.defineProperty(Set.prototype, Symbol.iterator, iterate);
    }

    // Folding each command into a copy of the state walked every mark held: ~60,000 items here.
    expect(walked).toBe(0);
    expect((await aggregates.current(stream, tally)).marks.size).toBe(400);
  });

  it('folds every event exactly once while readers catch up during commands and another writer appends', async () => {
    const aggregates = new AggregateStore(store);
    const second = new AggregateStore(other);
    await aggregates.handle(stream, tally, { mark: 0 }, origin('m0'));

    const work: Promise<unknown>[] = [];
    for (let mark = 1; mark <= 60; mark++) {
      const writer = mark % 5 === 0 ? second : aggregates;
      work.push(writer.handle(stream, tally, { mark }, origin(`m${mark}`)));
      work.push(aggregates.current(stream, tally));
    }
    await Promise.all(work);
    const state = await aggregates.current(stream, tally);

    const recorded = (await store.readStream(stream)).map((e) => (e.data as { mark: number }).mark);
    expect(recorded).toHaveLength(61);
    expect(state.folded).toEqual(recorded);
  });

  it('a stream longer than the whole cache stays held: its next command reads nothing instead of the whole stream', async () => {
    const counted = new CountingEventStore(store);
    const aggregates = new AggregateStore(counted, 5);
    for (let mark = 1; mark <= 7; mark++) await aggregates.handle(stream, tally, { mark }, origin(`m${mark}`));

    const reads = await counted.readsDuring(() => aggregates.handle(stream, tally, { mark: 8 }, origin('m8')));

    // Before, a stream over the budget was not kept: every command on it read and folded it whole (0.7 s at 100,000 events).
    expect(reads).toEqual([]);
    expect((await aggregates.current(stream, tally)).folded).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a fold that failed half way is never folded into again: a reader that was waiting reads the stream afresh', async () => {
    // A fold that fails once (as a newer replica's event type would, before this version is replaced), after it changed the state.
    let failOnce = true;
    const flaky: typeof tally = {
      ...tally,
      evolve: (state, event) => {
        tally.evolve(state, event);
        if (event.data.mark === 99 && failOnce) {
          failOnce = false;
          throw new Error('fold failed');
        }
        return state;
      },
    };
    // The tail read after `holdNext` waits for `release`: a reader caught up in it while another reader's fold fails.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holdNext = false;
    const gated = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'readStream') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<SqliteEventStore['readStream']>) => {
          const wait = holdNext;
          holdNext = false;
          const rows = await target.readStream(...args);
          if (wait) await held;
          return rows;
        };
      },
    });
    const aggregates = new AggregateStore(gated);
    await aggregates.handle(stream, flaky, { mark: 1 }, origin('m1'));
    await aggregates.handle(stream, flaky, { mark: 2 }, origin('m2'));
    await new AggregateStore(other).handle(stream, tally, { mark: 99 }, origin('m99'));

    holdNext = true;
    const waiting = aggregates.current(stream, flaky);
    await expect(aggregates.current(stream, flaky)).rejects.toThrow('fold failed');
    release();

    // Folded again into the half-folded state, mark 99 would be there twice.
    expect((await waiting).folded).toEqual([1, 2, 99]);
    expect((await aggregates.current(stream, flaky)).folded).toEqual([1, 2, 99]);
  });

  it("a long stream read whole after a start is folded in turns: other tenants' work runs in between, the fold is exact", async () => {
    for (let batch = 0; batch < 5; batch++)
      await store.appendToStream(
        stream,
        Array.from({ length: 500 }, (_, i) => ({
          id: randomUUID(),
          type: 'Marked',
          data: { mark: batch * 500 + i },
          metadata: { schemaVersion: 1, correlationId: 'c', causationId: `m${batch * 500 + i}` },
        })),
        batch === 0 ? 'no_stream' : batch * 500 - 1,
      );
    // Turns taken by other work once the events are read, while they are folded (the read's own turns are the store's).
    let read = false;
    let turns = 0;
    let folding = true;
    const other = () => {
      if (read) turns += 1;
      if (folding) setImmediate(other);
    };
    const noted = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readStream'
          ? async (...args: Parameters<SqliteEventStore['readStream']>) => {
              const events = await target.readStream(...args);
              read = true;
              return events;
            }
          : (Reflect.get(target, property, receiver) as unknown),
    });
    const aggregates = new AggregateStore(noted);
    setImmediate(other);

    const state = await aggregates.current(stream, tally);
    folding = false;

    expect(state.folded).toEqual(Array.from({ length: 2500 }, (_, n) => n));
    // Folded at once before (0 turns): 0.7 s at 100,000 events, on the thread every tenant shares.
    expect(turns).toBeGreaterThanOrEqual(2);
    // And the fold is the cache's from then on: the next command appends after the last revision.
    expect((await aggregates.handle(stream, tally, { mark: 2500 }, origin('m2500'))).events).toHaveLength(1);
    expect((await store.readStream(stream, { fromRevision: 2500 })).map((e) => e.data)).toEqual([{ mark: 2500 }]);
  });

  it("recent() gives the current fold and only the stream's last events: a long stream is not read whole", async () => {
    const counted = new CountingEventStore(store);
    const aggregates = new AggregateStore(counted);
    for (let mark = 1; mark <= 300; mark++) await aggregates.handle(stream, tally, { mark }, origin(`m${mark}`));

    let found: { recorded: { data: { mark: number } }[]; state: Tally } | undefined;
    const reads = await counted.readsDuring(async () => (found = await aggregates.recent(stream, tally, 50)));

    expect(found!.recorded.map((e) => e.data.mark)).toEqual(Array.from({ length: 50 }, (_, i) => 251 + i));
    expect(found!.state.marks.size).toBe(300);
    // The last 50 events, not the 300; the tail after the held fold is not read (nobody else wrote: it is empty).
    expect(reads).toEqual([{ streamId: stream, fromRevision: 250 }]);
  });

  it("a caller's load() is its own: later commands do not change the state it was given", async () => {
    const aggregates = new AggregateStore(store);
    await aggregates.handle(stream, tally, { mark: 1 }, origin('m1'));
    const { recorded, state } = await aggregates.load(stream, tally);

    await aggregates.handle(stream, tally, { mark: 2 }, origin('m2'));

    expect(recorded).toHaveLength(1);
    expect(state.folded).toEqual([1]);
    expect((await aggregates.current(stream, tally)).folded).toEqual([1, 2]);
  });
});
