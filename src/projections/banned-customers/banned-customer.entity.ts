import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

/** M6: a customer a master banned from one of their bots. The name stays sealed (crypto-shredding applies). */
@Entity('banned_customers')
@Index('ix_banned_customers_master', ['masterId'])
export class BannedCustomerRow {
  @PrimaryColumn({ name: 'bot_id', type: 'bigint', transformer: bigintAsNumber })
  botId!: number;

  @PrimaryColumn({ name: 'customer_id', type: 'bigint', transformer: bigintAsNumber })
  customerId!: number;

  @Column({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  /** JSON of the Sealed `{ name }` under the conversation's key. */
  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'banned_at', type: 'varchar', length: 30 })
  bannedAt!: string;
}
