import { Inject, Injectable, OnModuleInit, Optional, Provider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { HEALTH_TOKEN, HealthController } from '../http/health.controller';
import { METRICS_TOKEN, MetricsController } from '../http/metrics.controller';
import { AppMetrics } from './app-metrics';
import { ConsumerSnapshot, ConsumerStatus } from './consumer-status';
import { HEALTH_FAILING_AFTER_SECONDS, Readiness } from './readiness';
import { countWebhookUpdates } from './update-metrics';
import { LeaseKeeper } from '../../processing/leases/lease-keeper';
import { LEASE_KEEPER } from '../replicas/leased-processors';

/** Installs what needs the running app: the webhook counters on the HTTP server, the lag gauges. */
@Injectable()
export class ObservabilityHooks implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: AppMetrics,
    private readonly consumers: ConsumerStatus,
    @Optional() @Inject(LEASE_KEEPER) private readonly leases?: LeaseKeeper | null,
  ) {}

  onModuleInit(): void {
    countWebhookUpdates(this.adapter.httpAdapter.getInstance<FastifyInstance>(), this.metrics);
    const registers = [this.metrics.registry];
    const labelNames = ['consumer'] as const;
    // A store that cannot be read leaves the gauges as they were (readiness reports it), never fails the scrape.
    const snapshot = () => this.consumers.recentSnapshot().catch((): ConsumerSnapshot[] => []);
    new Gauge({
      name: 'feedbackbots_consumer_lag_events',
      help: 'Events recorded that a projection or reactor has not handled yet (counted up to 1000)',
      labelNames,
      registers,
      async collect() {
        for (const s of await snapshot()) if (s.runsHere !== false) this.set({ consumer: s.name }, s.lagEvents);
      },
    });
    new Gauge({
      name: 'feedbackbots_consumer_lag_seconds',
      help: 'Age of the oldest event a projection or reactor has not handled yet (0 when caught up)',
      labelNames,
      registers,
      async collect() {
        for (const s of await snapshot()) if (s.runsHere !== false) this.set({ consumer: s.name }, s.lagSeconds);
      },
    });
    const leases = this.leases;
    if (leases)
      new Gauge({
        name: 'feedbackbots_replica_runs',
        help: 'With replicas: 1 for each processor (projection, reactor, telegram-intake, scheduler) this replica runs now, 0 for those another replica runs',
        labelNames: ['processor'] as const,
        registers,
        collect() {
          for (const name of leases.names()) this.set({ processor: name }, leases.isOwned(name) ? 1 : 0);
        },
      });
  }
}

export const OBSERVABILITY_CONTROLLERS = [HealthController, MetricsController];

/** Health (terminus indicators) and the hooks that feed the metrics (the one AppMetrics registry is the core module's). */
export function observabilityProviders(config: AppConfig): Provider[] {
  return [
    { provide: HEALTH_TOKEN, useValue: config.observability.healthToken },
    { provide: METRICS_TOKEN, useValue: config.observability.metricsToken },
    { provide: HEALTH_FAILING_AFTER_SECONDS, useValue: config.observability.healthFailingAfterSeconds },
    ConsumerStatus,
    Readiness,
    ObservabilityHooks,
  ];
}
