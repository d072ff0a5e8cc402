import { EntityManager, In } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { ConversationEvent } from '../../domain/conversation/conversation.events';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { Projector } from '../runner/projector';
import { ClientBotRow } from './client-bot.entity';

/** Client bots with their owner, encrypted token, status (attached, paused, broken), greeting and counters. */
export class ClientBotsProjector implements Projector {
  readonly name = 'client_bots';
  readonly handles = new Set([
    'ClientBotAttached',
    'ClientBotDetached',
    'ClientBotBroken',
    'GreetingSet',
    'ProExpired',
    'ProActivated',
    'CustomerMessageReceived',
    'ReplyDelivered',
  ]);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(ClientBotRow);
    for (const recorded of events) {
      const event = recorded as unknown as MasterUserEvent | ConversationEvent;
      switch (event.type) {
        case 'ClientBotAttached': {
          const { botId, masterId, username, encryptedToken } = event.data;
          const existing = await repo.findOneBy({ botId });
          const same = existing?.masterId === masterId;
          await repo.save({
            botId,
            masterId,
            username,
            encryptedToken,
            status: 'attached',
            attachedAt: same && existing.status === 'attached' ? existing.attachedAt : recorded.recordedAt.toISOString(),
            paused: false,
            broken: false,
            // A bot re-attached by the same master keeps its greeting and its history's counters.
            greeting: same ? existing.greeting : null,
            receivedCount: same ? existing.receivedCount : 0,
            answeredCount: same ? existing.answeredCount : 0,
          });
          break;
        }
        case 'ClientBotDetached':
          await repo.update({ botId: event.data.botId, masterId: event.data.masterId }, { status: 'detached' });
          break;
        case 'ClientBotBroken':
          await repo.update({ botId: event.data.botId, masterId: event.data.masterId }, { broken: true });
          break;
        case 'GreetingSet':
          await repo.update({ botId: event.data.botId, masterId: event.data.masterId }, { greeting: JSON.stringify(event.data.greeting) });
          break;
        case 'ProExpired':
          if (event.data.pausedBotIds.length) await repo.update({ botId: In(event.data.pausedBotIds), masterId: event.data.masterId }, { paused: true });
          break;
        case 'ProActivated':
          if (event.data.resumedBotIds.length) await repo.update({ botId: In(event.data.resumedBotIds), masterId: event.data.masterId }, { paused: false });
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
