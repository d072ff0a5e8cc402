import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { MasterUserRow } from './master-user.entity';

type Handled = MasterUserEventOf<'MasterRegistered' | 'StateChanged' | 'ClientBotAttached' | 'ClientBotDetached'>;

/** One row per master: current FSM state and how many client bots are attached. */
export class MasterUsersProjector implements Projector<Handled> {
  readonly name = 'master_users';
  readonly handles: TypesOf<Handled> = ['MasterRegistered', 'StateChanged', 'ClientBotAttached', 'ClientBotDetached'];
  readonly tables = ['master_users'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    const masters = ctx.fold(MasterUserRow);
    await masters.load([...new Set(events.map((e) => e.data.masterId))].map((masterId) => ({ masterId })));
    for (const event of events) {
      if (event.type === 'MasterRegistered') {
        masters.put({
          masterId: event.data.masterId,
          firstName: event.data.firstName.slice(0, 128),
          state: 'Main',
          registeredAt: event.recordedAt.toISOString(),
          clientBotCount: 0,
        });
        continue;
      }
      // The other events change a registered master only (an update of a missing row did nothing).
      const row = masters.get({ masterId: event.data.masterId });
      if (!row) continue;
      if (event.type === 'StateChanged') row.state = event.data.to;
      else if (event.type === 'ClientBotAttached') row.clientBotCount += 1;
      else if (event.type === 'ClientBotDetached') row.clientBotCount -= 1;
      masters.touch(row);
    }
    await masters.flush();
  }
}
