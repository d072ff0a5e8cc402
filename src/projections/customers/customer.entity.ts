import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

/**
 * One customer of one client bot: who a broadcast (M10) goes to. Ids and flags only — names and
 * messages stay sealed in the conversation's events.
 */
@Entity('customers')
@Index('ix_customers_master', ['masterId'])
export class CustomerRow {
  @PrimaryColumn({ name: 'bot_id', type: 'bigint', transformer: bigintAsNumber })
  botId!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'bigint', transformer: bigintAsNumber })
  customerId!: number;

  @Column({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  @Column({ name: 'first_seen_at', type: 'varchar', length: 30 })
  firstSeenAt!: string;

  /** Null for a customer who only pressed /start. */
  @Column({ name: 'last_message_at', type: 'varchar', length: 30, nullable: true })
  lastMessageAt!: string | null;

  /** The customer blocked the bot (Telegram told us, or answered 403): broadcasts skip them. */
  @Column({ type: 'boolean', default: false })
  blocked!: boolean;

  /** M6: the master banned them: broadcasts skip them. */
  @Column({ type: 'boolean', default: false })
  banned!: boolean;
}
