import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventMetadata, NewEvent } from '../src/application/ports/event-store.port';
import { Anchor, anchorRoot, ChainVerifier, InvalidAnchorError } from '../src/audit/chain-verifier';
import { chainHash, sealChain } from '../src/infrastructure/event-store/hash-chain';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * `audit verify` / `audit anchor` against a real SQLite event store file, tampered with the way
 * someone with access to the file (but not going through the application) would.
 */
describe('hash chain verification on a real SQLite event store', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  let store: SqliteEventStore;
  let verifier: ChainVerifier;

  const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata: { schemaVersion: 1, correlationId: 'tg:1:1', causationId: 'tg:1:1', occurredAt: '2024-03-01T12:00:00.000Z' },
  });

  /** A direct connection to the store's file, used the way an intruder with file access would. */
  const tamper = (work: (db: Database.Database) => void) => {
    const db = new Database(file);
    try {
      work(db);
    } finally {
      db.close();
    }
  };
  const row = (db: Database.Database, streamId: string, revision: number) =>
    db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision = ?').get(streamId, revision) as {
      id: string;
      type: string;
      data: string;
      metadata: string;
    };
  const positionOf = async (streamId: string, revision: number) =>
    String((await store.readStream(streamId)).find((e) => e.revision === revision)!.position);

  beforeEach(async () => {
    tmp = makeTempDir();
    file = join(tmp.dir, 'events.sqlite');
    store = new SqliteEventStore(file, 50);
    verifier = new ChainVerifier(store);
    await store.appendToStream('master-1', [event('MasterRegistered', { masterId: 1 }), event('WelcomeShown')], 'no_stream');
    await store.appendToStream('conversation-7-99', [event('CustomerStarted', { botId: 7, customerId: 99 })], 'no_stream');
    await store.appendToStream('master-1', [event('StateChanged', { from: 'Main', to: 'AwaitingBotToken' })], 1);
    await store.appendToStream(
      'conversation-7-99',
      [
        event('CustomerMessageReceived', { kind: 'text', content: { keyId: 'c-7-99', sealed: 'AAAA' } }),
        event('MessageRelayed', { relayedMessageId: 501 }),
        event('ReplyDelivered', { deliveredMessageId: 12 }),
      ],
      0,
    );
    await store.appendToStream(
      'master-1',
      [event('ClientBotAttached', { botId: 7 }), event('StateChanged', { from: 'AwaitingBotToken', to: 'Main' })],
      2,
    );
    await store.appendToStream('broadcast-b1', [event('RecipientsPlanned', { ids: [99] }), event('BroadcastCompleted')], 'no_stream');
  });

  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('passes an untouched store, stream by stream and all at once', async () => {
    const progress: { events: number; streams: number }[] = [];
    const all = await verifier.verifyAll((p) => progress.push(p));
    expect(all).toEqual({ ok: true, scope: 'all streams', streams: 3, events: 11, breaks: [], unchainedEvents: 0 });
    expect(progress[progress.length - 1]).toEqual({ events: 11, streams: 3 });
    expect(await verifier.verifyStream('master-1')).toEqual({
      ok: true,
      scope: 'stream master-1',
      streams: 1,
      events: 5,
      breaks: [],
      unchainedEvents: 0,
    });
    expect(await verifier.verifyStream('master-404')).toMatchObject({ ok: true, streams: 0, events: 0 });
  });

  it("finds an event whose data was edited in the file: 'content-altered' at that revision", async () => {
    tamper((db) => {
      const r = row(db, 'conversation-7-99', 2);
      const data = JSON.parse(r.data);
      data.relayedMessageId = 502;
      db.prepare('UPDATE events SET data = ? WHERE id = ?').run(JSON.stringify(data), r.id);
    });
    const report = await verifier.verifyStream('conversation-7-99');
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([
      expect.objectContaining({
        streamId: 'conversation-7-99',
        revision: 2,
        type: 'MessageRelayed',
        reason: 'content-altered',
        position: await positionOf('conversation-7-99', 2),
      }),
    ]);
    expect(report.breaks[0].actual).toBe((await store.readStream('conversation-7-99'))[2].metadata.hash);
    expect(report.breaks[0].expected).not.toBe(report.breaks[0].actual);
    const all = await verifier.verifyAll();
    expect(all.ok).toBe(false);
    expect(all.breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([['conversation-7-99', 2, 'content-altered']]);
  });

  it('finds an edit to the metadata or the type just the same', async () => {
    tamper((db) => {
      const r = row(db, 'master-1', 1);
      const metadata = JSON.parse(r.metadata) as EventMetadata;
      metadata.occurredAt = '2024-03-02T12:00:00.000Z';
      db.prepare('UPDATE events SET metadata = ? WHERE id = ?').run(JSON.stringify(metadata), r.id);
      db.prepare("UPDATE events SET type = 'HelpShown' WHERE stream_id = 'broadcast-b1' AND revision = 1").run();
    });
    const all = await verifier.verifyAll();
    expect(all.breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([
      ['master-1', 1, 'content-altered'],
      ['broadcast-b1', 1, 'content-altered'],
    ]);
  });

  it("finds a deleted middle event: a 'revision-gap' where it was", async () => {
    tamper((db) => db.prepare("DELETE FROM events WHERE stream_id = 'master-1' AND revision = 2").run());
    const report = await verifier.verifyStream('master-1');
    expect(report.breaks).toEqual([
      expect.objectContaining({ streamId: 'master-1', revision: 3, reason: 'revision-gap', expected: '2', actual: '3' }),
    ]);
    expect(report.breaks[0].message).toMatch(/revision 2 is missing/);
    const all = await verifier.verifyAll();
    expect(all.breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([['master-1', 3, 'revision-gap']]);
    expect(all.events).toBe(10);
  });

  it("finds an event rewritten together with its own recomputed hash: the next link breaks ('link-broken')", async () => {
    let rewrittenHash = '';
    tamper((db) => {
      const r = row(db, 'conversation-7-99', 1);
      const data = JSON.parse(r.data);
      data.content.sealed = 'BBBB';
      const metadata = JSON.parse(r.metadata) as EventMetadata;
      rewrittenHash = chainHash(metadata.prevHash as string, 'conversation-7-99', 1, { id: r.id, type: r.type, data, metadata });
      metadata.hash = rewrittenHash;
      db.prepare('UPDATE events SET data = ?, metadata = ? WHERE id = ?').run(JSON.stringify(data), JSON.stringify(metadata), r.id);
    });
    const report = await verifier.verifyStream('conversation-7-99');
    const original = (await store.readStream('conversation-7-99'))[2].metadata.prevHash;
    expect(report.breaks).toEqual([
      expect.objectContaining({
        streamId: 'conversation-7-99',
        revision: 2,
        reason: 'link-broken',
        expected: rewrittenHash,
        actual: original,
        position: await positionOf('conversation-7-99', 2),
      }),
    ]);
    expect((await verifier.verifyAll()).breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([
      ['conversation-7-99', 2, 'link-broken'],
    ]);
  });

  it('finds two events swapped in a stream', async () => {
    tamper((db) => {
      db.prepare("UPDATE events SET revision = -1 WHERE stream_id = 'conversation-7-99' AND revision = 1").run();
      db.prepare("UPDATE events SET revision = 1 WHERE stream_id = 'conversation-7-99' AND revision = 2").run();
      db.prepare("UPDATE events SET revision = 2 WHERE stream_id = 'conversation-7-99' AND revision = -1").run();
    });
    const report = await verifier.verifyStream('conversation-7-99');
    expect(report.breaks.map((b) => [b.revision, b.type, b.reason])).toEqual([[1, 'MessageRelayed', 'content-altered']]);
  });

  /** Events as the release before the hash chain wrote them: no prevHash/hash in their metadata. */
  const insertLegacy = (streamId: string, revisions: number[]) =>
    tamper((db) => {
      for (const revision of revisions) {
        db.prepare(
          `INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at)
           VALUES (?, ?, ?, 'MasterRegistered', ?, '{"schemaVersion":1,"correlationId":"x","causationId":"x"}', ?)`,
        ).run(randomUUID(), streamId, revision, JSON.stringify({ n: revision }), new Date().toISOString());
      }
    });

  it('an upgraded installation: events from before the chain are counted as not covered, and what follows them is checked', async () => {
    insertLegacy('master-2', [0, 1, 2]);
    await store.appendToStream(
      'master-2',
      [event('WelcomeShown'), event('StateChanged', { from: 'Main', to: 'Main' }), event('WelcomeShown')],
      2,
    );
    const all = await verifier.verifyAll();
    expect(all.ok).toBe(true);
    expect(all.unchainedEvents).toBe(3);
    const one = await verifier.verifyStream('master-2');
    expect(one).toMatchObject({ ok: true, events: 6, unchainedEvents: 3 });

    // The sealed events after the legacy prefix are really checked…
    tamper((db) => db.prepare("UPDATE events SET data = '{\"tampered\":1}' WHERE stream_id = 'master-2' AND revision = 4").run());
    expect((await verifier.verifyStream('master-2')).breaks.map((b) => [b.revision, b.reason])).toEqual([[4, 'content-altered']]);
  });

  it('the last event from before the chain is covered through the link of the first sealed one', async () => {
    insertLegacy('master-2', [0, 1]);
    await store.appendToStream('master-2', [event('WelcomeShown')], 1);
    // The limit, pinned so it is not mistaken for coverage: the earlier legacy events are hashed by nothing.
    tamper((db) => db.prepare("UPDATE events SET data = '{\"n\":98}' WHERE stream_id = 'master-2' AND revision = 0").run());
    expect(await verifier.verifyStream('master-2')).toMatchObject({ ok: true, unchainedEvents: 2 });
    tamper((db) => db.prepare("UPDATE events SET data = '{\"n\":99}' WHERE stream_id = 'master-2' AND revision = 1").run());
    expect((await verifier.verifyStream('master-2')).breaks.map((b) => [b.revision, b.reason])).toEqual([[2, 'link-broken']]);
  });

  it("reports an event without a hash after sealed ones as 'unchained'", async () => {
    tamper((db) =>
      db
        .prepare(
          `INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at)
           VALUES (?, 'master-1', 5, 'ClientBotAttached', '{}', '{"schemaVersion":1,"correlationId":"x","causationId":"x"}', ?)`,
        )
        .run(randomUUID(), new Date().toISOString()),
    );
    const all = await verifier.verifyAll();
    expect(all.ok).toBe(false);
    expect(all.breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([['master-1', 5, 'unchained']]);
  });

  it('reads a store bigger than one page and reports the first break of every broken stream', async () => {
    await store.appendToStream(
      'conversation-7-100',
      Array.from({ length: 1500 }, (_, i) => event('MessageDropped', { i })),
      'no_stream',
    );
    tamper((db) => {
      db.prepare("UPDATE events SET data = '{\"i\":-1}' WHERE stream_id = 'conversation-7-100' AND revision = 1200").run();
      db.prepare("UPDATE events SET data = '{\"i\":-2}' WHERE stream_id = 'conversation-7-100' AND revision = 1300").run();
      db.prepare("DELETE FROM events WHERE stream_id = 'broadcast-b1' AND revision = 0").run();
    });
    const progress: number[] = [];
    const all = await verifier.verifyAll((p) => progress.push(p.events));
    expect(all.events).toBe(11 - 1 + 1500);
    expect(progress).toEqual([1000, 1510]);
    expect(all.breaks.map((b) => [b.streamId, b.revision, b.reason])).toEqual([
      ['broadcast-b1', 1, 'revision-gap'],
      ['conversation-7-100', 1200, 'content-altered'],
    ]);
  });

  describe('anchors', () => {
    it('root and heads describe every stream; an unchanged store (even one that grew since) checks out', async () => {
      const anchor = await verifier.anchor();
      expect(anchor).toMatchObject({ streams: 3, events: 11, headPosition: String(await store.headPosition()) });
      expect(anchor.heads.map((h) => [h.streamId, h.revision])).toEqual([
        ['broadcast-b1', 1],
        ['conversation-7-99', 3],
        ['master-1', 4],
      ]);
      expect(anchor.heads[2].hash).toBe((await store.readStream('master-1'))[4].metadata.hash);
      expect(anchor.root).toMatch(/^[0-9a-f]{64}$/);
      expect((await verifier.anchor()).root).toBe(anchor.root);

      await store.appendToStream('master-1', [event('HelpShown')], 4);
      await store.appendToStream('master-3', [event('MasterRegistered')], 'no_stream');
      expect(await verifier.checkAnchor(anchor)).toEqual({ ok: true, problems: [] });
      expect((await verifier.anchor()).root).not.toBe(anchor.root);
    });

    it('catches a privileged, consistent rewrite of a whole stream that verify alone cannot see', async () => {
      const anchor = JSON.parse(JSON.stringify(await verifier.anchor())) as Anchor; // as kept in a file
      // Someone with write access and the hash code re-seals the stream from genesis with other content.
      tamper((db) => {
        const rows = db.prepare("SELECT * FROM events WHERE stream_id = 'master-1' ORDER BY revision").all() as {
          id: string;
          type: string;
          data: string;
          metadata: string;
        }[];
        const forged = rows.map((r) => ({ id: r.id, type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
        forged[3].data = { botId: 666 };
        const resealed = sealChain('master-1', 0, forged[0].metadata.prevHash, forged);
        const update = db.prepare('UPDATE events SET data = ?, metadata = ? WHERE id = ?');
        for (const e of resealed) update.run(JSON.stringify(e.data), JSON.stringify(e.metadata), e.id);
      });
      expect((await verifier.verifyAll()).ok).toBe(true);
      const check = await verifier.checkAnchor(anchor);
      expect(check.ok).toBe(false);
      expect(check.problems).toEqual([expect.stringMatching(/^master-1 @ revision 4: hash is now [0-9a-f]{64}, anchored [0-9a-f]{64}/)]);
    });

    it('catches a stream cut short, or deleted, after the anchor', async () => {
      const anchor = await verifier.anchor();
      tamper((db) => {
        db.prepare("DELETE FROM events WHERE stream_id = 'master-1' AND revision >= 3").run();
        db.prepare("DELETE FROM events WHERE stream_id = 'broadcast-b1'").run();
      });
      expect((await verifier.verifyAll()).ok).toBe(true);
      const check = await verifier.checkAnchor(anchor);
      expect(check.ok).toBe(false);
      expect(check.problems).toEqual([
        expect.stringMatching(/^broadcast-b1: anchored revision 1 is gone \(the stream no longer exists\)/),
        expect.stringMatching(/^master-1: anchored revision 4 is gone \(the stream now ends at revision 2\)/),
      ]);
    });

    it('notices an anchor that was edited, and refuses one that is malformed', async () => {
      const anchor = await verifier.anchor();
      const edited = { ...anchor, heads: anchor.heads.filter((h) => h.streamId !== 'master-1') };
      const check = await verifier.checkAnchor(edited);
      expect(check.ok).toBe(false);
      expect(check.problems).toEqual([expect.stringMatching(/does not match its own heads/)]);
      // Edited heads AND a recomputed root: self-consistent, so only the root kept elsewhere shows it.
      const forged = { ...edited, root: anchorRoot(edited.heads) };
      expect((await verifier.checkAnchor(forged)).ok).toBe(true);
      expect(await verifier.checkAnchor(forged, { expectedRoot: anchor.root })).toEqual({
        ok: false,
        problems: [expect.stringMatching(/not to the root you kept/)],
      });
      expect((await verifier.checkAnchor(anchor, { expectedRoot: anchor.root })).ok).toBe(true);
      const broken = { ...anchor, heads: [{ streamId: 'master-1', revision: -1, hash: 'x' }] };
      await expect(verifier.checkAnchor(broken)).rejects.toThrow(InvalidAnchorError);
      await expect(verifier.checkAnchor(broken)).rejects.toThrow(/heads\[0\]\.revision/);
    });
  });
});
