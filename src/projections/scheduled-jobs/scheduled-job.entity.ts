import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

export type ScheduledJobKind = 'reminder' | 'pro-expiry';

/**
 * Work that is due at a time, derived from the event history (so a restart or a rebuild never forgets
 * it). Ids are deterministic: `reminder:<botId>-<customerId>:<messageId>`, `pro-expiry:<masterId>`.
 */
@Entity('scheduled_jobs')
@Index('ix_scheduled_jobs_due', ['dueAt'])
@Index('ix_scheduled_jobs_master', ['masterId'])
@Index('ix_scheduled_jobs_conversation', ['conversationId'])
export class ScheduledJobRow {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: ScheduledJobKind;

  /** Epoch milliseconds. */
  @Column({ name: 'due_at', type: 'bigint', transformer: bigintAsNumber })
  dueAt!: number;

  /** JSON of ids only (never content): what the job's command needs. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  /** Reminders: the conversation (`<botId>-<customerId>`) and bot, so a reply or a detach cancels them. */
  @Column({ name: 'conversation_id', type: 'varchar', length: 64, nullable: true })
  conversationId!: string | null;

  @Column({ name: 'bot_id', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  botId!: number | null;

  /** Reminders: when the message was relayed (epoch ms), to re-time the job when the master changes the delay. */
  @Column({ name: 'anchor_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  anchorAt!: number | null;

  /** Global position of the event that last (re)scheduled the job: the scheduler deletes only that version. */
  @Column({ name: 'source_position', type: 'varchar', length: 40 })
  sourcePosition!: string;
}

/** M11: each master's reminder delay, as the projection saw it (so a relay is timed by the setting of its time). */
@Entity('master_reminder_settings')
export class MasterReminderSettingRow {
  @PrimaryColumn({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  @Column({ name: 'delay_seconds', type: 'int' })
  delaySeconds!: number;
}
