import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * What each reactor finished above its checkpoint (its lanes finish out of order), so a restart runs
 * again only the reactions that had not finished. Up to a runner's pending bound of positions: MEDIUMTEXT on MySQL.
 */
export class ReactorFinished1764300000000 implements MigrationInterface {
  name = 'ReactorFinished1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    await q.createTable(
      new Table({
        name: 'reactor_finished',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'positions', type: mysql ? 'mediumtext' : 'text' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('reactor_finished');
  }
}
