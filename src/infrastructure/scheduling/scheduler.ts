import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AggregateStore } from '../../application/command-handling/aggregate-store';
import { APP_SETTINGS, AppSettings } from '../../application/ports/app-settings.port';
import { Clock, CLOCK } from '../../application/ports/clock.port';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../../projections/projections.service';
import { ScheduledJobRow } from '../../projections/scheduled-jobs/scheduled-job.entity';
import { ProExpiryJobPayload, ReminderJobPayload } from '../../projections/scheduled-jobs/scheduled-jobs.projector';
import { ScheduledJobsQuery } from '../../projections/scheduled-jobs/scheduled-jobs.query';

/** Jobs run per tick at most; the rest wait for the next tick (a backlog after an outage drains over a few). */
const JOBS_PER_TICK = 500;
/** How long a tick waits for `scheduled_jobs` to reach the store's head before giving the tick up. */
const CATCH_UP_MS = 1000;

/**
 * Runs due jobs from the `scheduled_jobs` read model every SCHEDULER_INTERVAL_MS: a Pro expiry becomes
 * `ExpirePro` on the master's stream, a reminder `IssueReminder` on the conversation's. The jobs come
 * from the event history, so nothing is forgotten across restarts; a job that came due while the app
 * was down runs on the first tick after start.
 *
 * At-least-once, with one effect: the causation id is `schedule:<job id>@<due time>`, so running a job
 * twice (crash before its row is deleted, two app instances) is deduplicated by the stream, and the
 * domain re-checks the job still makes sense (renewed meanwhile? answered meanwhile?) before acting.
 * The due time is part of the id because a job id recurs: a master's Pro can expire again next year.
 *
 * A tick first waits (up to CATCH_UP_MS) for `scheduled_jobs` to include everything recorded before it, and
 * runs nothing when it does not: a job is never run from a read model that has not yet seen what made it
 * moot. Only some moot jobs are caught by the domain's re-check (answered, renewed); `/reminders off` lives
 * on the master's stream, which the conversation's `IssueReminder` never reads.
 *
 * WARNING: jobs run late by up to one interval, and later still while the projection lags (or is stuck:
 * then none run at all, and readiness reports the projection). A job whose command keeps failing is
 * retried every tick and logged.
 */
@Injectable()
export class Scheduler {
  private readonly logger = new Logger('Scheduler');
  private readonly jobs: ScheduledJobsQuery;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private active = false;
  /** Set while ticks are given up for a lagging read model, so the streak is logged once. */
  private lagging = false;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    @Inject(READ_MODEL_DATA_SOURCE) dataSource: DataSource,
    private readonly aggregates: AggregateStore,
    private readonly projections: ProjectionsService,
  ) {
    this.jobs = new ScheduledJobsQuery(dataSource);
  }

  /** Runs a first tick at once, then one every interval (ticks never overlap). */
  start(): void {
    this.active = true;
    this.schedule(0);
  }

  /** Waits for a tick in progress, then stops. */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Resolves when the tick in progress (if any) is over: every later tick reads the clock afresh. A test
   * that sets its clock back waits for this, or a tick that read the old time could still run jobs by it.
   */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Runs every job due now; returns how many ran. */
  async runDueJobs(): Promise<number> {
    const now = this.clock.now();
    // Not urgent: the scheduler is background work, it does not lift a busy intake's wait (IntakeFirst).
    if (!(await this.projections.catchUp('scheduled_jobs', CATCH_UP_MS, false).catch(() => false))) {
      if (!this.lagging) this.logger.warn(`scheduled_jobs is behind the history: due jobs wait until it catches up`);
      this.lagging = true;
      return 0;
    }
    this.lagging = false;
    const due = await this.jobs.due(now, JOBS_PER_TICK);
    let ran = 0;
    for (const job of due) {
      if (this.timer !== undefined && !this.active) break; // stopping: the rest runs after the restart
      try {
        await this.execute(job, now);
        await this.jobs.remove(job);
        ran++;
      } catch (error) {
        this.logger.error(`job ${job.id} failed (retried next tick): ${String(error)}`);
      }
    }
    return ran;
  }

  private schedule(delayMs: number): void {
    if (!this.active) return;
    this.timer = setTimeout(() => {
      this.running = this.runDueJobs()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`tick failed: ${String(error)}`))
        .finally(() => this.schedule(this.settings.schedulerIntervalMs));
    }, delayMs);
  }

  private async execute(job: ScheduledJobRow, now: Date): Promise<void> {
    const origin: CommandOrigin = {
      causationId: `schedule:${job.id}@${new Date(job.dueAt).toISOString()}`,
      correlationId: `schedule:${job.id}`,
      occurredAt: now.toISOString(),
    };
    switch (job.kind) {
      case 'pro-expiry': {
        const { masterId } = JSON.parse(job.payload) as ProExpiryJobPayload;
        const command = { type: 'ExpirePro' as const, masterId, now: now.toISOString(), limits: this.settings.planLimits };
        await this.aggregates.handle(masterStreamId(masterId), masterUserDecider, command, origin);
        return;
      }
      case 'reminder': {
        const { botId, customerId, masterId, messageId } = JSON.parse(job.payload) as ReminderJobPayload;
        const command = { type: 'IssueReminder' as const, botId, customerId, masterId, messageId };
        await this.aggregates.handle(conversationStreamId(botId, customerId), conversationDecider, command, origin);
        return;
      }
      default:
        this.logger.warn(`job ${String(job.id)} has an unknown kind ${String(job.kind)}; dropping it`);
    }
  }
}
