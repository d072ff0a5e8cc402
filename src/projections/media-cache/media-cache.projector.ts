import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { MediaCacheRow } from './media-cache.entity';

/** The upload cache, fed by the files relays and deliveries uploaded (their outcome events list them). */
export class MediaCacheProjector implements Projector {
  readonly name = 'media_cache';
  readonly handles = new Set(['MessageRelayed', 'ReplyDelivered', 'CustomerContentErased']);
  readonly tables = ['media_cache'];

  async apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    // Last upload wins: a later upload replaces a file id Telegram stopped accepting.
    const cache = ctx.fold(MediaCacheRow);
    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      if (event.type === 'CustomerContentErased') {
        // An erased customer's files must not stay fetchable through a cached file id.
        for (const file of event.data.files) cache.delete({ botId: file.botId, fileUniqueId: file.fileUniqueId });
      } else if (event.type === 'MessageRelayed' || event.type === 'ReplyDelivered') {
        for (const file of event.data.uploaded) {
          cache.put({
            botId: file.botId,
            fileUniqueId: file.fileUniqueId,
            fileId: file.fileId,
            cachedAt: recorded.recordedAt.toISOString(),
          });
        }
      }
    }
    await cache.flush();
  }
}
