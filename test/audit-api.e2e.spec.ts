import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditPage, TransitionsReport } from '../src/audit/audit-log';
import type { VerifyReport } from '../src/audit/chain-verifier';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/**
 * The audit HTTP API on the running app (A3): behind AUDIT_TOKEN, answering what an auditor asks about
 * a master who attached a bot, got a customer's message and replied to it.
 */
describe('the audit HTTP API', () => {
  const AUDIT_TOKEN = `audit-${randomBytes(18).toString('hex')}`;
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let customer: FakeUser;

  const get = (path: string, token: string | null = AUDIT_TOKEN, scheme = 'Bearer') =>
    fetch(`${h.baseUrl}${path}`, { headers: token === null ? {} : { authorization: `${scheme} ${token}` } });
  const json = async <T>(path: string): Promise<T> => {
    const response = await get(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const timeline = (query = '') => json<AuditPage>(`/audit/api/masters/${master.id}/timeline${query}`);

  beforeAll(async () => {
    h = await AppHarness.start({ env: { AUDIT_TOKEN } });
    master = await registeredMaster(h, 'Alice');
    bot = await attachNewBot(h, master, 'alice_audit_bot');
    customer = h.fake.createUser({ firstName: 'Carol' });
    const relayed = await customerWrites(h, bot, customer, master, 'Open on Sunday?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Yes, 10 to 16.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Yes, 10 to 16.');
  }, 60_000);
  afterAll(async () => h?.stop());

  /** The history is written by reactors a moment after Telegram sees the effect: poll the API until it shows `type`. */
  async function timelineWith(type: string): Promise<AuditEntry[]> {
    for (let i = 0; i < 100; i++) {
      const { entries } = await timeline('?limit=1000');
      if (entries.some((e) => e.type === type)) return entries;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${type} in the timeline`);
  }

  it('refuses a missing, malformed or wrong token with 401, a JSON error and WWW-Authenticate: Bearer', async () => {
    for (const [token, scheme] of [
      [null, 'Bearer'],
      ['not-the-token-at-all', 'Bearer'],
      [AUDIT_TOKEN.slice(0, -1), 'Bearer'],
      [`${AUDIT_TOKEN}x`, 'Bearer'],
      [AUDIT_TOKEN, 'Basic'],
      ['', 'Bearer'],
    ] as const) {
      for (const path of [`/audit/api/masters/${master.id}/timeline`, '/audit/api/verify', `/audit/api/streams/master-${master.id}`]) {
        const response = await get(path, token, scheme);
        expect({ path, token, status: response.status }).toEqual({ path, token, status: 401 });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        const body = (await response.json()) as { message: string };
        expect(body.message).toMatch(/audit token/);
        expect(JSON.stringify(body)).not.toContain(master.id.toString());
      }
    }
  });

  it("shows the master's timeline: events of every stream about them in order, with trigger and from → to", async () => {
    const entries = await timelineWith('ReplyDelivered');
    const positions = entries.map((e) => BigInt(e.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    const types = entries.map((e) => e.type);
    for (const type of [
      'MasterRegistered',
      'StateChanged',
      'ClientBotClaimed',
      'ClientBotAttached',
      'CustomerMessageReceived',
      'MessageRelayed',
      'ReplySent',
      'ReplyDelivered',
    ]) {
      expect(types).toContain(type);
    }
    expect(new Set(entries.map((e) => e.streamId.replace(/-\d.*$/, '')))).toEqual(new Set(['master', 'client-bot', 'conversation']));

    const moves = entries.filter((e) => e.type === 'StateChanged');
    expect(moves[0]).toMatchObject({
      trigger: 'RequestAddBot',
      transition: { from: 'Main', to: 'AwaitingBotToken' },
      streamId: `master-${master.id}`,
    });
    expect(moves[1]).toMatchObject({ trigger: 'SubmitBotToken', transition: { from: 'AwaitingBotToken', to: 'Main' } });
    const attached = entries.find((e) => e.type === 'ClientBotAttached')!;
    expect(attached.data).toMatchObject({ botId: bot.id, username: 'alice_audit_bot', encryptedToken: '[token redacted]' });
    expect(attached.correlationId).toMatch(/^tg:/);
    expect(attached.updateId).toEqual(expect.any(Number));
    expect(attached.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entries.find((e) => e.type === 'CustomerMessageReceived')!).toMatchObject({ transition: null, data: { content: '[sealed]' } });

    const raw = await (await get(`/audit/api/masters/${master.id}/timeline?limit=1000`)).text();
    for (const secret of [bot.token, bot.token.split(':')[1], 'Open on Sunday?', 'Yes, 10 to 16.']) expect(raw).not.toContain(secret);
  });

  it('pages with a cursor: every event once, in order, and `next` null at the end', async () => {
    const all = await timelineWith('ReplyDelivered');
    const seen: AuditEntry[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: AuditPage = await timeline(`?limit=3${after ? `&after=${after}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries);
      after = page.next;
      pages += 1;
    } while (after !== null && pages < 100);
    expect(seen.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(pages).toBe(Math.ceil(all.length / 3));

    // A time window: nothing before the master's registration, nothing after now.
    const registeredAt = all[0].recordedAt;
    const windowed = await timeline(
      `?from=${encodeURIComponent(registeredAt)}&to=${encodeURIComponent(new Date().toISOString())}&limit=1000`,
    );
    expect(windowed.entries.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    const future = await timeline(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future).toMatchObject({ entries: [], next: null });
  });

  it('shows one stream, and the transitions taken with counts for the diagram', async () => {
    const stream = await json<AuditPage>(`/audit/api/streams/master-${master.id}?limit=1000`);
    expect(stream.entries.map((e) => e.revision)).toEqual(stream.entries.map((_, i) => i));
    expect(stream.entries[0]).toMatchObject({ type: 'MasterRegistered', transition: { from: 'Main', to: 'Main' } });
    const conversation = await json<AuditPage>(`/audit/api/streams/conversation-${bot.id}-${customer.id}`);
    expect(conversation.entries.map((e) => e.type)).toEqual(expect.arrayContaining(['CustomerMessageReceived', 'MessageRelayed']));
    const firstTwo = await json<AuditPage>(`/audit/api/streams/master-${master.id}?limit=2`);
    expect(firstTwo.entries).toEqual(stream.entries.slice(0, 2));
    expect(firstTwo.next).toBe(stream.entries[1].position);

    const report = await json<TransitionsReport>(`/audit/api/masters/${master.id}/transitions`);
    expect(report.states).toEqual(
      expect.arrayContaining(['Main', 'AwaitingBotToken', 'ChoosingBot', 'AwaitingGreeting', 'AwaitingBroadcast', 'Responding']),
    );
    expect(report.current).toBe('Main');
    expect(report.edges).toEqual(
      expect.arrayContaining([
        { from: 'Main', to: 'AwaitingBotToken', count: 1, triggers: { '/add': 1 } },
        { from: 'AwaitingBotToken', to: 'Main', count: 1, triggers: { 'bot token': 1 } },
      ]),
    );
  });

  it('verifies the hash chains of one stream or of all', async () => {
    const all = await json<VerifyReport>('/audit/api/verify');
    expect(all).toMatchObject({ ok: true, scope: 'all streams', breaks: [] });
    expect(all.events).toBeGreaterThan(5);
    // Several auditors at once each get the whole report (the controller runs one pass over the store for them).
    const together = await Promise.all([1, 2, 3].map(() => json<VerifyReport>('/audit/api/verify')));
    for (const report of together) expect(report).toEqual(all);
    const one = await json<VerifyReport>(`/audit/api/verify?stream=master-${master.id}`);
    expect(one).toMatchObject({ ok: true, streams: 1, breaks: [] });
    expect(one.scope).toContain(`master-${master.id}`);
  });

  it('answers 400 with a clear message to bad parameters', async () => {
    const cases: [string, RegExp][] = [
      ['/audit/api/masters/abc/timeline', /master id must be a positive integer/],
      ['/audit/api/masters/0/timeline', /master id/],
      ['/audit/api/masters/-4/transitions', /master id/],
      ['/audit/api/masters/99999999999999999999/timeline', /master id/],
      [`/audit/api/masters/${master.id}/timeline?limit=5000`, /limit must be an integer from 1 to 1000/],
      [`/audit/api/masters/${master.id}/timeline?limit=ten`, /limit/],
      [`/audit/api/masters/${master.id}/timeline?from=yesterday`, /from must be an ISO 8601 time/],
      [`/audit/api/masters/${master.id}/timeline?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z`, /from must not be after to/],
      [`/audit/api/masters/${master.id}/timeline?after=abc`, /after must be a cursor/],
      // Past the largest position a store can hold (2^63 - 1): a cursor no page ever returned, not a server error.
      [`/audit/api/masters/${master.id}/timeline?after=9223372036854775808`, /after must be a cursor/],
      [`/audit/api/masters/${master.id}/timeline?after=${'9'.repeat(30)}`, /after must be a cursor/],
      [`/audit/api/streams/master-${master.id}?after=18446744073709551616`, /after must be a cursor/],
      [`/audit/api/masters/${master.id}/timeline?limit=1&limit=2`, /limit must be given once/],
      ['/audit/api/streams/bad%20stream', /stream id/],
      ['/audit/api/verify?stream=..%2Fetc', /stream id/],
    ];
    for (const [path, message] of cases) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
  });

  it('takes the largest cursor a store can hold and answers an empty last page', async () => {
    for (const path of [`/audit/api/masters/${master.id}/timeline`, `/audit/api/streams/master-${master.id}`]) {
      const page = await json<AuditPage>(`${path}?after=9223372036854775807`);
      expect({ path, entries: page.entries, next: page.next }).toEqual({ path, entries: [], next: null });
    }
  });

  it('is off — every /audit route a 404 — when AUDIT_TOKEN is unset', async () => {
    const off = await AppHarness.start();
    try {
      for (const path of [
        '/audit',
        '/audit/app.js',
        '/audit/api/verify',
        `/audit/api/masters/${master.id}/timeline`,
        '/audit/api/streams/master-1',
      ]) {
        for (const headers of [{}, { authorization: `Bearer ${AUDIT_TOKEN}` }] as Record<string, string>[]) {
          const response = await fetch(`${off.baseUrl}${path}`, { headers });
          expect({ path, status: response.status }).toEqual({ path, status: 404 });
          expect(response.headers.get('www-authenticate')).toBeNull();
        }
      }
      expect((await fetch(`${off.baseUrl}/health`)).status).toBe(200);
    } finally {
      await off.stop();
    }
  });
});
