import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** M10: the customers of each client bot (broadcast recipients). Portable (Table API). */
export class Customers1732190000003 implements MigrationInterface {
  name = 'Customers1732190000003';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          { name: 'bot_id', type: 'bigint', isPrimary: true },
          { name: 'customer_id', type: 'bigint', isPrimary: true },
          { name: 'master_id', type: 'bigint' },
          { name: 'first_seen_at', type: 'varchar', length: '30' },
          { name: 'last_message_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'blocked', type: 'boolean', default: false },
          { name: 'banned', type: 'boolean', default: false },
        ],
      }),
    );
    await q.createIndex('customers', new TableIndex({ name: 'ix_customers_master', columnNames: ['master_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('customers');
  }
}
