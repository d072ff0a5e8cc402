import { Controller, Get, Headers, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { secretsMatch } from '../telegram/webhook-admission';
import { Readiness } from '../observability/readiness';

export const HEALTH_TOKEN = Symbol('HEALTH_TOKEN');

/**
 * Liveness (`/health/live`: the process serves HTTP) and readiness (`/health/ready`, and `/health` as
 * its alias for Docker's healthcheck and older probes): 503 when the event store or the read-model
 * database does not answer, or a projection or reactor has been failing too long (see Readiness).
 *
 * These routes face the internet with the webhooks, so they show only up/down per component. Positions,
 * heads and error texts are shown to `Authorization: Bearer <HEALTH_TOKEN>` only.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private wasReady = true;

  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
    @Inject(HEALTH_TOKEN) private readonly token: string | null,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  alias(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    return this.ready(authorization);
  }

  @Get('ready')
  async ready(@Headers('authorization') authorization?: string): Promise<HealthCheckResult> {
    const detailed = this.token !== null && secretsMatch(authorization, `Bearer ${this.token}`);
    try {
      const result = await this.health.check([
        () => this.readiness.eventStore(),
        () => this.readiness.readModels(),
        () => this.readiness.projectionsAndReactors(),
        () => Promise.resolve(this.readiness.replica()),
      ]);
      this.noteChange(result);
      return detailed ? result : statusOnly(result);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      this.noteChange(result);
      throw new ServiceUnavailableException(detailed ? result : statusOnly(result));
    }
  }

  /** One log line when readiness changes, naming what is down (the operator's log tells the story). */
  private noteChange(result: HealthCheckResult): void {
    const ready = result.status === 'ok';
    if (ready === this.wasReady) return;
    this.wasReady = ready;
    if (ready) this.logger.log('ready again: every component is up');
    else this.logger.warn(`not ready: ${Object.keys(result.error ?? {}).join(', ')} down`);
  }
}

/** The same answer with each component reduced to `{ status }`. */
function statusOnly(result: HealthCheckResult): HealthCheckResult {
  const strip = (part: Partial<HealthIndicatorResult> | undefined): HealthIndicatorResult | undefined =>
    part && Object.fromEntries(Object.entries(part).flatMap(([key, value]) => (value ? [[key, { status: value.status }]] : [])));
  return { status: result.status, info: strip(result.info), error: strip(result.error), details: strip(result.details) ?? {} };
}
