import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Reactions of reactors whose repeats a user would see (relays, replies, notices): recorded as started
 * before the Telegram call and finished right after, so a restart runs again only those in flight.
 * Positions as 20-digit zero-padded text (see ReactorAttemptsStore); a handful of rows per reactor.
 */
export class ReactorAttempts1764500000000 implements MigrationInterface {
  name = 'ReactorAttempts1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'reactor_attempts',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'position', type: 'varchar', length: '20', isPrimary: true },
          { name: 'finished', type: 'smallint', default: 0 },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('reactor_attempts');
  }
}
