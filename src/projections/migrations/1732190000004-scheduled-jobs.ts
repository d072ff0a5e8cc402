import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Scheduled jobs (reminders, Pro expiry) and reminder settings. Portable: TypeORM Table API only. */
export class ScheduledJobs1732190000004 implements MigrationInterface {
  name = 'ScheduledJobs1732190000004';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'scheduled_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '100', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'due_at', type: 'bigint' },
          { name: 'payload', type: 'text' },
          { name: 'master_id', type: 'bigint' },
          { name: 'conversation_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'bot_id', type: 'bigint', isNullable: true },
          { name: 'anchor_at', type: 'bigint', isNullable: true },
          { name: 'source_position', type: 'varchar', length: '40' },
        ],
      }),
    );
    await q.createIndex('scheduled_jobs', new TableIndex({ name: 'ix_scheduled_jobs_due', columnNames: ['due_at'] }));
    await q.createIndex('scheduled_jobs', new TableIndex({ name: 'ix_scheduled_jobs_master', columnNames: ['master_id'] }));
    await q.createIndex('scheduled_jobs', new TableIndex({ name: 'ix_scheduled_jobs_conversation', columnNames: ['conversation_id'] }));
    await q.createTable(
      new Table({
        name: 'master_reminder_settings',
        columns: [
          { name: 'master_id', type: 'bigint', isPrimary: true },
          { name: 'delay_seconds', type: 'int' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('master_reminder_settings');
    await q.dropTable('scheduled_jobs');
  }
}
