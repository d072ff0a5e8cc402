import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { Projector } from '../runner/projector';
import { CustomerRow } from './customer.entity';

/** Rows loaded and written per statement: keeps parameter counts far below MySQL's and SQLite's limits. */
const CHUNK = 200;

const keyOf = (botId: number, customerId: number) => `${botId}:${customerId}`;

/**
 * Who the customers of each client bot are, and whether a broadcast may reach them (not banned, not
 * known to have blocked the bot). A batch is folded in memory and written with one read and one upsert
 * per chunk of customers — not a round trip per event — so a rebuild over a long history stays fast.
 *
 * `master_id` is the master of the customer's latest event: a bot detached and attached by another
 * master does not hand the first master's customers to the second (recipients are filtered by it).
 */
export class CustomersProjector implements Projector {
  readonly name = 'customers';
  readonly handles = new Set([
    'CustomerStarted',
    'CustomerMessageReceived',
    'CustomerBlockedBot',
    'CustomerUnblockedBot',
    'CustomerBanned',
    'CustomerUnbanned',
  ]);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(CustomerRow);
    const rows = new Map<string, CustomerRow>();
    const wanted = new Map<string, { botId: number; customerId: number }>();
    for (const { data } of events as unknown as ConversationEvent[]) wanted.set(keyOf(data.botId, data.customerId), { botId: data.botId, customerId: data.customerId });
    const keys = [...wanted.values()];
    for (let i = 0; i < keys.length; i += CHUNK) {
      for (const row of await repo.find({ where: keys.slice(i, i + CHUNK) })) rows.set(keyOf(row.botId, row.customerId), row);
    }

    for (const recorded of events) {
      const event = recorded as unknown as ConversationEvent;
      const { botId, customerId, masterId } = event.data;
      const at = recorded.recordedAt.toISOString();
      const key = keyOf(botId, customerId);
      const row = rows.get(key) ?? repo.create({ botId, customerId, masterId, firstSeenAt: at, lastMessageAt: null, blocked: false, banned: false });
      rows.set(key, row);
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
    }

    const changed = [...rows.values()];
    for (let i = 0; i < changed.length; i += CHUNK) {
      await repo.upsert(changed.slice(i, i + CHUNK), { conflictPaths: ['botId', 'customerId'], skipUpdateIfNoValuesChanged: false });
    }
  }
}
