import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { BannedCustomerRow } from './banned-customer.entity';

type Handled = ConversationEventOf<'CustomerBanned' | 'CustomerUnbanned'>;

export class BannedCustomersProjector implements Projector<Handled> {
  readonly name = 'banned_customers';
  readonly handles: TypesOf<Handled> = ['CustomerBanned', 'CustomerUnbanned'];
  readonly tables = ['banned_customers'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    // A ban writes the whole row and an unban deletes it: nothing to read first.
    const banned = ctx.fold(BannedCustomerRow);
    for (const event of events) {
      if (event.type === 'CustomerBanned') {
        const { botId, customerId, masterId, name } = event.data;
        banned.put({ botId, customerId, masterId, name: JSON.stringify(name), bannedAt: event.recordedAt.toISOString() });
      } else if (event.type === 'CustomerUnbanned') {
        banned.delete({ botId: event.data.botId, customerId: event.data.customerId });
      }
    }
    await banned.flush();
  }
}
