import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

/**
 * A relayed message as the master sees it. Keyed by the master's chat AND the relayed message id:
 * Telegram message ids are per chat, so an id alone would let one tenant answer another's customer.
 */
@Entity('message_refs')
export class MessageRefRow {
  @PrimaryColumn({ name: 'master_chat_id', type: 'bigint', transformer: bigintAsNumber })
  masterChatId!: number;

  @PrimaryColumn({ name: 'relayed_message_id', type: 'bigint', transformer: bigintAsNumber })
  relayedMessageId!: number;

  @Column({ name: 'bot_id', type: 'bigint', transformer: bigintAsNumber })
  botId!: number;

  @Column({ name: 'customer_id', type: 'bigint', transformer: bigintAsNumber })
  customerId!: number;

  @Column({ name: 'customer_message_id', type: 'bigint', transformer: bigintAsNumber })
  customerMessageId!: number;

  @Column({ name: 'conversation_id', type: 'varchar', length: 64 })
  conversationId!: string;

  @Column({ name: 'relayed_at', type: 'varchar', length: 30 })
  relayedAt!: string;

  @Column({ name: 'answered_at', type: 'varchar', length: 30, nullable: true })
  answeredAt!: string | null;
}
