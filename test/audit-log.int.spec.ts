import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { upcasters } from '../src/application/command-handling/upcasters';
import { telegramOrigin } from '../src/application/shared/telegram-origin';
import { AuditEntry, AuditLog, AuditQueryError, MASTER_FSM_STATES } from '../src/audit/audit-log';
import { broadcastDecider } from '../src/domain/broadcast/broadcast.decider';
import { broadcastStreamId } from '../src/domain/broadcast/broadcast.events';
import { clientBotRegistryDecider, clientBotRegistryStreamId } from '../src/domain/client-bot/client-bot-registry';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { MasterUserCommand } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { encrypt } from '../src/infrastructure/crypto/aes-gcm';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * The audit read side on a real SQLite event store, over history produced by the real deciders through
 * the real command handling: what an auditor is shown, in what order, page by page, and what is never shown.
 */
describe('the audit log', () => {
  const MASTER_BOT = 7000000001;
  const alice = 7000000123;
  const bob = 7000000456;
  const aliceBot = { id: 6100000001, username: 'alice_shop_bot' };
  const bobBot = { id: 6100000002, username: 'bob_shop_bot' };
  const customer = 8000000001;
  const key = randomBytes(32);
  const aliceToken = `${aliceBot.id}:AAH${'x'.repeat(20)}Secret_Part-0123456`;
  const encryptedToken = new AesTokenCipher(key).encrypt(aliceToken);
  /** Typed by a master as if it were a command: the token must not show up through `command`. */
  const strayToken = `${bobBot.id}:BBH${'y'.repeat(20)}Other_Secret-987654`;
  const seal = (text: string, keyId: string): Sealed => ({ keyId, box: encrypt(key, Buffer.from(text), keyId) });
  const customerText = seal('Do you ship to Lisbon?', `conversation-${aliceBot.id}-${customer}`);
  const broadcastText = seal('Sale today!', 'broadcast-b-1');

  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteEventStore;
  let aggregates: AggregateStore;
  let audit: AuditLog;
  let update = 1000;
  /** Split points for the time-window test: every event before `t1` is batch 1, between t1 and t2 batch 2. */
  let t1: Date;
  let t2: Date;

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const master = (masterId: number, command: MasterUserCommand) =>
    aggregates.handle(masterStreamId(masterId), masterUserDecider, command, telegramOrigin(MASTER_BOT, update++));
  const attach = (masterId: number, bot: { id: number; username: string }, token: string) =>
    master(masterId, {
      type: 'SubmitBotToken',
      masterId,
      messageId: update,
      verdict: { valid: true, botId: bot.id, username: bot.username, encryptedToken: token },
      limits: { free: 1, pro: 10 },
    });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    tmp = makeTempDir('fb-audit-');
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    aggregates = new AggregateStore(store);
    audit = new AuditLog(store);

    // Batch 1: both masters register, interleaved.
    await master(alice, { type: 'Start', masterId: alice, firstName: 'Alice' });
    await master(bob, { type: 'Start', masterId: bob, firstName: 'Bob' });
    await master(alice, { type: 'RequestAddBot', masterId: alice });
    await master(alice, { type: 'RequestAddBot', masterId: alice });
    await pause(15);
    t1 = new Date();
    await pause(15);

    // Batch 2: Alice's bot is claimed and attached; Bob gets a bot too; a customer writes to Alice's bot.
    await aggregates.handle(
      clientBotRegistryStreamId(aliceBot.id),
      clientBotRegistryDecider,
      { type: 'Claim', botId: aliceBot.id, masterId: alice, ownerHolds: false, now: new Date().toISOString() },
      telegramOrigin(MASTER_BOT, update++),
    );
    await attach(alice, aliceBot, encryptedToken);
    await master(bob, { type: 'RequestAddBot', masterId: bob });
    await attach(bob, bobBot, new AesTokenCipher(key).encrypt(strayToken));
    const who = { botId: aliceBot.id, customerId: customer, masterId: alice };
    const conversation = conversationStreamId(aliceBot.id, customer);
    await aggregates.handle(conversation, conversationDecider, { type: 'CustomerStart', ...who }, telegramOrigin(aliceBot.id, 1));
    await aggregates.handle(
      conversation,
      conversationDecider,
      { type: 'ReceiveMessage', ...who, messageId: 10, kind: 'text', sentAt: 1_700_000_000, content: customerText, floodLimit: 20 },
      telegramOrigin(aliceBot.id, 2),
    );
    await pause(15);
    t2 = new Date();
    await pause(15);

    // Batch 3: a cancelled /add, a stray "command" holding a token, a broadcast whose batch events carry no masterId.
    await master(alice, { type: 'RequestAddBot', masterId: alice });
    await master(alice, { type: 'Cancel', masterId: alice });
    // As a release before v2 stored it: the typed command in clear (the upcaster lifts it to `legacyPlaintext`).
    await master(alice, { type: 'UnknownCommand', masterId: alice, command: { legacyPlaintext: `/x ${strayToken}` } });
    await master(alice, { type: 'Help', masterId: alice });
    // Pro, then /broadcast with the one bot: the master's BroadcastRequested names the broadcast stream.
    await master(alice, {
      type: 'RecordPayment',
      masterId: alice,
      chargeId: 'ch-1',
      stars: 250,
      until: '2099-01-01T00:00:00.000Z',
      limits: { free: 1, pro: 10 },
    });
    await master(alice, { type: 'RequestBroadcast', masterId: alice });
    await master(alice, { type: 'SubmitBroadcast', masterId: alice, broadcastId: 'b-1', content: broadcastText });
    const broadcast = broadcastStreamId('b-1');
    const run = (command: Parameters<typeof broadcastDecider.decide>[0], n: number) =>
      aggregates.handle(broadcast, broadcastDecider, command, {
        causationId: `bc-${n}`,
        correlationId: 'bc',
        occurredAt: new Date().toISOString(),
      });
    await run(
      {
        type: 'PlanBroadcast',
        broadcastId: 'b-1',
        masterId: alice,
        botId: aliceBot.id,
        username: aliceBot.username,
        customerIds: [customer],
      },
      1,
    );
    await run({ type: 'RecordAttempts', broadcastId: 'b-1', customerIds: [customer] }, 2);
    // An event written in an older shape (v1) and lifted on read by an upcaster.
    upcasters.register({ type: 'AuditProbe', fromVersion: 1, upcast: (data) => ({ ...data, note: `upcast:${String(data.legacy)}` }) });
    const head = (await store.readStream(masterStreamId(alice))).length - 1;
    await store.appendToStream(
      masterStreamId(alice),
      [
        {
          id: 'a0c1e3f0-0000-4000-8000-000000000001',
          type: 'AuditProbe',
          data: { masterId: alice, legacy: 'old' },
          metadata: { schemaVersion: 1, correlationId: 'probe', causationId: 'probe' },
        },
      ],
      head,
    );
  });

  afterAll(async () => {
    await store.close();
    tmp.remove();
  });

  const ids = (entries: AuditEntry[]) => entries.map((e) => e.eventId);

  it("shows every event about a master — own stream, bot registry, conversations, broadcasts — in global order, and nobody else's", async () => {
    const { entries, next } = await audit.timeline(alice, { limit: 1000 });
    expect(next).toBeNull();
    const positions = entries.map((e) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
    expect(new Set(entries.map((e) => e.streamId))).toEqual(
      new Set([
        masterStreamId(alice),
        clientBotRegistryStreamId(aliceBot.id),
        conversationStreamId(aliceBot.id, customer),
        broadcastStreamId('b-1'),
      ]),
    );
    expect(entries.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'MasterRegistered',
        'ClientBotClaimed',
        'ClientBotAttached',
        'CustomerMessageReceived',
        'BroadcastPlanned',
        'BroadcastBatchAttempted',
      ]),
    );
    expect(entries.some((e) => e.data.masterId === bob)).toBe(false);

    // Everything Alice's streams hold is there, exactly once.
    const everything = await store.readAll({ maxCount: 10_000 });
    const aliceStreams = new Set(entries.map((e) => e.streamId));
    expect(ids(entries).sort()).toEqual(
      everything
        .filter((e) => aliceStreams.has(e.streamId))
        .map((e) => e.id)
        .sort(),
    );
  });

  it('tells what each event was, what caused it and how the state machine moved', async () => {
    const { entries } = await audit.timeline(alice, { limit: 1000 });
    const attached = entries.find((e) => e.type === 'ClientBotAttached')!;
    expect(attached).toMatchObject({
      streamId: masterStreamId(alice),
      trigger: 'SubmitBotToken',
      transition: { from: 'AwaitingBotToken', to: 'AwaitingBotToken' },
      schemaVersion: 1,
      updateId: expect.any(Number),
    });
    expect(attached.correlationId).toMatch(/^tg:7000000001:\d+$/);
    expect(attached.causationId).toBe(attached.correlationId);
    expect(Date.parse(attached.recordedAt)).not.toBeNaN();
    expect(Date.parse(attached.occurredAt!)).not.toBeNaN();

    const moves = entries.filter((e) => e.type === 'StateChanged').map((e) => `${e.transition!.from}→${e.transition!.to} (${e.trigger})`);
    expect(moves).toEqual([
      'Main→AwaitingBotToken (RequestAddBot)',
      'AwaitingBotToken→AwaitingBotToken (RequestAddBot)',
      'AwaitingBotToken→Main (SubmitBotToken)',
      'Main→AwaitingBotToken (RequestAddBot)',
      'AwaitingBotToken→Main (Cancel)',
      'Main→AwaitingBroadcast (RequestBroadcast)',
      'AwaitingBroadcast→Main (SubmitBroadcast)',
    ]);
    // Events that do not move the machine show where it stood; other aggregates have no FSM.
    expect(entries.find((e) => e.type === 'HelpShown')!.transition).toEqual({ from: 'Main', to: 'Main' });
    expect(entries.find((e) => e.type === 'CustomerMessageReceived')!.transition).toBeNull();

    const probe = entries.find((e) => e.type === 'AuditProbe')!;
    expect(probe.schemaVersion).toBe(2);
    expect(probe.data).toMatchObject({ legacy: 'old', note: 'upcast:old' });
    expect(probe.trigger).toBeNull();
    expect(probe.transition).toEqual({ from: 'Main', to: 'Main' });
  });

  it("shows each event's hash-chain link as stored", async () => {
    const { entries } = await audit.stream(masterStreamId(alice), { limit: 1000 });
    for (const [i, e] of entries.entries()) {
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(e.prevHash).toBe(entries[i - 1].hash);
    }
  });

  it('pages through a timeline with cursors: no duplicates, no gaps, same order, with the right transitions mid-history', async () => {
    const all = (await audit.timeline(alice, { limit: 1000 })).entries;
    for (const limit of [1, 2, 3, 7]) {
      const seen: AuditEntry[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await audit.timeline(alice, { limit, after });
        expect(page.entries.length).toBeLessThanOrEqual(limit);
        expect(page.entries.length).toBeGreaterThan(0);
        seen.push(...page.entries);
        after = page.next ?? undefined;
        pages += 1;
      } while (after);
      expect(pages).toBe(Math.ceil(all.length / limit));
      expect(seen).toEqual(all);
    }
  });

  it('pages a single stream the same way, and exports everything as one sequence', async () => {
    const full = await audit.stream(masterStreamId(alice), { limit: 1000 });
    expect(full.entries.map((e) => e.revision)).toEqual(full.entries.map((_, i) => i));
    const first = await audit.stream(masterStreamId(alice), { limit: 4 });
    const second = await audit.stream(masterStreamId(alice), { limit: 4, after: first.next! });
    expect([...first.entries, ...second.entries]).toEqual(full.entries.slice(0, 8));
    expect(second.entries[0].transition).toEqual(full.entries[4].transition);

    const exported: AuditEntry[] = [];
    for await (const entry of audit.export(alice)) exported.push(entry);
    expect(exported).toEqual((await audit.timeline(alice, { limit: 1000 })).entries);
    const streamExport: AuditEntry[] = [];
    for await (const entry of audit.export({ streamId: conversationStreamId(aliceBot.id, customer) })) streamExport.push(entry);
    expect(streamExport.map((e) => e.type)).toEqual(['CustomerStarted', 'CustomerMessageReceived']);
    expect((await audit.stream('conversation-1-2')).entries).toEqual([]);
  });

  it('filters by the time the store recorded each event', async () => {
    const { entries: batch2 } = await audit.timeline(alice, { from: t1, to: t2, limit: 1000 });
    expect(batch2.map((e) => e.type)).toEqual([
      'ClientBotClaimed',
      'ClientBotAttached',
      'StateChanged',
      'CustomerStarted',
      'CustomerMessageReceived',
    ]);
    for (const e of batch2) expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(t1.getTime());
    const { entries: before } = await audit.timeline(alice, { to: t1, limit: 1000 });
    expect(before.map((e) => e.type)).toEqual(['MasterRegistered', 'StateChanged', 'StateChanged']);
    const { entries: after } = await audit.timeline(alice, { from: t2, limit: 1000 });
    expect(after[0].type).toBe('StateChanged');
    expect(after[0].transition).toEqual({ from: 'Main', to: 'AwaitingBotToken' });
    const exported: AuditEntry[] = [];
    for await (const entry of audit.export(alice, { from: t1, to: t2 })) exported.push(entry);
    expect(exported).toEqual(batch2);
  });

  it('counts the transitions taken, lists every state, and names the triggers', async () => {
    const report = await audit.transitions(alice);
    expect(report.states.sort()).toEqual([...MASTER_FSM_STATES].sort());
    expect(report.states).toHaveLength(6);
    expect(report.current).toBe('Main');
    expect(report.edges).toEqual([
      { from: 'Main', to: 'AwaitingBotToken', count: 2, triggers: { '/add': 2 } },
      { from: 'AwaitingBotToken', to: 'AwaitingBotToken', count: 1, triggers: { '/add': 1 } },
      { from: 'AwaitingBotToken', to: 'Main', count: 2, triggers: { 'bot token': 1, '/cancel': 1 } },
      { from: 'Main', to: 'AwaitingBroadcast', count: 1, triggers: { '/broadcast': 1 } },
      { from: 'AwaitingBroadcast', to: 'Main', count: 1, triggers: { 'broadcast message': 1 } },
    ]);
    expect(await audit.transitions(999_999)).toEqual({ states: MASTER_FSM_STATES, edges: [], current: null });
  });

  it('never shows a token, an encrypted token or a sealed box, whatever the output', async () => {
    const outputs = JSON.stringify([
      await audit.timeline(alice, { limit: 1000 }),
      await audit.stream(masterStreamId(bob), { limit: 1000 }),
      await audit.stream(conversationStreamId(aliceBot.id, customer)),
      await audit.transitions(alice),
    ]);
    const stored = JSON.stringify(await store.readAll({ maxCount: 10_000 }), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    // The store does hold these (encrypted token, sealed box, the stray token typed as a command)…
    for (const secret of [encryptedToken, customerText.box, broadcastText.box, strayToken]) expect(stored).toContain(secret);
    // …the audit output does not, nor any part of a token's secret.
    for (const secret of [
      encryptedToken,
      customerText.box,
      broadcastText.box,
      strayToken,
      aliceToken,
      strayToken.split(':')[1],
      aliceToken.split(':')[1],
    ]) {
      expect(outputs).not.toContain(secret);
    }
    const { entries } = await audit.timeline(alice, { limit: 1000 });
    expect(entries.find((e) => e.type === 'ClientBotAttached')!.data).toMatchObject({
      encryptedToken: '[token redacted]',
      botId: aliceBot.id,
      username: aliceBot.username,
      tokenMessageId: expect.any(Number),
    });
    expect(entries.find((e) => e.type === 'CustomerMessageReceived')!.data.content).toBe('[sealed]');
    expect(entries.find((e) => e.type === 'BroadcastRequested')!.data).toMatchObject({ broadcastId: 'b-1', content: '[sealed]' });
    // The typed command (here as a release before v2 stored it, in clear) is shown as sealed, token and all.
    expect(entries.find((e) => e.type === 'CommandRejected')!.data).toMatchObject({ command: 'unknown', typed: '[sealed]' });
  });

  it('redacts credentials and sealed boxes wherever they sit in an event, keeping ids', async () => {
    const sealedBox = seal('a secret note', 'note-key');
    await store.appendToStream(
      'oddities-1',
      [
        {
          id: 'a0c1e3f0-0000-4000-8000-000000000002',
          type: 'OddShapes',
          data: {
            masterId: alice,
            webhookSecret: 'hunter2-hunter2',
            nested: { list: [sealedBox, { deeper: `token ${strayToken} inside` }], tokenMessageId: 42 },
            apiTokens: [strayToken],
            [`key ${aliceToken}`]: 1,
            uploaded: [{ botId: 7, fileUniqueId: 'AgADq1', fileId: 'AgACAgIAAxkBAAIBZ2abc' }],
          },
          metadata: { schemaVersion: 1, correlationId: `corr ${aliceToken}`, causationId: 'odd', command: 'Odd' },
        },
      ],
      'no_stream',
    );
    const { entries } = await audit.stream('oddities-1');
    expect(entries[0].data).toEqual({
      masterId: alice,
      webhookSecret: '[token redacted]',
      nested: { list: ['[sealed]', { deeper: 'token [token redacted] inside' }], tokenMessageId: 42 },
      apiTokens: '[token redacted]',
      'key [token redacted]': 1,
      // A file id would fetch the customer's file again, even after erasure: an auditor sees that one was sent.
      uploaded: [{ botId: 7, fileUniqueId: '[file id redacted]', fileId: '[file id redacted]' }],
    });
    expect(entries[0].correlationId).toBe('corr [token redacted]');
    const json = JSON.stringify(entries);
    for (const secret of ['hunter2', sealedBox.box, strayToken, aliceToken, 'AgACAgIAAxkBAAIBZ2abc']) expect(json).not.toContain(secret);
  });

  it('refuses bad queries with a clear error', async () => {
    const refused = async (work: () => Promise<unknown>, message: RegExp) => {
      await expect(work()).rejects.toThrow(AuditQueryError);
      await expect(work()).rejects.toThrow(message);
    };
    await refused(() => audit.timeline(0), /master id must be a positive integer/);
    await refused(() => audit.timeline(-5), /master id/);
    await refused(() => audit.timeline(1.5), /master id/);
    await refused(() => audit.timeline(Number.MAX_SAFE_INTEGER + 2), /master id/);
    await refused(() => audit.transitions(Number.NaN), /master id/);
    await refused(() => audit.timeline(alice, { limit: 0 }), /limit must be an integer from 1 to 1000/);
    await refused(() => audit.timeline(alice, { limit: 1001 }), /limit/);
    await refused(() => audit.timeline(alice, { from: t2, to: t1 }), /from must not be after to/);
    await refused(() => audit.timeline(alice, { from: new Date('nope') }), /from must be a valid time/);
    await refused(() => audit.timeline(alice, { after: '12; DROP' }), /after must be a cursor/);
    await refused(() => audit.stream(''), /must not be empty/);
    await refused(() => audit.stream('x'.repeat(201)), /at most 200/);
    await refused(() => audit.stream('master-1/../x'), /characters other than/);
    const consume = async () => {
      for await (const _ of audit.export({ streamId: 'a b' })) void _;
    };
    await refused(consume, /characters other than/);
  });

  it('stops a page early when asked to bound the work, with a cursor that loses nothing', async () => {
    const all = (await audit.timeline(alice, { limit: 1000 })).entries;
    const seen: AuditEntry[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await audit.timeline(alice, { limit: 1000, after, maxScan: 3 });
      expect(page.scanned).toBeLessThanOrEqual(3);
      seen.push(...page.entries);
      after = page.next ?? undefined;
      pages += 1;
    } while (after && pages < 1000);
    expect(seen).toEqual(all);
  });
});
