import { EntityManager, In } from 'typeorm';
import { RecordedEvent } from '../../application/ports/event-store.port';
import { conversationId, ConversationEvent } from '../../domain/conversation/conversation.events';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { Projector } from '../runner/projector';
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

type Event = MasterUserEvent | ConversationEvent;

/**
 * What is due when (M11 reminders, M7 Pro expiry), derived from the history alone, so a restart loses
 * nothing and a rebuild reproduces it. Jobs are removed by the events that make them moot (a reply, the
 * reminder itself, the expiry); the scheduler also deletes a job once its command ran — safe, because
 * the commands are idempotent and the domain re-checks (answered? renewed?) before acting.
 *
 * WARNING: a reply delivered in a conversation cancels the reminders of *every* message relayed in it
 * before, not only of the message it answers: the master is taken to be dealing with that customer.
 */
export class ScheduledJobsProjector implements Projector {
  readonly name = 'scheduled_jobs';
  readonly handles = new Set([
    'RemindersConfigured',
    'MessageRelayed',
    'ReplyDelivered',
    'ReminderIssued',
    'ClientBotDetached',
    'ProActivated',
    'ProRenewalCancelled',
    'ProExpired',
  ]);

  async apply(events: RecordedEvent[], em: EntityManager): Promise<void> {
    const jobs = em.getRepository(ScheduledJobRow);
    const delays = await this.delaysOf(events, em);
    for (const recorded of events) {
      const event = recorded as unknown as Event;
      const sourcePosition = recorded.position.toString();
      switch (event.type) {
        case 'RemindersConfigured':
          await this.configure(em, event.data.masterId, event.data.hours, sourcePosition);
          delays.set(event.data.masterId, event.data.hours === null ? null : toSeconds(event.data.hours));
          break;
        case 'MessageRelayed': {
          const { botId, customerId, masterId, messageId } = event.data;
          const delay = delays.get(masterId);
          if (!delay) break;
          const anchorAt = recorded.recordedAt.getTime();
          const payload: ReminderJobPayload = { botId, customerId, masterId, messageId };
          await jobs.save({
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
        case 'ReplyDelivered':
          await jobs.delete({ kind: 'reminder', conversationId: conversationId(event.data.botId, event.data.customerId) });
          break;
        case 'ReminderIssued':
          await jobs.delete({ id: reminderJobId(event.data.botId, event.data.customerId, event.data.messageId) });
          break;
        case 'ClientBotDetached':
          // Nobody can answer through a detached bot: a reminder would only nag.
          await jobs.delete({ kind: 'reminder', botId: event.data.botId });
          break;
        case 'ProActivated':
        case 'ProRenewalCancelled': {
          const { masterId, until } = event.data;
          const grace = event.type === 'ProActivated' ? PRO_RENEWAL_GRACE_MS : 0;
          const payload: ProExpiryJobPayload = { masterId };
          await jobs.save({
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
          await jobs.delete({ id: proExpiryJobId(event.data.masterId) });
          break;
        default:
          break;
      }
    }
  }

  /** The reminder delays of the masters whose messages this batch relays: one query per batch, not per event. */
  private async delaysOf(events: RecordedEvent[], em: EntityManager): Promise<Map<number, number | null>> {
    const masterIds = [...new Set(events.filter((e) => e.type === 'MessageRelayed').map((e) => Number(e.data.masterId)))];
    if (masterIds.length === 0) return new Map();
    const rows = await em.getRepository(MasterReminderSettingRow).findBy({ masterId: In(masterIds) });
    return new Map(rows.map((r) => [r.masterId, r.delaySeconds]));
  }

  /** A new delay re-times the master's pending reminders; "off" drops them. */
  private async configure(em: EntityManager, masterId: number, hours: number | null, sourcePosition: string): Promise<void> {
    const settings = em.getRepository(MasterReminderSettingRow);
    const jobs = em.getRepository(ScheduledJobRow);
    if (hours === null) {
      await settings.delete({ masterId });
      await jobs.delete({ kind: 'reminder', masterId });
      return;
    }
    const delaySeconds = toSeconds(hours);
    await settings.save({ masterId, delaySeconds });
    const pending = await jobs.findBy({ kind: 'reminder', masterId });
    for (const job of pending) {
      job.dueAt = (job.anchorAt ?? job.dueAt) + delaySeconds * 1000;
      job.sourcePosition = sourcePosition;
    }
    if (pending.length > 0) await jobs.save(pending);
  }
}

const toSeconds = (hours: number): number => Math.round(hours * 3600);
