import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BotDirectory, BotStats, ClientBotRecord } from '../../application/ports/read-models.port';
import { Sealed } from '../../domain/shared/sealed';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { ClientBotRow } from './client-bot.entity';

/**
 * Client bots from the `client_bots` read model, cached in memory and invalidated whenever the
 * projection commits a change to a bot (every webhook call looks its bot up).
 */
@Injectable()
export class BotDirectoryQuery implements BotDirectory {
  private readonly cache = new Map<number, ClientBotRecord>();

  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {
    // A rebuild swapped the table in: any cached record may differ from the new rows.
    projections.runner('client_bots').onRestarted(() => this.cache.clear());
    projections.runner('client_bots').onCommitted((events) => {
      for (const event of events) {
        if (event.type === 'ProExpired' || event.type === 'ProActivated') {
          const ids = event.type === 'ProExpired' ? event.data.pausedBotIds : event.data.resumedBotIds;
          for (const id of ids as number[]) this.cache.delete(id);
        } else if (CHANGES_A_BOT.has(event.type)) this.cache.delete(Number(event.data.botId));
      }
    });
  }

  async get(botId: number, atLeast?: bigint): Promise<ClientBotRecord | null> {
    if (atLeast !== undefined) await this.projections.runner('client_bots').waitFor(atLeast);
    const cached = this.cache.get(botId);
    if (cached) return cached;
    let row = await this.load(botId);
    if (!row && (await this.projections.catchUp('client_bots'))) row = await this.load(botId);
    if (row) this.cache.set(botId, row);
    return row;
  }

  async listAttached(): Promise<ClientBotRecord[]> {
    const rows = await exclusiveOnSqlite(this.dataSource, () => this.dataSource.getRepository(ClientBotRow).findBy({ status: 'attached' }));
    return rows.map(toRecord);
  }

  async statsOf(masterId: number): Promise<BotStats[]> {
    await this.projections.catchUp('client_bots');
    const rows = await exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(ClientBotRow).find({ where: { masterId, status: 'attached' }, order: { attachedAt: 'ASC' } }),
    );
    return rows.map(({ botId, username, paused, broken, receivedCount, answeredCount }) => ({
      botId,
      username,
      paused,
      broken,
      receivedCount,
      answeredCount,
    }));
  }

  private async load(botId: number): Promise<ClientBotRecord | null> {
    const row = await exclusiveOnSqlite(this.dataSource, () => this.dataSource.getRepository(ClientBotRow).findOneBy({ botId }));
    return row ? toRecord(row) : null;
  }
}

const toRecord = (row: ClientBotRow): ClientBotRecord => ({
  botId: row.botId,
  masterId: row.masterId,
  username: row.username,
  encryptedToken: row.encryptedToken,
  status: row.status,
  paused: Boolean(row.paused),
  broken: Boolean(row.broken),
  greeting: row.greeting ? (JSON.parse(row.greeting) as Sealed) : null,
});

/** Events after which a cached bot record is stale. */
const CHANGES_A_BOT = new Set(['ClientBotAttached', 'ClientBotDetached', 'ClientBotBroken', 'GreetingSet']);
