import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../runner/bigint-column';

/**
 * A file a bot already has: (bot, file_unique_id) → that bot's own file_id. file_unique_id is the same
 * for every bot while file_id is per bot, so this is what lets a repeated file skip the transfer.
 */
@Entity('media_cache')
export class MediaCacheRow {
  @PrimaryColumn({ name: 'bot_id', type: 'bigint', transformer: bigintAsNumber })
  botId!: number;

  @PrimaryColumn({ name: 'file_unique_id', type: 'varchar', length: 64 })
  fileUniqueId!: string;

  @Column({ name: 'file_id', type: 'varchar', length: 255 })
  fileId!: string;

  @Column({ name: 'cached_at', type: 'varchar', length: 30 })
  cachedAt!: string;
}
