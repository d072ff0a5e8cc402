import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * One row per processor (projection, reactor, Telegram intake, scheduler) that several replicas could
 * run: who may run it now, until when, and the fencing token its writes must carry (see
 * processing/leases). Created on SQLite too, where a single instance never needs it, so both dialects
 * keep one schema.
 */
export class ProcessorLeases1764400000000 implements MigrationInterface {
  name = 'ProcessorLeases1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    await q.createTable(
      new Table({
        name: 'processor_leases',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'owner', type: 'varchar', length: '200', default: "''" },
          { name: 'fencing_token', type: 'bigint', default: 0 },
          { name: 'expires_at', type: mysql ? 'datetime' : 'varchar', ...(mysql ? { precision: 3 } : { length: '40' }) },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('processor_leases');
  }
}
