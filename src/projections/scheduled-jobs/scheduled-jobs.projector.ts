import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { conversationId, ConversationEventOf } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { ProjectionContext, Projector, TableFold } from '../runner/projector';
import { MasterReminderSettingRow, ScheduledJobRow } from './scheduled-job.entity';

/**
 * A renewing Stars subscription's next payment arrives around `until`; expiring exactly then would
 * pause bots of a master who is about to be charged. A cancelled renewal expires at `until` sharp.
 */
export const PRO_RENEWAL_GRACE_MS = 60 * 60 * 1000;

export const reminderJobId = (botId: number, customerId: number, messageId: number): string =>
  `reminder:${conversationId(botId, customerId)}:${messageId}`;
export const proExpiryJobId = (masterId: number): string => `pro-expiry:${masterId}`;

export interface ReminderJobPayload {
  botId: number;
  customerId: number;
  masterId: number;
  messageId: number;
}
export interface ProExpiryJobPayload {
  masterId: number;
}

type Handled =
  | MasterUserEventOf<'RemindersConfigured' | 'ClientBotDetached' | 'ProActivated' | 'ProRenewalCancelled' | 'ProExpired'>
  | ConversationEventOf<'MessageRelayed' | 'RelayedToOwnChat' | 'ReplyDelivered' | 'ReminderIssued'>;

/**
 * What is due when (M11 reminders, M7 Pro expiry), derived from the history alone, so a restart loses
 * nothing and a rebuild reproduces it. Jobs are removed by the events that make them moot (a reply, the
 * reminder itself, the expiry); the scheduler also deletes a job once its command ran — safe, because
 * the commands are idempotent and the domain re-checks (answered? renewed?) before acting.
 *
 * WARNING: a reply delivered in a conversation cancels the reminders of *every* message relayed in it
 * before, not only of the message it answers: the master is taken to be dealing with that customer.
 */
export class ScheduledJobsProjector implements Projector<Handled> {
  readonly name = 'scheduled_jobs';
  readonly handles: TypesOf<Handled> = [
    'RemindersConfigured',
    'MessageRelayed',
    'RelayedToOwnChat',
    'ReplyDelivered',
    'ReminderIssued',
    'ClientBotDetached',
    'ProActivated',
    'ProRenewalCancelled',
    'ProExpired',
  ];
  readonly tables = ['scheduled_jobs', 'master_reminder_settings'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    const jobs = ctx.fold(ScheduledJobRow);
    const settings = ctx.fold(MasterReminderSettingRow);
    // Load what the batch's set-wise changes reach: reminders of answered conversations, of detached
    // bots and of masters changing their delay; and the delays of the masters it relays for.
    await jobs.load(
      events.flatMap((e): Partial<ScheduledJobRow>[] => {
        if (e.type === 'ReplyDelivered') return [{ conversationId: conversationId(e.data.botId, e.data.customerId) }];
        if (e.type === 'ClientBotDetached') return [{ botId: e.data.botId }];
        if (e.type === 'RemindersConfigured') return [{ masterId: e.data.masterId }];
        return [];
      }),
    );
    await settings.load(
      events.flatMap((e) =>
        e.type === 'MessageRelayed' || e.type === 'RelayedToOwnChat' || e.type === 'RemindersConfigured'
          ? [{ masterId: e.data.masterId }]
          : [],
      ),
    );
    const reminders = (match: (job: ScheduledJobRow) => boolean): ScheduledJobRow[] =>
      jobs.where((job) => job.kind === 'reminder' && match(job));

    for (const event of events) {
      const sourcePosition = event.position.toString();
      switch (event.type) {
        case 'RemindersConfigured':
          this.configure(jobs, settings, event.data.masterId, event.data.hours, sourcePosition);
          break;
        // M14: a message relayed into the owner's own chat with the client bot is reminded of there.
        case 'RelayedToOwnChat':
        case 'MessageRelayed': {
          const { botId, customerId, masterId, messageId } = event.data;
          const delay = settings.get({ masterId })?.delaySeconds;
          if (!delay) break;
          const anchorAt = event.recordedAt.getTime();
          const payload: ReminderJobPayload = { botId, customerId, masterId, messageId };
          jobs.put({
            id: reminderJobId(botId, customerId, messageId),
            kind: 'reminder',
            dueAt: anchorAt + delay * 1000,
            payload: JSON.stringify(payload),
            masterId,
            conversationId: conversationId(botId, customerId),
            botId,
            anchorAt,
            sourcePosition,
          });
          break;
        }
        case 'ReplyDelivered': {
          const conversation = conversationId(event.data.botId, event.data.customerId);
          for (const job of reminders((j) => j.conversationId === conversation)) jobs.delete(job);
          break;
        }
        case 'ReminderIssued':
          jobs.delete({ id: reminderJobId(event.data.botId, event.data.customerId, event.data.messageId) });
          break;
        case 'ClientBotDetached':
          // Nobody can answer through a detached bot: a reminder would only nag.
          for (const job of reminders((j) => j.botId === event.data.botId)) jobs.delete(job);
          break;
        case 'ProActivated':
        case 'ProRenewalCancelled': {
          const { masterId, until } = event.data;
          const grace = event.type === 'ProActivated' ? PRO_RENEWAL_GRACE_MS : 0;
          const payload: ProExpiryJobPayload = { masterId };
          jobs.put({
            id: proExpiryJobId(masterId),
            kind: 'pro-expiry',
            dueAt: Date.parse(until) + grace,
            payload: JSON.stringify(payload),
            masterId,
            conversationId: null,
            botId: null,
            anchorAt: null,
            sourcePosition,
          });
          break;
        }
        case 'ProExpired':
          jobs.delete({ id: proExpiryJobId(event.data.masterId) });
          break;
        default:
          break;
      }
    }
    await settings.flush();
    await jobs.flush();
  }

  /** A new delay re-times the master's pending reminders; "off" drops them. */
  private configure(
    jobs: TableFold<ScheduledJobRow>,
    settings: TableFold<MasterReminderSettingRow>,
    masterId: number,
    hours: number | null,
    sourcePosition: string,
  ): void {
    const pending = jobs.where((job) => job.kind === 'reminder' && job.masterId === masterId);
    if (hours === null) {
      settings.delete({ masterId });
      for (const job of pending) jobs.delete(job);
      return;
    }
    const delaySeconds = toSeconds(hours);
    settings.put({ masterId, delaySeconds });
    for (const job of pending) {
      job.dueAt = (job.anchorAt ?? job.dueAt) + delaySeconds * 1000;
      job.sourcePosition = sourcePosition;
      jobs.touch(job);
    }
  }
}

const toSeconds = (hours: number): number => Math.round(hours * 3600);
