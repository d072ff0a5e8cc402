import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { CustomerRow } from './customer.entity';

type Handled = ConversationEventOf<
  'CustomerStarted' | 'CustomerMessageReceived' | 'CustomerBlockedBot' | 'CustomerUnblockedBot' | 'CustomerBanned' | 'CustomerUnbanned'
>;

/**
 * Who the customers of each client bot are, and whether a broadcast may reach them (not banned, not
 * known to have blocked the bot). A batch is folded in memory and written with one read and one upsert
 * per chunk of customers — not a round trip per event — so a rebuild over a long history stays fast.
 *
 * `master_id` is the master of the customer's latest event: a bot detached and attached by another
 * master does not hand the first master's customers to the second (recipients are filtered by it).
 */
export class CustomersProjector implements Projector<Handled> {
  readonly name = 'customers';
  readonly handles: TypesOf<Handled> = [
    'CustomerStarted',
    'CustomerMessageReceived',
    'CustomerBlockedBot',
    'CustomerUnblockedBot',
    'CustomerBanned',
    'CustomerUnbanned',
  ];
  readonly tables = ['customers'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    const customers = ctx.fold(CustomerRow);
    await customers.load(events.map(({ data }) => ({ botId: data.botId, customerId: data.customerId })));

    for (const event of events) {
      const { botId, customerId, masterId } = event.data;
      const at = event.recordedAt.toISOString();
      const row = customers.get({ botId, customerId }) ?? {
        botId,
        customerId,
        masterId,
        firstSeenAt: at,
        lastMessageAt: null,
        blocked: false,
        banned: false,
      };
      row.masterId = masterId;
      switch (event.type) {
        case 'CustomerMessageReceived':
          row.lastMessageAt = at;
          break;
        case 'CustomerBlockedBot':
        case 'CustomerUnblockedBot':
          row.blocked = event.type === 'CustomerBlockedBot';
          break;
        case 'CustomerBanned':
        case 'CustomerUnbanned':
          row.banned = event.type === 'CustomerBanned';
          break;
        default:
          break;
      }
      customers.put(row);
    }
    await customers.flush();
  }
}
