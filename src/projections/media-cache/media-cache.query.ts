import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MediaCache } from '../../application/media/media-cache.port';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { MediaCacheRow } from './media-cache.entity';

/** How long a miss waits for the projection to catch up before the file is simply transferred again. */
const CATCH_UP_MS = 250;

@Injectable()
export class MediaCacheQuery implements MediaCache {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {}

  /**
   * On a miss, waits briefly for the projection: a file relayed a moment ago is recorded but may not be
   * projected yet, and a short wait is cheaper than moving the file again. A miss is never an error, and
   * a read-model database that fails counts as a miss: relays and replies move the file instead of waiting for it.
   */
  async find(botId: number, fileUniqueId: string): Promise<string | null> {
    const row = await this.load(botId, fileUniqueId).catch(() => null);
    if (row) return row.fileId;
    if (!(await this.projections.catchUp('media_cache', CATCH_UP_MS).catch(() => false))) return null;
    return (await this.load(botId, fileUniqueId).catch(() => null))?.fileId ?? null;
  }

  private load(botId: number, fileUniqueId: string): Promise<MediaCacheRow | null> {
    return exclusiveOnSqlite(this.dataSource, () => this.dataSource.getRepository(MediaCacheRow).findOneBy({ botId, fileUniqueId }));
  }
}
