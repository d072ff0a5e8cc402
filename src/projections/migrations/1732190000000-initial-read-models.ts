import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Portable across MySQL/MariaDB and SQLite: built with TypeORM's Table API, not dialect SQL. */
export class InitialReadModels1732190000000 implements MigrationInterface {
  name = 'InitialReadModels1732190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'projection_checkpoints',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'position', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'master_users',
        columns: [
          { name: 'master_id', type: 'bigint', isPrimary: true },
          { name: 'first_name', type: 'varchar', length: '128' },
          { name: 'state', type: 'varchar', length: '32' },
          { name: 'registered_at', type: 'varchar', length: '30' },
          { name: 'client_bot_count', type: 'int', default: 0 },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'client_bots',
        columns: [
          { name: 'bot_id', type: 'bigint', isPrimary: true },
          { name: 'master_id', type: 'bigint' },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'encrypted_token', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attached_at', type: 'varchar', length: '30' },
          { name: 'received_count', type: 'int', default: 0 },
          { name: 'answered_count', type: 'int', default: 0 },
        ],
      }),
    );
    await q.createIndex('client_bots', new TableIndex({ name: 'ix_client_bots_master', columnNames: ['master_id'] }));
    await q.createTable(
      new Table({
        name: 'message_refs',
        columns: [
          { name: 'master_chat_id', type: 'bigint', isPrimary: true },
          { name: 'relayed_message_id', type: 'bigint', isPrimary: true },
          { name: 'bot_id', type: 'bigint' },
          { name: 'customer_id', type: 'bigint' },
          { name: 'customer_message_id', type: 'bigint' },
          { name: 'conversation_id', type: 'varchar', length: '64' },
          { name: 'relayed_at', type: 'varchar', length: '30' },
          { name: 'answered_at', type: 'varchar', length: '30', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['message_refs', 'client_bots', 'master_users', 'projection_checkpoints']) await q.dropTable(table);
  }
}
