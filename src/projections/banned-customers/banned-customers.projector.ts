import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { BannedCustomerRow } from './banned-customer.entity';

export class BannedCustomersProjector implements Projector {
  readonly name = 'banned_customers';
  readonly handles = new Set(['CustomerBanned', 'CustomerUnbanned']);
  readonly tables = ['banned_customers'];

  async apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    // A ban writes the whole row and an unban deletes it: nothing to read first.
    const banned = ctx.fold(BannedCustomerRow);
    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      if (event.type === 'CustomerBanned') {
        const { botId, customerId, masterId, name } = event.data;
        banned.put({ botId, customerId, masterId, name: JSON.stringify(name), bannedAt: recorded.recordedAt.toISOString() });
      } else if (event.type === 'CustomerUnbanned') {
        banned.delete({ botId: event.data.botId, customerId: event.data.customerId });
      }
    }
    await banned.flush();
  }
}
