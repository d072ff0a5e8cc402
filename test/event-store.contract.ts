import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../src/application/ports/event-store.port';
import { ChainVerifier } from '../src/audit/chain-verifier';
import { EventPump } from '../src/processing/event-pump';
import { GENESIS, chainHash } from '../src/infrastructure/event-store/hash-chain';

export interface ContractFixture {
  store: EventStore;
  /** Closes `store` and opens a new adapter over the same data, as a process restart would. */
  reopen: () => Promise<EventStore>;
  /** Opens one more adapter over the same data, as a second app process would (closed by `cleanup`). */
  openAnother: () => Promise<EventStore>;
  /**
   * Writes a system event into the global order the way the store itself does (EventStoreDB: a
   * `$`-prefixed event in a `$`-prefixed stream). Absent for a store that has no such events.
   */
  writeSystemEvent?: () => Promise<void>;
  cleanup: () => Promise<void>;
}

const event = (type: string, data: Record<string, unknown> = {}, id = randomUUID()): NewEvent => ({
  id,
  type,
  data,
  metadata: { schemaVersion: 1, correlationId: 'test', causationId: 'test' },
});

/**
 * The behaviour every event store adapter must have. Stream names are unique per run so the suite can
 * run repeatedly against one long-lived EventStoreDB server.
 */
export function describeEventStoreContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`event store contract: ${name}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    const stream = (label: string) => `contract_${run}-${label}`;

    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('appends to a new stream and reads the events back in order with their data', async () => {
      const s = stream('new');
      const result = await store.appendToStream(s, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([
        ['A', 0, { n: 1 }],
        ['B', 1, { n: 2 }],
      ]);
      expect(read[0].metadata.correlationId).toBe('test');
      expect(read[1].position).toBe(result.position);
      expect(read[0].position < read[1].position).toBe(true);
      expect(read[0].recordedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('reads part of a stream: from a revision, at most so many events; a bad range is refused with a clear error', async () => {
      const s = stream('part');
      await store.appendToStream(s, [event('A', { n: 0 }), event('B', { n: 1 }), event('C', { n: 2 }), event('D', { n: 3 })], 'no_stream');
      const read = async (options: { fromRevision?: number; maxCount?: number }) =>
        (await store.readStream(s, options)).map((e) => [e.type, e.revision]);
      expect(await read({ fromRevision: 2, maxCount: 1 })).toEqual([['C', 2]]);
      expect(await read({ fromRevision: 1, maxCount: 2 })).toEqual([
        ['B', 1],
        ['C', 2],
      ]);
      expect(await read({ fromRevision: 3, maxCount: 10 })).toEqual([['D', 3]]);
      expect(await read({ maxCount: 1 })).toEqual([['A', 0]]);
      expect(await read({ fromRevision: 4, maxCount: 1 })).toEqual([]);
      await expect(store.readStream(s, { maxCount: 0 })).rejects.toThrow('maxCount must be a positive integer, got 0');
      await expect(store.readStream(s, { fromRevision: -1 })).rejects.toThrow('fromRevision must be a non-negative integer, got -1');
      await expect(store.readStream(s, { fromRevision: 1.5, maxCount: 1 })).rejects.toThrow('fromRevision');
    });

    it('reads a long stream whole, in order, letting other work run while it reads (other tenants are not held)', async () => {
      const s = stream('long');
      for (let batch = 0; batch < 5; batch++)
        await store.appendToStream(
          s,
          Array.from({ length: 500 }, (_, i) => event(i % 2 === 0 ? 'N' : 'M', { n: batch * 500 + i })),
          batch === 0 ? 'no_stream' : batch * 500 - 1,
        );
      // Work another tenant queued meanwhile (a request, a relay's answer): it runs between the pages of the read.
      let turns = 0;
      let reading = true;
      const other = () => {
        turns += 1;
        if (reading) setImmediate(other);
      };
      setImmediate(other);
      const read = await store.readStream(s);
      reading = false;

      expect(read.map((e) => e.data.n)).toEqual(Array.from({ length: 2500 }, (_, n) => n));
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 2500 }, (_, n) => n));
      // The SQLite store read 2,500 events at once before (0 turns): 0.6 s at 100,000 events on the shared thread.
      expect(turns).toBeGreaterThanOrEqual(2);
      expect((await store.readStream(s, { fromRevision: 999, maxCount: 1002 })).map((e) => e.revision)).toEqual(
        Array.from({ length: 1002 }, (_, i) => 999 + i),
      );
      // Of one type only, over more than a page of them: every second event, from revision 1 on.
      expect((await store.readStream(s, { types: ['M'] })).map((e) => e.revision)).toEqual(
        Array.from({ length: 1250 }, (_, i) => 2 * i + 1),
      );
      expect((await store.readStream(s, { types: ['M'], fromRevision: 2000, maxCount: 300 })).map((e) => e.revision)).toEqual(
        Array.from({ length: 250 }, (_, i) => 2001 + 2 * i),
      );
    });

    it('reads only the events of the types asked for, with their own revisions; an empty list of types is refused', async () => {
      const s = stream('types');
      await store.appendToStream(
        s,
        [event('A', { n: 0 }), event('B', { n: 1 }), event('A', { n: 2 }), event('C', { n: 3 }), event('B', { n: 4 })],
        'no_stream',
      );
      const read = async (options: { fromRevision?: number; maxCount?: number; types: string[] }) =>
        (await store.readStream(s, options)).map((e) => [e.type, e.revision]);

      expect(await read({ types: ['B', 'C'] })).toEqual([
        ['B', 1],
        ['C', 3],
        ['B', 4],
      ]);
      expect(await read({ types: ['A'], fromRevision: 1 })).toEqual([['A', 2]]);
      expect(await read({ types: ['B', 'A'], maxCount: 2, fromRevision: 1 })).toEqual([
        ['B', 1],
        ['A', 2],
      ]);
      expect(await read({ types: ['Z'] })).toEqual([]);
      await expect(store.readStream(s, { types: [] })).rejects.toThrow('types must be a non-empty list of event type names, got []');
    });

    it('refuses an append whose expected revision is stale, and writes nothing', async () => {
      const s = stream('conflict');
      await store.appendToStream(s, [event('A')], 'no_stream');
      await store.appendToStream(s, [event('B')], 0);
      await expect(store.appendToStream(s, [event('C')], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendToStream(s, [event('C')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendToStream(stream('absent'), [event('C')], 3)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('lets exactly one of two concurrent writers at the same revision win', async () => {
      const s = stream('race');
      await store.appendToStream(s, [event('A')], 'no_stream');
      const results = await Promise.allSettled([store.appendToStream(s, [event('B1')], 0), store.appendToStream(s, [event('B2')], 0)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('treats a re-append of the same event ids at the same expected revision as already done', async () => {
      const s = stream('idempotent');
      const batch = [event('A', {}, randomUUID()), event('B', {}, randomUUID())];
      const first = await store.appendToStream(s, batch, 'no_stream');
      const again = await store.appendToStream(s, batch, 'no_stream');
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      const next = await store.appendToStream(s, [event('C')], 1);
      const replayed = await store.appendToStream(s, [event('D', {}, randomUUID())], 2);
      expect(replayed.nextExpectedRevision).toBe(3);
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      expect(next.nextExpectedRevision).toBe(2);
    });

    /** The stream read back is one unbroken hash chain from its genesis value. */
    const expectUnbrokenChain = async (s: string) => {
      const read = await store.readStream(s);
      read.forEach((e, i) => {
        expect(e.revision).toBe(i);
        expect(e.metadata.prevHash).toBe(i === 0 ? GENESIS(s) : read[i - 1].metadata.hash);
        expect(e.metadata.hash).toBe(chainHash(e.metadata.prevHash as string, s, e.revision, e));
      });
      expect(await new ChainVerifier(store).verifyStream(s)).toMatchObject({ ok: true, events: read.length, breaks: [] });
      return read;
    };

    it('seals every appended event into the stream hash chain, also inside a multi-event append', async () => {
      const s = stream('chain');
      await store.appendToStream(s, [event('A', { n: 1 })], 'no_stream');
      await store.appendToStream(s, [event('B'), event('C'), event('D')], 0);
      await store.appendToStream(s, [event('E')], 'any');
      const read = await expectUnbrokenChain(s);
      expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      expect(read[0].metadata.prevHash).toBe(GENESIS(s));
      for (const e of read) expect(e.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(new Set(read.map((e) => e.metadata.hash)).size).toBe(5);
      // Everything else the caller put in the metadata is kept as given.
      expect(read[1].metadata).toMatchObject({ schemaVersion: 1, correlationId: 'test', causationId: 'test' });
    });

    it("keeps one unbroken chain when appends with 'any' race each other", async () => {
      const s = stream('chain-race');
      await store.appendToStream(s, [event('Start')], 'no_stream');
      const writers = Array.from({ length: 8 }, (_, i) =>
        store.appendToStream(s, i % 2 === 0 ? [event(`W${i}`)] : [event(`W${i}a`), event(`W${i}b`)], 'any'),
      );
      const results = await Promise.all(writers);
      const read = await expectUnbrokenChain(s);
      expect(read).toHaveLength(1 + 4 + 8);
      expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(8);
      // Each batch stayed together, in order.
      for (let i = 1; i < 8; i += 2) {
        const a = read.findIndex((e) => e.type === `W${i}a`);
        expect(read[a + 1].type).toBe(`W${i}b`);
      }
    });

    it("keeps one unbroken chain when two app processes race appends with 'any' to one stream", async () => {
      const s = stream('two-processes');
      const other = await fixture.openAnother();
      await store.appendToStream(s, [event('Start')], 'no_stream');
      // Each process queues its own 'any' appends, so only the store itself can keep the two apart.
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).appendToStream(s, [event(`W${i}`)], 'any')),
      );
      const read = await expectUnbrokenChain(s);
      expect(read).toHaveLength(13);
      expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(12);
      expect(new Set(read.map((e) => e.type))).toEqual(new Set(['Start', ...Array.from({ length: 12 }, (_, i) => `W${i}`)]));
    });

    it('keeps the original hashes when a batch is re-appended idempotently', async () => {
      const s = stream('chain-idempotent');
      const batch = [event('A'), event('B')];
      await store.appendToStream(s, batch, 'no_stream');
      const before = (await store.readStream(s)).map((e) => [e.id, e.metadata.prevHash, e.metadata.hash]);
      const again = await store.appendToStream(s, batch, 'no_stream');
      expect(again.nextExpectedRevision).toBe(1);
      const single = [event('C')];
      await store.appendToStream(s, single, 1);
      expect((await store.appendToStream(s, single, 1)).nextExpectedRevision).toBe(2);
      expect((await store.appendToStream(s, single, 'any')).nextExpectedRevision).toBe(2);
      const read = await expectUnbrokenChain(s);
      expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(read.slice(0, 2).map((e) => [e.id, e.metadata.prevHash, e.metadata.hash])).toEqual(before);
    });

    it('recognises a re-append within its stream only: an id used in another stream is a new event there', async () => {
      const first = stream('ids-first');
      const second = stream('ids-second');
      const shared = event('Shared');
      await store.appendToStream(first, [shared], 'no_stream');
      // Event ids are not unique across the store (EventStoreDB keeps no such index; neither does the embedded store).
      const there = await store.appendToStream(second, [{ ...shared }], 'no_stream');
      expect(there.nextExpectedRevision).toBe(0);
      expect((await store.readStream(second)).map((e) => e.id)).toEqual([shared.id]);
      // One id twice in one batch is refused before anything is written.
      await expect(store.appendToStream(stream('ids-twice'), [shared, { ...shared }], 'no_stream')).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(await store.readStream(stream('ids-twice'))).toEqual([]);
    });

    it("recognises an 'any' re-append among the stream's last 64 events; one further back is appended again", async () => {
      const s = stream('any-window');
      const recent = [event('Recent')];
      const old = [event('Old')];
      await store.appendToStream(s, old, 'no_stream');
      await store.appendToStream(
        s,
        Array.from({ length: 64 }, (_, i) => event(`Filler${i}`)),
        0,
      );
      await store.appendToStream(s, recent, 64);
      expect(await store.appendToStream(s, recent, 'any')).toMatchObject({ nextExpectedRevision: 65 });
      expect((await store.appendToStream(s, old, 'any')).nextExpectedRevision).toBe(66);
      const read = await expectUnbrokenChain(s);
      expect(read.filter((e) => e.id === old[0].id).map((e) => e.revision)).toEqual([0, 66]);
      expect(read.filter((e) => e.id === recent[0].id).map((e) => e.revision)).toEqual([65]);
    });

    it('reads all streams in one global order, after a given position', async () => {
      const a = stream('all-a');
      const b = stream('all-b');
      const before = await store.headPosition();
      await store.appendToStream(a, [event('A1')], 'no_stream');
      await store.appendToStream(b, [event('B1')], 'no_stream');
      await store.appendToStream(a, [event('A2')], 0);
      const mine = (events: RecordedEvent[]) => events.filter((e) => e.streamId === a || e.streamId === b);
      const all = mine(await store.readAll({ after: before ?? undefined, maxCount: 1000 }));
      expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
      const rest = mine(await store.readAll({ after: all[0].position, maxCount: 1000 }));
      expect(rest.map((e) => e.type)).toEqual(['B1', 'A2']);
      const paged = await store.readAll({ after: before ?? undefined, maxCount: 2 });
      expect(paged.length).toBeLessThanOrEqual(2);
      expect(await store.headPosition()).toBe(all[2].position);
    });

    it('reads past a system event written after every append: global order, paging and head position', async () => {
      const s = stream('system-events');
      const before = await store.headPosition();
      const appended: bigint[] = [];
      for (let i = 0; i < 4; i++) {
        appended.push((await store.appendToStream(s, [event(`S${i}`)], i === 0 ? 'no_stream' : i - 1)).position);
        await fixture.writeSystemEvent?.();
      }
      expect(await store.headPosition()).toBe(appended[3]);
      // One event per page: a page is never empty before the end, and never holds a system event.
      const paged: RecordedEvent[] = [];
      let after = before ?? undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 1 });
        if (page.length === 0) break;
        expect(page).toHaveLength(1);
        paged.push(...page);
        after = page[0].position;
      }
      expect(paged.every((e) => !e.type.startsWith('$') && !e.streamId.startsWith('$'))).toBe(true);
      const mine = paged.filter((e) => e.streamId === s);
      expect(mine.map((e) => e.type)).toEqual(['S0', 'S1', 'S2', 'S3']);
      expect(mine.map((e) => e.position)).toEqual(appended);
    });

    it('follows new events live and resumes from a stored position after a restart', async () => {
      const s = stream('catch-up');
      const start = await store.headPosition();
      await store.appendToStream(s, [event('Old1'), event('Old2')], 'no_stream');

      const seen: string[] = [];
      const gotLive = waitUntil(() => seen.includes('Live'));
      const first = new EventPump(store)
        .subscribe(
          async (events) => {
            for (const e of events) if (e.streamId === s) seen.push(e.type);
          },
          { after: start, idleWaitMs: 50 },
        )
        .start();
      await waitUntil(() => seen.length === 2);
      await store.appendToStream(s, [event('Live')], 1);
      await gotLive;
      await first.stop();
      const checkpoint = first.lastPosition;
      expect(seen).toEqual(['Old1', 'Old2', 'Live']);

      store = await fixture.reopen();
      await store.appendToStream(s, [event('AfterRestart')], 2);
      const resumed: string[] = [];
      const second = new EventPump(store)
        .subscribe(
          async (events) => {
            for (const e of events) if (e.streamId === s) resumed.push(e.type);
          },
          { after: checkpoint, idleWaitMs: 50 },
        )
        .start();
      await waitUntil(() => resumed.length >= 1);
      await second.stop();
      expect(resumed).toEqual(['AfterRestart']);
    });

    it('hands a failed batch to the subscriber again instead of skipping it', async () => {
      const s = stream('retry');
      const start = await store.headPosition();
      await store.appendToStream(s, [event('Once')], 'no_stream');
      let attempts = 0;
      const delivered: string[] = [];
      const sub = new EventPump(store)
        .subscribe(
          async (events) => {
            const mine = events.filter((e) => e.streamId === s);
            if (mine.length > 0 && attempts++ === 0) throw new Error('projection database went away');
            delivered.push(...mine.map((e) => e.type));
          },
          { after: start, retryDelayMs: 10, idleWaitMs: 50 },
        )
        .start();
      await waitUntil(() => delivered.length === 1);
      await sub.stop();
      expect(delivered).toEqual(['Once']);
      expect(attempts).toBe(2);
    });
  });
}

export async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
