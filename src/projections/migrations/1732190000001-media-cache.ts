import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The upload cache (see MediaCacheRow). Portable across MySQL/MariaDB and SQLite: TypeORM's Table API. */
export class MediaCache1732190000001 implements MigrationInterface {
  name = 'MediaCache1732190000001';

  async up(q: QueryRunner): Promise<void> {
    // File ids are case-sensitive base64; MySQL's default collation is not (SQLite compares bytes already).
    const exact = q.connection.options.type === 'mysql' ? { collation: 'utf8mb4_bin' } : {};
    await q.createTable(
      new Table({
        name: 'media_cache',
        columns: [
          { name: 'bot_id', type: 'bigint', isPrimary: true },
          // file_unique_id is short (Telegram: ~16 chars); 64 keeps the composite key within MySQL's index limits.
          { name: 'file_unique_id', type: 'varchar', length: '64', isPrimary: true, ...exact },
          { name: 'file_id', type: 'varchar', length: '255' },
          { name: 'cached_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('media_cache');
  }
}
