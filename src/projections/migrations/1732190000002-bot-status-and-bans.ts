import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Client bots get paused/broken flags and a greeting; banned customers get their table. Portable (Table API). */
export class BotStatusAndBans1732190000002 implements MigrationInterface {
  name = 'BotStatusAndBans1732190000002';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('client_bots', [
      new TableColumn({ name: 'paused', type: 'boolean', default: false }),
      new TableColumn({ name: 'broken', type: 'boolean', default: false }),
      new TableColumn({ name: 'greeting', type: 'text', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'banned_customers',
        columns: [
          { name: 'bot_id', type: 'bigint', isPrimary: true },
          { name: 'customer_id', type: 'bigint', isPrimary: true },
          { name: 'master_id', type: 'bigint' },
          { name: 'name', type: 'text' },
          { name: 'banned_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createIndex('banned_customers', new TableIndex({ name: 'ix_banned_customers_master', columnNames: ['master_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('banned_customers');
    for (const column of ['greeting', 'broken', 'paused']) await q.dropColumn('client_bots', column);
  }
}
