import { Controller, Get, Inject } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store.port';
import { ProjectionsService } from '../../projections/projections.service';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
  ) {}

  /** Liveness plus how far each projection trails the event store (positions, not seconds). */
  @Get()
  async health() {
    const head = await this.store.headPosition();
    const projections = Object.fromEntries(
      [...this.projections.runners.entries()].map(([name, runner]) => [name, runner.checkpoint?.toString() ?? null]),
    );
    return { status: 'ok', head: head?.toString() ?? null, projections };
  }
}
