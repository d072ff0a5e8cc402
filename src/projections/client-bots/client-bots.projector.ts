import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { Projector } from '../runner/projector';
import { ClientBotRow } from './client-bot.entity';

/** Client bots with their owner, encrypted token, status and received/answered counters. */
export class ClientBotsProjector implements Projector {
  readonly name = 'client_bots';
  readonly handles = new Set(['ClientBotAttached', 'ClientBotDetached', 'CustomerMessageReceived', 'ReplyDelivered']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(ClientBotRow);
    for (const recorded of events) {
      const event = recorded as unknown as MasterUserEvent | ConversationEvent;
      switch (event.type) {
        case 'ClientBotAttached': {
          const { botId, masterId, username, encryptedToken } = event.data;
          const existing = await repo.findOneBy({ botId });
          await repo.save({
            botId,
            masterId,
            username,
            encryptedToken,
            status: 'attached',
            attachedAt: recorded.recordedAt.toISOString(),
            // A bot re-attached by the same master keeps its history's counters.
            receivedCount: existing?.masterId === masterId ? existing.receivedCount : 0,
            answeredCount: existing?.masterId === masterId ? existing.answeredCount : 0,
          });
          break;
        }
        case 'ClientBotDetached':
          await repo.update({ botId: event.data.botId, masterId: event.data.masterId }, { status: 'detached' });
          break;
        case 'CustomerMessageReceived':
          await repo.increment({ botId: event.data.botId }, 'receivedCount', 1);
          break;
        case 'ReplyDelivered':
          await repo.increment({ botId: event.data.botId }, 'answeredCount', 1);
          break;
      }
    }
  }
}
