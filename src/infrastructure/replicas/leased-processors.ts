import { ReactorAttemptsFile } from '../../processing/reactor-attempts.store';
import { DataSource } from 'typeorm';
import { EventStore } from '../../application/ports/event-store.port';
import { Reactor } from '../../application/reactors/reactor';
import { ConsumerProgress } from '../../processing/consumer-progress';
import { LeasedWork, LeaseKeeper } from '../../processing/leases/lease-keeper';
import { HeldLease } from '../../processing/leases/processor-lease.store';
import { ProjectionRunner } from '../../projections/runner/projection-runner';
import { ReactorRunner } from '../reactors/reactor-runner';

/** The token of the keeper of a replica's leases: `null` with one instance (embedded stores), where no lease is needed. */
export const LEASE_KEEPER = Symbol('LEASE_KEEPER');

/** Lease names: the checkpoint's name, so an operator reads one word for both. */
export const INTAKE_LEASE = 'telegram-intake';
export const SCHEDULER_LEASE = 'scheduler';
export const projectionLease = (name: string): string => `projection:${name}`;

/**
 * A projection run under its lease: started with the lease's fence (each batch checks it), stopped when
 * the lease is lost. While another replica runs it, queries here wait on its stored checkpoint
 * (ProjectionRunner.waitFor).
 */
export function leasedProjection(runner: ProjectionRunner, keeper: LeaseKeeper): LeasedWork {
  runner.progress.runsHere = false;
  return {
    name: projectionLease(runner.projector.name),
    start: async (lease) => {
      await runner.start(keeper.fence(lease));
      runner.progress.runsHere = true;
    },
    stop: async () => {
      runner.progress.runsHere = false;
      await runner.stop();
    },
  };
}

/**
 * A reactor run under its lease: a new runner for every holding (a stopped runner is never restarted),
 * which reads the checkpoint and the finished set the previous owner left, and fences every checkpoint
 * write with the lease. What the previous owner had in flight runs again here (at-least-once).
 */
export class LeasedReactor implements LeasedWork {
  readonly name: string;
  private runner?: ReactorRunner;
  private readonly elsewhere: ConsumerProgress;

  constructor(
    private readonly reactor: Reactor,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly keeper: LeaseKeeper,
    /** Shared by the replicas of one host (DATA_DIR): a new owner sees what a dead one had in flight. */
    private readonly attempts?: ReactorAttemptsFile,
  ) {
    this.name = `reactor:${reactor.name}`;
    this.elsewhere = new ConsumerProgress(this.name);
    this.elsewhere.runsHere = false;
    this.elsewhere.longRunning = reactor.longRunning ?? false;
  }

  /** The running runner's progress; while another replica runs it, a still one marked `runsHere: false`. */
  get progress(): ConsumerProgress {
    return this.runner?.progress ?? this.elsewhere;
  }

  async start(lease: HeldLease): Promise<void> {
    const runner = new ReactorRunner(this.reactor, this.store, this.dataSource, {
      fence: this.keeper.fence(lease),
      attempts: this.attempts,
    });
    runner.progress.runsHere = true;
    await runner.start();
    this.runner = runner;
  }

  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }
}

/** Start and stop of something with no checkpoint (Telegram intake, the scheduler) under a lease. */
export function leasedService(name: string, start: () => Promise<void>, stop: () => Promise<void>): LeasedWork {
  return { name, start: () => start(), stop };
}
