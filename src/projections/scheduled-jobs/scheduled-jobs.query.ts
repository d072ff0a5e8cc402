import { DataSource, LessThanOrEqual } from 'typeorm';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { ScheduledJobRow } from './scheduled-job.entity';

/** The scheduler's view of `scheduled_jobs`: what is due, and removing a job once it ran. */
export class ScheduledJobsQuery {
  constructor(private readonly dataSource: DataSource) {}

  /** Jobs due at or before `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduledJobRow[]> {
    return exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(ScheduledJobRow).find({
        where: { dueAt: LessThanOrEqual(now.getTime()) },
        order: { dueAt: 'ASC' },
        take: limit,
      }),
    );
  }

  /**
   * Deletes the job only if the projection has not re-scheduled it since it was read (e.g. a renewal
   * moved the Pro expiry while the old one was running): the newer version must survive.
   */
  async remove(job: Pick<ScheduledJobRow, 'id' | 'sourcePosition'>): Promise<void> {
    await exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(ScheduledJobRow).delete({ id: job.id, sourcePosition: job.sourcePosition }),
    );
  }
}
