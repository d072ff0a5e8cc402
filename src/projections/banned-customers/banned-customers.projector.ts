import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { Projector } from '../runner/projector';
import { BannedCustomerRow } from './banned-customer.entity';

export class BannedCustomersProjector implements Projector {
  readonly name = 'banned_customers';
  readonly handles = new Set(['CustomerBanned', 'CustomerUnbanned']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(BannedCustomerRow);
    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      if (event.type === 'CustomerBanned') {
        const { botId, customerId, masterId, name } = event.data;
        await repo.save({ botId, customerId, masterId, name: JSON.stringify(name), bannedAt: recorded.recordedAt.toISOString() });
      } else if (event.type === 'CustomerUnbanned') {
        await repo.delete({ botId: event.data.botId, customerId: event.data.customerId });
      }
    }
  }
}
