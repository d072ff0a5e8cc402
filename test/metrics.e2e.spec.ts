import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';

/** One scrape of `/metrics`, as Prometheus would take it: sample name with labels → value. */
async function scrape(h: AppHarness, token?: string): Promise<Map<string, number>> {
  const response = await fetch(`${h.baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** Polls the scrape until `probe` accepts it (counters move just after the effect a user sees). */
async function scrapeUntil(h: AppHarness, probe: (m: Map<string, number>) => boolean): Promise<Map<string, number>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const samples = await scrape(h);
    if (probe(samples) || Date.now() > deadline) return samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('metrics for Prometheus (webhook mode)', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await AppHarness.start();
  });
  afterAll(async () => h.stop());

  it('after a customer message is relayed and the reply delivered, counts them, times them and shows no lag', async () => {
    const master = await registeredMaster(h, 'Mira');
    const bot = await attachNewBot(h, master, 'mira_metrics_bot');
    const customer = h.fake.createUser({ firstName: 'Nils' });
    const relayed = await customerWrites(h, bot, customer, master, 'Where is my parcel?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'It left today.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.text === 'It left today.');

    const m = await scrapeUntil(
      h,
      (s) =>
        s.get('feedbackbots_deliveries_total{outcome="delivered"}') === 1 &&
        s.get('feedbackbots_consumer_lag_events{consumer="reactor:delivery"}') === 0 &&
        // Read models commit in groups at most every 50 ms: the projection catches up a moment after the reactors.
        s.get('feedbackbots_consumer_lag_seconds{consumer="projection:message_refs"}') === 0,
    );
    expect(m.get('feedbackbots_relays_total{outcome="relayed"}')).toBe(1);
    expect(m.get('feedbackbots_deliveries_total{outcome="delivered"}')).toBe(1);
    expect(m.get('feedbackbots_relay_latency_seconds_count')).toBe(1);
    expect(m.get('feedbackbots_relay_latency_seconds_bucket{le="+Inf"}')).toBe(1);
    // The customer's message and nothing else came through the client bot's webhook.
    expect(m.get('feedbackbots_updates_received_total{transport="webhook",bot="client"}')).toBe(1);
    expect(m.get('feedbackbots_updates_recorded_total{transport="webhook",bot="client"}')).toBe(1);
    // /start, /add, the token, the reply.
    expect(m.get('feedbackbots_updates_recorded_total{transport="webhook",bot="master"}')).toBe(4);
    expect(m.get('feedbackbots_telegram_calls_total{method="getMe",status="200"}')).toBe(1);
    expect(m.get('feedbackbots_telegram_calls_total{method="sendMessage",status="200"}')).toBeGreaterThanOrEqual(4);
    expect(m.get('feedbackbots_event_store_append_seconds_count{result="ok"}')).toBeGreaterThanOrEqual(6);
    expect(m.get('feedbackbots_consumer_lag_events{consumer="reactor:relay"}')).toBe(0);
    expect(m.get('feedbackbots_consumer_lag_seconds{consumer="projection:message_refs"}')).toBe(0);
    expect(m.has('process_resident_memory_bytes')).toBe(true);
  });

  it('counts webhook calls it refuses, by cause', async () => {
    expect((await h.postWebhook('/telegram/master', { update_id: 1 }, 'wrong-secret')).status).toBe(401);
    expect((await h.postWebhook('/telegram/client/123456789', { update_id: 1 }, h.secretFor('123456789'))).status).toBe(404);
    expect((await h.postWebhook('/telegram/master', '{"update_id":', h.secretFor('master'))).status).toBe(400);
    const m = await scrape(h);
    expect(m.get('feedbackbots_updates_rejected_total{transport="webhook",bot="master",cause="wrong_secret"}')).toBe(1);
    expect(m.get('feedbackbots_updates_rejected_total{transport="webhook",bot="client",cause="unknown_bot"}')).toBe(1);
    expect(m.get('feedbackbots_updates_rejected_total{transport="webhook",bot="master",cause="malformed"}')).toBe(1);
  });

  it('shows a 429 from Telegram by method and status, and the relay that waited it out', async () => {
    const master = await registeredMaster(h, 'Otto');
    const bot = await attachNewBot(h, master, 'otto_metrics_bot');
    const customer = h.fake.createUser({ firstName: 'Pia' });
    h.fake.failNext(h.masterBot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }, 1);
    h.fake.userSends(bot.id, customer.id, 'Hello after a flood');
    await masterBotSays(h, master, 'Hello after a flood');

    const m = await scrapeUntil(h, (s) => s.get('feedbackbots_relays_total{outcome="relayed"}') === 2);
    expect(m.get('feedbackbots_telegram_calls_total{method="sendMessage",status="429"}')).toBe(1);
    expect(m.get('feedbackbots_relays_total{outcome="relayed"}')).toBe(2);
  });
});

describe('metrics for Prometheus (polling mode, METRICS_TOKEN set)', () => {
  const token = 'metrics-token-for-the-scraper';
  let h: AppHarness;
  beforeAll(async () => {
    h = await AppHarness.start({ mode: 'polling', env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => h.stop());

  it('requires the bearer token, and counts polled updates', async () => {
    expect((await fetch(`${h.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: 'Bearer guessed-token-xxxxxxxx' } })).status).toBe(401);
    await registeredMaster(h, 'Quin');
    const m = await scrape(h, token);
    expect(m.get('feedbackbots_updates_recorded_total{transport="polling",bot="master"}')).toBe(1);
    expect(m.get('feedbackbots_updates_received_total{transport="polling",bot="master"}')).toBe(1);
  });
});
