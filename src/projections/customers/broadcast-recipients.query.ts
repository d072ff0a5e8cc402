import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BroadcastRecipients } from '../../application/broadcast/broadcast-recipients.port';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { CustomerRow } from './customer.entity';

/** How long planning waits for the `customers` read model to reach the broadcast request. */
const CATCH_UP_MS = 10_000;

@Injectable()
export class BroadcastRecipientsQuery implements BroadcastRecipients {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {}

  /**
   * Waits until the read model includes everything up to the request, so a customer who wrote (or was
   * banned) just before the master sent /broadcast is counted in. If it cannot catch up, this throws
   * and the reactor retries rather than plan from an incomplete list: a plan is final.
   */
  async of(botId: number, masterId: number, atLeast: bigint): Promise<number[]> {
    if (!(await this.projections.runner('customers').waitFor(atLeast, CATCH_UP_MS))) {
      throw new Error(`the customers read model has not reached position ${atLeast} yet`);
    }
    const rows = await exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(CustomerRow).find({
        select: { customerId: true },
        where: { botId, masterId, banned: false, blocked: false },
        order: { customerId: 'ASC' },
      }),
    );
    return rows.map((row) => row.customerId);
  }
}
