import { EntityManager } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { Projector } from '../runner/projector';
import { MasterUserRow } from './master-user.entity';

/** One row per master: current FSM state and how many client bots are attached. */
export class MasterUsersProjector implements Projector {
  readonly name = 'master_users';
  readonly handles = new Set(['MasterRegistered', 'StateChanged', 'ClientBotAttached', 'ClientBotDetached']);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const repo = em.getRepository(MasterUserRow);
    for (const recorded of events) {
      const event = recorded as unknown as MasterUserEvent;
      if (event.type === 'MasterRegistered') {
        await repo.save({
          masterId: event.data.masterId,
          firstName: event.data.firstName.slice(0, 128),
          state: 'Main',
          registeredAt: recorded.recordedAt.toISOString(),
          clientBotCount: 0,
        });
      } else if (event.type === 'StateChanged') {
        await repo.update({ masterId: event.data.masterId }, { state: event.data.to });
      } else if (event.type === 'ClientBotAttached') {
        await repo.increment({ masterId: event.data.masterId }, 'clientBotCount', 1);
      } else if (event.type === 'ClientBotDetached') {
        await repo.decrement({ masterId: event.data.masterId }, 'clientBotCount', 1);
      }
    }
  }
}
