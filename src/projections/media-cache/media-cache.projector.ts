import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { UploadedFile } from '../../domain/conversation/conversation.events';
import { Projector } from '../runner/projector';
import { MediaCacheRow } from './media-cache.entity';

/** The upload cache, fed by the files relays and deliveries uploaded (their outcome events list them). */
export class MediaCacheProjector implements Projector {
  readonly name = 'media_cache';
  readonly handles = new Set(['MessageRelayed', 'ReplyDelivered']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    // Last upload wins: a later upload replaces a file id Telegram stopped accepting.
    const rows = new Map<string, MediaCacheRow>();
    for (const recorded of events) {
      const uploaded = (recorded.data as { uploaded?: UploadedFile[] }).uploaded ?? [];
      for (const file of uploaded) {
        rows.set(`${file.botId}:${file.fileUniqueId}`, {
          botId: file.botId,
          fileUniqueId: file.fileUniqueId,
          fileId: file.fileId,
          cachedAt: recorded.recordedAt.toISOString(),
        });
      }
    }
    if (rows.size > 0) await em.getRepository(MediaCacheRow).upsert([...rows.values()], ['botId', 'fileUniqueId']);
  }
}
