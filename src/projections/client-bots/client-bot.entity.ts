import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

@Entity('client_bots')
@Index('ix_client_bots_master', ['masterId'])
export class ClientBotRow {
  @PrimaryColumn({ name: 'bot_id', type: 'bigint', transformer: bigintAsNumber })
  botId!: number;

  @Column({ name: 'master_id', type: 'bigint', transformer: bigintAsNumber })
  masterId!: number;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** AES-256-GCM ciphertext; the plaintext token is never stored. */
  @Column({ name: 'encrypted_token', type: 'varchar', length: 255 })
  encryptedToken!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'attached' | 'detached';

  @Column({ name: 'attached_at', type: 'varchar', length: 30 })
  attachedAt!: string;

  /** Pro ended and Free does not cover this bot: kept, not relaying. */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** Its token was revoked in @BotFather (Telegram answers 401). */
  @Column({ type: 'boolean', default: false })
  broken!: boolean;

  /** M9: JSON of the Sealed greeting (`{ text }` under `bot-<botId>`), null for the default one. */
  @Column({ type: 'text', nullable: true })
  greeting!: string | null;

  @Column({ name: 'received_count', type: 'int', default: 0 })
  receivedCount!: number;

  @Column({ name: 'answered_count', type: 'int', default: 0 })
  answeredCount!: number;
}
