import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { uuidV5 } from '../src/application/command-handling/deterministic-id';
import { telegramOrigin } from '../src/application/shared/telegram-origin';
import { MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { masterStreamId, MasterUserEvent } from '../src/domain/master-user/master-user.events';
import { MasterUserState } from '../src/domain/master-user/master-user.state';
import { CommandOrigin, Decider } from '../src/domain/shared/decider';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { makeTempDir } from './support/temp-dir';
import { Sealed } from '../src/domain/shared/sealed';

/** An unknown command's word as the handler would seal it (a stand-in box: the decider never opens it). */
const typed = (word: string): Sealed => ({ keyId: 'master-test', box: Buffer.from(word).toString('base64') });

/**
 * The command side against a real SQLite event store file: load → decide → append at the revision read,
 * decide again on conflict, and drop Telegram updates the stream already records.
 */
describe('command handling on the embedded event store', () => {
  const MASTER_BOT = 7000000001;
  const masterId = 7000000123;
  const stream = masterStreamId(masterId);
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let aggregates: AggregateStore;

  /** An origin that is not a Telegram update (a CLI run, a reactor): never deduplicated by update id. */
  const internalOrigin = (id: string): CommandOrigin => ({ causationId: id, correlationId: id, occurredAt: new Date().toISOString() });

  /** The real decider, counting its decisions and the stream length it decided on. */
  const observedDecider = () => {
    const decisions: { command: MasterUserCommand; fsm: MasterUserState['fsm'] }[] = [];
    const decider: Decider<MasterUserCommand, MasterUserEvent, MasterUserState> = {
      ...masterUserDecider,
      decide: (command, state) => {
        decisions.push({ command, fsm: state.fsm });
        return masterUserDecider.decide(command, state);
      },
    };
    return { decider, decisions };
  };

  const deferred = () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    return { gate, open };
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    tmp = makeTempDir('fb-aggregates-');
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    aggregates = new AggregateStore(store);
    await aggregates.handle(stream, masterUserDecider, { type: 'Start', masterId, firstName: 'Alice' }, telegramOrigin(MASTER_BOT, 1000));
  });

  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('twenty commands racing on one master are all recorded, each decided on the state it found', async () => {
    const commands: MasterUserCommand[] = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? { type: 'RequestAddBot', masterId } : { type: 'UnknownCommand', masterId, command: typed(`/nope${i}`) },
    );

    const results = await Promise.allSettled(
      commands.map((command, i) => aggregates.handle(stream, masterUserDecider, command, internalOrigin(`race-${i}`))),
    );

    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.revision)).toEqual(recorded.map((_, i) => i));
    // Every command left its one event: nothing was overwritten by a writer that decided on stale state.
    const causes = recorded
      .slice(1)
      .map((e) => e.metadata.causationId)
      .sort();
    expect(causes).toEqual(commands.map((_, i) => `race-${i}`).sort());
    // Only the first /add to land leaves Main; every later one was decided on AwaitingBotToken.
    const transitions = recorded.filter((e) => e.type === 'StateChanged').map((e) => `${String(e.data.from)}→${String(e.data.to)}`);
    expect(transitions.filter((t) => t === 'Main→AwaitingBotToken')).toHaveLength(1);
    expect(transitions.filter((t) => t === 'AwaitingBotToken→AwaitingBotToken')).toHaveLength(9);
  });

  it('a command that lost a race is decided again on the state the winner left, without doing its I/O again', async () => {
    // Two processes on one event store file (the app and the CLI, or two replicas).
    const otherProcess = new AggregateStore(store);
    const { decider, decisions } = observedDecider();
    const { gate, open } = deferred();
    let lookups = 0;
    const slowAdd = aggregates.handlePrepared(
      stream,
      decider,
      {
        // The command's I/O (a Telegram call, a lookup): slow enough for the other process to append meanwhile.
        prepare: async () => {
          lookups += 1;
          await gate;
        },
        decide: () => ({ type: 'RequestAddBot' as const, masterId }),
      },
      internalOrigin('slow-add'),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await otherProcess.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, internalOrigin('fast-add'));
    open();

    const result = await slowAdd;

    expect(decisions.map((d) => d.fsm)).toEqual(['Main', 'AwaitingBotToken']);
    expect(lookups).toBe(1);
    expect(result.events).toEqual([
      { type: 'StateChanged', data: { masterId, from: 'AwaitingBotToken', to: 'AwaitingBotToken', trigger: '/add' } },
    ]);
    expect((await store.readStream(stream)).map((e) => e.metadata.causationId)).toEqual(['tg:7000000001:1000', 'fast-add', 'slow-add']);
  });

  it('the same Telegram update handled twice is recorded once, and the second handling reports a duplicate', async () => {
    const origin = telegramOrigin(MASTER_BOT, 1001);
    const first = await aggregates.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, origin);
    const second = await aggregates.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, origin);

    expect(first.duplicate).toBe(false);
    expect(first.events.map((e) => e.type)).toEqual(['StateChanged']);
    expect(second).toMatchObject({ duplicate: true, events: [], position: null });
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.type)).toEqual(['MasterRegistered', 'StateChanged']);
  });

  it('an older update that arrives late is still handled (nothing is lost to reordering), and only its redelivery is a duplicate', async () => {
    await aggregates.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, telegramOrigin(MASTER_BOT, 1005));
    const late = await aggregates.handle(stream, masterUserDecider, { type: 'Cancel', masterId }, telegramOrigin(MASTER_BOT, 1003));
    const again = await aggregates.handle(stream, masterUserDecider, { type: 'Cancel', masterId }, telegramOrigin(MASTER_BOT, 1003));

    expect(late.duplicate).toBe(false);
    expect(late.state.fsm).toBe('Main');
    expect(again.duplicate).toBe(true);
    expect((await store.readStream(stream)).map((e) => e.metadata.updateId)).toEqual([1000, 1005, 1003]);
  });

  it('update ids are only compared within one bot: the same id from another bot is a new update', async () => {
    const CLIENT_BOT = 4503599627370495;
    const result = await aggregates.handle(
      stream,
      masterUserDecider,
      { type: 'UnknownCommand', masterId, command: typed('/x') },
      telegramOrigin(CLIENT_BOT, 1000),
    );

    expect(result.duplicate).toBe(false);
    expect((await store.readStream(stream)).map((e) => e.metadata.updateSource)).toEqual([MASTER_BOT, CLIENT_BOT]);
  });

  it('two concurrent deliveries of one update collapse into one append with deterministic event ids', async () => {
    const origin = telegramOrigin(MASTER_BOT, 1010);
    const { decider, decisions } = observedDecider();
    // Telegram redelivered the update while the first delivery was still being handled, by another replica.
    const replicas = [aggregates, new AggregateStore(store)];

    const [a, b] = await Promise.all(replicas.map((r) => r.handle(stream, decider, { type: 'RequestAddBot', masterId }, origin)));

    // Both deliveries decided on the same state, so both produced the same event ids; the store kept one copy.
    expect(decisions).toHaveLength(2);
    const recorded = await store.readStream(stream);
    expect(recorded.map((e) => e.type)).toEqual(['MasterRegistered', 'StateChanged']);
    expect(recorded[1].id).toBe(uuidV5(`${stream}|${origin.causationId}|0`));
    for (const result of [a, b]) expect(result.duplicate || result.position === recorded[1].position).toBe(true);
  });

  it('a redelivered update whose first delivery won after a conflict is reported as a duplicate, not an error', async () => {
    const origin = telegramOrigin(MASTER_BOT, 1020);
    const first = deferred();
    const redelivery = deferred();
    const command = (gate: Promise<void>) => ({
      prepare: () => gate,
      decide: () => ({ type: 'UnknownCommand' as const, masterId, command: typed('/hello') }),
    });
    // Given both deliveries (reaching two replicas) have read the stream at the same revision…
    const firstDelivery = aggregates.handlePrepared(stream, masterUserDecider, command(first.gate), origin);
    const secondDelivery = new AggregateStore(store).handlePrepared(stream, masterUserDecider, command(redelivery.gate), origin);
    await new Promise((resolve) => setImmediate(resolve));
    // …when another command moves the stream on, the first delivery conflicts, decides again and lands…
    await new AggregateStore(store).handle(
      stream,
      masterUserDecider,
      { type: 'UnknownCommand', masterId, command: typed('/other') },
      internalOrigin('relay-outcome'),
    );
    first.open();
    await expect(firstDelivery).resolves.toMatchObject({ duplicate: false });
    // …then the redelivery, still holding the old revision, must learn the update is already recorded.
    redelivery.open();

    await expect(secondDelivery).resolves.toMatchObject({ events: [] });
    const recorded = await store.readStream(stream);
    expect(recorded.filter((e) => e.metadata.causationId === origin.causationId)).toHaveLength(1);
  });

  it('a redelivered update does none of its I/O again: it is known to be recorded before any is done', async () => {
    const origin = telegramOrigin(MASTER_BOT, 1030);
    let lookups = 0;
    const command = {
      prepare: async () => void (lookups += 1),
      decide: () => ({ type: 'RequestAddBot' as const, masterId }),
    };

    await aggregates.handlePrepared(stream, masterUserDecider, command, origin);
    const again = await aggregates.handlePrepared(stream, masterUserDecider, command, origin);

    expect(again.duplicate).toBe(true);
    expect(lookups).toBe(1);
  });

  it('a decision that does I/O (returns a promise) is refused with a clear error, and nothing is recorded', async () => {
    const before = await store.readStream(stream);

    const refused = aggregates.handle(
      stream,
      masterUserDecider,
      // @ts-expect-error a decision is synchronous: an async one does not compile
      async () => ({ type: 'RequestAddBot', masterId }),
      internalOrigin('async-decision'),
    );

    await expect(refused).rejects.toThrow(/returned a promise: do I\/O before handle\(\)/);
    expect(await store.readStream(stream)).toHaveLength(before.length);
  });
});
