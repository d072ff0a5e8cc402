import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { MediaCacheRow } from './media-cache.entity';

type Handled = ConversationEventOf<'MessageRelayed' | 'ReplyDelivered' | 'CustomerContentErased'>;

/** The upload cache, fed by the files relays and deliveries uploaded (their outcome events list them). */
export class MediaCacheProjector implements Projector<Handled> {
  readonly name = 'media_cache';
  readonly handles: TypesOf<Handled> = ['MessageRelayed', 'ReplyDelivered', 'CustomerContentErased'];
  readonly tables = ['media_cache'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    // Last upload wins: a later upload replaces a file id Telegram stopped accepting.
    const cache = ctx.fold(MediaCacheRow);
    for (const event of events) {
      if (event.type === 'CustomerContentErased') {
        // An erased customer's files must not stay fetchable through a cached file id.
        for (const file of event.data.files) cache.delete({ botId: file.botId, fileUniqueId: file.fileUniqueId });
      } else if (event.type === 'MessageRelayed' || event.type === 'ReplyDelivered') {
        for (const file of event.data.uploaded) {
          cache.put({
            botId: file.botId,
            fileUniqueId: file.fileUniqueId,
            fileId: file.fileId,
            cachedAt: event.recordedAt.toISOString(),
          });
        }
      }
    }
    await cache.flush();
  }
}
