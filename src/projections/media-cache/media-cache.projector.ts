import { RecordedEvent } from '../../application/ports/event-store.port';
import { UploadedFile } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { MediaCacheRow } from './media-cache.entity';

/** The upload cache, fed by the files relays and deliveries uploaded (their outcome events list them). */
export class MediaCacheProjector implements Projector {
  readonly name = 'media_cache';
  readonly handles = new Set(['MessageRelayed', 'ReplyDelivered']);
  readonly tables = ['media_cache'];

  async apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    // Last upload wins: a later upload replaces a file id Telegram stopped accepting.
    const cache = ctx.fold(MediaCacheRow);
    for (const recorded of events) {
      const uploaded = (recorded.data as { uploaded?: UploadedFile[] }).uploaded ?? [];
      for (const file of uploaded) {
        cache.put({ botId: file.botId, fileUniqueId: file.fileUniqueId, fileId: file.fileId, cachedAt: recorded.recordedAt.toISOString() });
      }
    }
    await cache.flush();
  }
}
