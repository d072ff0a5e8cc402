import { Injectable, OnModuleInit, Provider } from '@nestjs/common';
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

/** Installs what needs the running app: the webhook counters on the HTTP server, the lag gauges. */
@Injectable()
export class ObservabilityHooks implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: AppMetrics,
    private readonly consumers: ConsumerStatus,
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
        for (const s of await snapshot()) this.set({ consumer: s.name }, s.lagEvents);
      },
    });
    new Gauge({
      name: 'feedbackbots_consumer_lag_seconds',
      help: 'Age of the oldest event a projection or reactor has not handled yet (0 when caught up)',
      labelNames,
      registers,
      async collect() {
        for (const s of await snapshot()) this.set({ consumer: s.name }, s.lagSeconds);
      },
    });
  }
}

export const OBSERVABILITY_CONTROLLERS = [HealthController, MetricsController];

/** Health (terminus indicators), metrics (one registry per app) and the hooks that feed them. */
export function observabilityProviders(config: AppConfig): Provider[] {
  return [
    { provide: AppMetrics, useValue: new AppMetrics() },
    { provide: HEALTH_TOKEN, useValue: config.observability.healthToken },
    { provide: METRICS_TOKEN, useValue: config.observability.metricsToken },
    { provide: HEALTH_FAILING_AFTER_SECONDS, useValue: config.observability.healthFailingAfterSeconds },
    ConsumerStatus,
    Readiness,
    ObservabilityHooks,
  ];
}
