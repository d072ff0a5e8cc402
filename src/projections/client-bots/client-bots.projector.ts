import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { ClientBotRow } from './client-bot.entity';

type Handled =
  | MasterUserEventOf<'ClientBotAttached' | 'ClientBotDetached' | 'ClientBotBroken' | 'GreetingSet' | 'ProExpired' | 'ProActivated'>
  | ConversationEventOf<'CustomerMessageReceived' | 'ReplyDelivered'>;

/** The bots an event touches: its own, or the ones a Pro change pauses or resumes. */
const botsOf = (event: Handled): number[] =>
  event.type === 'ProExpired' ? event.data.pausedBotIds : event.type === 'ProActivated' ? event.data.resumedBotIds : [event.data.botId];

/** Client bots with their owner, encrypted token, status (attached, paused, broken), greeting and counters. */
export class ClientBotsProjector implements Projector<Handled> {
  readonly name = 'client_bots';
  readonly handles: TypesOf<Handled> = [
    'ClientBotAttached',
    'ClientBotDetached',
    'ClientBotBroken',
    'GreetingSet',
    'ProExpired',
    'ProActivated',
    'CustomerMessageReceived',
    'ReplyDelivered',
  ];
  readonly tables = ['client_bots'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    const bots = ctx.fold(ClientBotRow);
    const ids = new Set(events.flatMap(botsOf));
    await bots.load([...ids].map((botId) => ({ botId })));
    /** The bot, if it exists and (when given) belongs to `masterId`: the rows the old `UPDATE … WHERE` matched. */
    const owned = (botId: number, masterId?: number): ClientBotRow | undefined => {
      const row = bots.get({ botId });
      return row && (masterId === undefined || row.masterId === masterId) ? row : undefined;
    };
    const change = (row: ClientBotRow | undefined, edit: (row: ClientBotRow) => void): void => {
      if (!row) return;
      edit(row);
      bots.touch(row);
    };

    for (const event of events) {
      switch (event.type) {
        case 'ClientBotAttached': {
          const { botId, masterId, username, encryptedToken } = event.data;
          const existing = bots.get({ botId });
          const same = existing?.masterId === masterId;
          bots.put({
            botId,
            masterId,
            username,
            encryptedToken,
            status: 'attached',
            attachedAt: same && existing.status === 'attached' ? existing.attachedAt : event.recordedAt.toISOString(),
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
          change(owned(event.data.botId, event.data.masterId), (row) => (row.status = 'detached'));
          break;
        case 'ClientBotBroken':
          change(owned(event.data.botId, event.data.masterId), (row) => (row.broken = true));
          break;
        case 'GreetingSet':
          change(owned(event.data.botId, event.data.masterId), (row) => (row.greeting = JSON.stringify(event.data.greeting)));
          break;
        case 'ProExpired':
          for (const botId of event.data.pausedBotIds) change(owned(botId, event.data.masterId), (row) => (row.paused = true));
          break;
        case 'ProActivated':
          for (const botId of event.data.resumedBotIds) change(owned(botId, event.data.masterId), (row) => (row.paused = false));
          break;
        case 'CustomerMessageReceived':
          change(owned(event.data.botId), (row) => (row.receivedCount += 1));
          break;
        case 'ReplyDelivered':
          change(owned(event.data.botId), (row) => (row.answeredCount += 1));
          break;
        default:
          break;
      }
    }
    await bots.flush();
  }
}
