import { NewEvent } from '../src/application/ports/event-store.port';
import { AppMetrics } from '../src/infrastructure/observability/app-metrics';
import { OutcomeMetrics } from '../src/infrastructure/observability/outcome-metrics';

const received = (id: string): NewEvent =>
  ({ id, type: 'CustomerMessageReceived', data: {}, metadata: { occurredAt: new Date().toISOString() } }) as unknown as NewEvent;
const relayed = (cause: string): NewEvent =>
  ({ id: `relayed-${cause}`, type: 'MessageRelayed', data: {}, metadata: { causationId: cause } }) as unknown as NewEvent;

/** The relay-latency histogram's bookkeeping: what an operator reads on /metrics during and after a backlog. */
describe('OutcomeMetrics: relay latency over a backlog', () => {
  const timedRelays = async (metrics: AppMetrics): Promise<number> =>
    (await metrics.relayLatency.get()).values.find((v) => v.metricName === 'feedbackbots_relay_latency_seconds_count')?.value ?? 0;

  it('times relays of messages received during a backlog of 10,000 unrelayed ones; only the oldest are forgotten', async () => {
    const metrics = new AppMetrics();
    const outcomes = new OutcomeMetrics(metrics);
    for (let i = 0; i < 10_500; i++) outcomes.appended([received(`m${i}`)]);
    // Relaying all of them: the oldest thousand were let go (counted, not timed), the rest are timed.
    for (let i = 0; i < 10_500; i++) outcomes.appended([relayed(`m${i}`)]);
    expect(await timedRelays(metrics)).toBe(9_500);
    const count = (await metrics.relays.get()).values.find((v) => v.labels.outcome === 'relayed')?.value;
    expect(count).toBe(10_500);
  });
});
