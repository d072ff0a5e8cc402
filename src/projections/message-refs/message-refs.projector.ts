import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { conversationId, ConversationEvent } from '../../domain/conversation/conversation.events';
import { Projector } from '../runner/projector';
import { MessageRefRow } from './message-ref.entity';

/** Maps (master chat, relayed message id) to the customer message it relays: how replies find their way. */
export class MessageRefsProjector implements Projector {
  readonly name = 'message_refs';
  readonly handles = new Set(['MessageRelayed', 'ReplyDelivered']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(MessageRefRow);
    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      if (event.type === 'MessageRelayed') {
        const { masterId, relayedMessageId, botId, customerId, messageId } = event.data;
        await repo.save({
          masterChatId: masterId,
          relayedMessageId,
          botId,
          customerId,
          customerMessageId: messageId,
          conversationId: conversationId(botId, customerId),
          relayedAt: recorded.recordedAt.toISOString(),
          answeredAt: null,
        });
      } else if (event.type === 'ReplyDelivered') {
        await repo.update(
          { masterChatId: event.data.masterId, relayedMessageId: event.data.relayedMessageId },
          { answeredAt: recorded.recordedAt.toISOString() },
        );
      }
    }
  }
}
