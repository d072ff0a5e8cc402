import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BannedCustomer, BannedCustomers } from '../../application/ports/read-models.port';
import { Sealed } from '../../domain/shared/sealed';
import { ClientBotRow } from '../client-bots/client-bot.entity';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { BannedCustomerRow } from './banned-customer.entity';

@Injectable()
export class BannedCustomersQuery implements BannedCustomers {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {}

  /** Up to date with everything recorded before the call (a /banned right after a ban lists it). */
  async of(masterId: number): Promise<BannedCustomer[]> {
    await this.projections.catchUp('banned_customers');
    return exclusiveOnSqlite(this.dataSource, async () => {
      const rows = await this.dataSource.getRepository(BannedCustomerRow).find({ where: { masterId }, order: { bannedAt: 'ASC' } });
      const bots = await this.dataSource.getRepository(ClientBotRow).findBy({ masterId });
      const username = new Map(bots.map((b) => [b.botId, b.username]));
      return rows.map((row) => ({
        botId: row.botId,
        botUsername: username.get(row.botId) ?? String(row.botId),
        customerId: row.customerId,
        name: JSON.parse(row.name) as Sealed,
        bannedAt: row.bannedAt,
      }));
    });
  }
}
