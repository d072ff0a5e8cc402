import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { launchHeadlessChromium } from './support/browser';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/** A DOM element as far as these tests read it (the DOM's own types are not in this project's lib). */
type Attributed = { getAttribute(name: string): string | null };

/**
 * The auditors' web page (A3) in a real headless Chromium against the running app: token, timeline,
 * state diagram, chain verification — and nothing secret on screen.
 */
describe('the audit web page', () => {
  const AUDIT_TOKEN = `audit-${randomBytes(18).toString('hex')}`;
  let h: AppHarness;
  let browser: Browser;
  let page: Page;
  let master: FakeUser;
  let bot: CreatedBot;
  const problems: string[] = [];

  beforeAll(async () => {
    // Fail, never skip: without a browser this guarantee would go untested silently. The browser comes
    // from npm (@sparticuz/chromium), so this needs nothing installed beyond `npm ci`.
    browser = await launchHeadlessChromium();
    h = await AppHarness.start({ env: { AUDIT_TOKEN } });
    master = await registeredMaster(h, 'Alice');
    bot = await attachNewBot(h, master, 'alice_page_bot');
    const customer = h.fake.createUser({ firstName: 'Dora' });
    const relayed = await customerWrites(h, bot, customer, master, 'Can I return shoes?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Within 30 days, yes.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Within 30 days, yes.');

    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400 && response.status() !== 401) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  const statusText = () => page.locator('#status').innerText();

  /** Polls `read` until `accept` holds (the page works asynchronously); returns the last value either way. */
  async function settled<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await read();
    }
    return value;
  }
  const verdict = () =>
    page
      .locator('#verify-verdict')
      .innerText()
      .catch(() => '');

  it('is served by the app and shows nothing without the token', async () => {
    const response = await page.goto(`${h.baseUrl}/audit?pageSize=4`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.title()).toBe('FeedbackBots — audit');
    expect(await page.locator('#auth-state').innerText()).toBe('no token');

    await page.fill('#master', String(master.id));
    await page.click('#search');
    expect(await settled(statusText, (t) => t !== '')).toBe('Enter the audit token first.');
    expect(await page.locator('#timeline-section').isHidden()).toBe(true);

    await page.fill('#token', 'wrong-token-0123456789');
    await page.click('#token-form button[type=submit]');
    expect(await settled(statusText, (t) => t.includes('refused'))).toBe('The audit token was refused. Enter it again.');
    expect(await page.locator('#timeline-section').isHidden()).toBe(true);
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  it("shows the master's timeline once the token is given, with load more", async () => {
    await page.fill('#token', AUDIT_TOKEN);
    await page.click('#token-form button[type=submit]');
    // The master id is still in the form: giving the token runs the search.
    await page.locator('#timeline tbody tr').first().waitFor();
    expect(await page.locator('#auth-state').innerText()).toBe('token set');
    expect(await page.locator('#timeline tbody tr').count()).toBe(4);

    // "Load more" until the last page.
    for (let i = 0; i < 20 && (await page.locator('#more').isVisible()); i++) {
      const before = await page.locator('#timeline tbody tr').count();
      await page.click('#more');
      expect(
        await settled(
          () => page.locator('#timeline tbody tr').count(),
          (n) => n > before,
        ),
      ).toBeGreaterThan(before);
      await settled(
        () => page.locator('#more').isDisabled(),
        (disabled) => !disabled,
      );
    }
    const types = await page
      .locator('#timeline tbody tr')
      .evaluateAll((rows: Attributed[]) => rows.map((r) => r.getAttribute('data-type')));
    expect(types.slice(0, 2)).toEqual(['MasterRegistered', 'StateChanged']);
    for (const type of ['ClientBotClaimed', 'ClientBotAttached', 'CustomerMessageReceived', 'MessageRelayed', 'ReplySent'])
      expect(types).toContain(type);
    expect(new Set(await page.locator('#timeline tbody tr td:first-child').allInnerTexts()).size).toBeGreaterThan(0);

    const firstMove = page.locator('#timeline tbody tr[data-type="StateChanged"]').first();
    expect(await firstMove.locator('td').nth(3).innerText()).toBe('RequestAddBot');
    expect(await firstMove.locator('td.transition').innerText()).toBe('Main → AwaitingBotToken');
    expect(await firstMove.locator('td').nth(1).innerText()).toBe(`master-${master.id} #1`);
    expect(await page.locator('#count').innerText()).toBe(`${types.length} events`);
  });

  it("draws the master's state machine: every state, and each transition taken with its count", async () => {
    const nodes = page.locator('#diagram svg#fsm g.node');
    expect(await nodes.evaluateAll((gs: Attributed[]) => gs.map((g) => g.getAttribute('data-state')))).toEqual([
      'Main',
      'AwaitingBotToken',
      'ChoosingBot',
      'AwaitingGreeting',
      'AwaitingBroadcast',
      'Responding',
    ]);
    const added = page.locator('g.edge[data-from="Main"][data-to="AwaitingBotToken"]');
    expect(await added.locator('text').textContent()).toBe('1');
    expect(await added.locator('path').getAttribute('marker-end')).toBe('url(#arrow)');
    expect(await page.locator('g.edge[data-from="AwaitingBotToken"][data-to="Main"] text').textContent()).toBe('1');
    expect(await page.locator('g.node.current').getAttribute('data-state')).toBe('Main');
    expect(await page.locator('g.node.unvisited').count()).toBe(4);
    expect(await page.locator('#current').innerText()).toBe('now: Main');
    // Drawn for real: the arrow has a size on screen.
    const box = await added.locator('path').boundingBox();
    expect(box!.width + box!.height).toBeGreaterThan(20);
  });

  it('verifies the hash chains and says OK', async () => {
    await page.click('#verify-all');
    expect(await settled(verdict, (t) => t.startsWith('OK') || t.startsWith('BROKEN'))).toMatch(
      /^OK — all streams: \d+ event\(s\) in \d+ stream\(s\)/,
    );
    await page.click('#verify-master');
    expect(await settled(verdict, (t) => t.includes('shown in the timeline'))).toMatch(
      /^OK — \d+ stream\(s\) shown in the timeline so far: \d+ event\(s\)/,
    );
  });

  it('never shows a token, an encrypted token or a sealed box', async () => {
    const store = h.app.get<EventStore>(EVENT_STORE);
    const events = await store.readAll({ maxCount: 10_000 });
    const encrypted = events.filter((e) => e.type === 'ClientBotAttached').map((e) => String(e.data.encryptedToken));
    const boxes = events
      .flatMap((e) => Object.values(e.data))
      .filter((v): v is { box: string } => typeof v === 'object' && v !== null && 'box' in v)
      .map((v) => v.box);
    expect(encrypted.length).toBeGreaterThan(0);
    expect(boxes.length).toBeGreaterThan(0);

    const text = await page.locator('body').innerText();
    const html = await page.content();
    expect(text).toContain('[token redacted]');
    expect(text).toContain('[sealed]');
    for (const secret of [
      bot.token,
      bot.token.split(':')[1],
      h.masterBot.token,
      AUDIT_TOKEN,
      'Can I return shoes?',
      'Within 30 days',
      ...encrypted,
      ...boxes,
    ]) {
      expect(text).not.toContain(secret);
      expect(html).not.toContain(secret);
    }
  });

  it('keeps the token for the tab only, and reopens a linked master', async () => {
    await page.reload();
    await page.locator('#timeline tbody tr').first().waitFor();
    expect(page.url()).toContain(`#master=${master.id}`);
    expect(await page.locator('#auth-state').innerText()).toBe('token set');

    await page.click('#forget');
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    const other = await browser.newPage();
    await other.goto(`${h.baseUrl}/audit#master=${master.id}`);
    expect(await other.locator('#auth-state').innerText()).toBe('no token');
    expect(await other.locator('#timeline tbody tr').count()).toBe(0);
    await other.close();
    expect(problems).toEqual([]);
  });
});
