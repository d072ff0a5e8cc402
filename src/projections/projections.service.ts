import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, EventStore } from '../application/ports/event-store.port';
import { PROJECTIONS } from './projection-registry';
import { ProjectionRunner } from './runner/projection-runner';
import { Projector } from './runner/projector';

export const READ_MODEL_DATA_SOURCE = Symbol('READ_MODEL_DATA_SOURCE');

export const ALL_PROJECTORS = (): Projector[] => PROJECTIONS.map((p) => p.create());

/** Owns the running projections; lets queries wait until a projection has caught up with the store. */
@Injectable()
export class ProjectionsService {
  private readonly logger = new Logger('Projections');
  readonly runners: Map<string, ProjectionRunner>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {
    this.runners = new Map(ALL_PROJECTORS().map((p) => [p.name, new ProjectionRunner(p, store, dataSource)]));
  }

  async start(): Promise<void> {
    for (const runner of this.runners.values()) await runner.start();
    this.logger.log(`started: ${[...this.runners.keys()].join(', ')}`);
  }

  async stop(): Promise<void> {
    for (const runner of this.runners.values()) await runner.stop();
  }

  runner(name: string): ProjectionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`unknown projection ${name}`);
    return runner;
  }

  /**
   * Waits (bounded) until projection `name` includes everything in the store right now. Queries call
   * this on a miss: the read side lags the write side by milliseconds, and a master who replies the
   * instant a relay arrives must not be told the message is unknown. `urgent` (the default: someone is
   * waiting) lets background work go meanwhile if it was waiting for a busy intake (IntakeFirst); background
   * work that catches up (the scheduler) passes false.
   */
  async catchUp(name: string, timeoutMs = 2000, urgent = true): Promise<boolean> {
    const head = await this.store.headPosition();
    return head === null ? true : this.runner(name).waitFor(head, timeoutMs, urgent);
  }
}
