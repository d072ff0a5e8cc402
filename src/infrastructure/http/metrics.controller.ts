import { Controller, Get, Header, Headers, Inject, UnauthorizedException } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AppMetrics } from '../observability/app-metrics';
import { secretsMatch } from '../telegram/webhook-admission';

export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * Prometheus scrape endpoint. Open by default, as exporters usually are (it shows counts and latencies,
 * no ids, no content); with METRICS_TOKEN set it requires `Authorization: Bearer <METRICS_TOKEN>`.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: AppMetrics,
    @Inject(METRICS_TOKEN) private readonly token: string | null,
  ) {}

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.token !== null && !secretsMatch(authorization, `Bearer ${this.token}`))
      throw new UnauthorizedException('metrics require Authorization: Bearer <METRICS_TOKEN>');
    return this.metrics.registry.metrics();
  }
}
