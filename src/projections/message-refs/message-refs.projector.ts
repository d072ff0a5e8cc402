import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { conversationId, ConversationEvent } from '../../domain/conversation/conversation.events';
import { Projector } from '../runner/projector';
import { MessageRefRow } from './message-ref.entity';

/**
 * Maps (master chat, relayed message id) to the customer message it relays: how replies find their way.
 * A relay may take several messages in the master's chat (a long text's parts, a caption sent apart, the
 * header before a sticker) and an edit adds a notice: each of them maps to the customer message, so a
 * reply to any part reaches the customer.
 */
export class MessageRefsProjector implements Projector {
  readonly name = 'message_refs';
  readonly handles = new Set(['MessageRelayed', 'EditRelayed', 'ReplyDelivered']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(MessageRefRow);
    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      if (event.type === 'MessageRelayed' || event.type === 'EditRelayed') {
        const { masterId, botId, customerId, messageId } = event.data;
        const ids =
          event.type === 'MessageRelayed' ? [event.data.relayedMessageId, ...(event.data.extraMessageIds ?? [])] : [event.data.noticeMessageId];
        const row = {
          masterChatId: masterId,
          botId,
          customerId,
          customerMessageId: messageId,
          conversationId: conversationId(botId, customerId),
          relayedAt: recorded.recordedAt.toISOString(),
          answeredAt: null,
        };
        await repo.save(ids.map((relayedMessageId) => ({ ...row, relayedMessageId })));
      } else if (event.type === 'ReplyDelivered') {
        // The reply may answer any part of the relay: the whole customer message counts as answered.
        const answered = await repo.findOneBy({ masterChatId: event.data.masterId, relayedMessageId: event.data.relayedMessageId });
        if (!answered) continue;
        const { masterChatId, conversationId: conversation, customerMessageId } = answered;
        await repo.update({ masterChatId, conversationId: conversation, customerMessageId }, { answeredAt: recorded.recordedAt.toISOString() });
      }
    }
  }
}
