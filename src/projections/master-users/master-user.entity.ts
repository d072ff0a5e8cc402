import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

@Entity('master_users')
export class MasterUserRow {
  @PrimaryColumn({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  @Column({ name: 'first_name', type: 'varchar', length: 128 })
  firstName!: string;

  @Column({ type: 'varchar', length: 32 })
  state!: string;

  @Column({ name: 'registered_at', type: 'varchar', length: 30 })
  registeredAt!: string;

  @Column({ name: 'client_bot_count', type: 'int', default: 0 })
  clientBotCount!: number;
}
