import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationStreamId, ConversationEvent } from '../../domain/conversation/conversation.events';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { customerLabel, readRelayContent } from '../media/relay-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { EVENT_STORE, EventStore, RecordedEvent } from '../ports/event-store.port';
import { isSettledFailure } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { reminderTexts as texts } from './reminder.texts';
import { upcast } from '../command-handling/upcasters';

/** A confirmation older than this (e.g. after a long outage) is no longer useful: skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

type Issued = Extract<ConversationEvent, { type: 'ReminderIssued' }>['data'];

/**
 * M11, what the master sees: the confirmation of /reminders, and each reminder — sent as a reply to the
 * relayed message it is about, so the master answers the customer by replying to the reminder's target.
 *
 * Reminders are never skipped for being late (one that came due during an outage is still worth
 * sending), but one whose message got an answer meanwhile is dropped. The customer's name is read from
 * the sealed relay content; once the conversation's key is erased the reminder says "a customer".
 *
 * WARNING: at-least-once with no recorded outcome: a crash while a reminder is in flight (attempt recorded,
 * finish not) sends it again, unmarked.
 */
@Injectable()
export class ReminderReactor implements Reactor {
  readonly name = 'reminders';
  readonly handles = new Set(['RemindersConfigured', 'ReminderIssued']);
  readonly recordsAttempts = true;
  private readonly logger = new Logger('Reminders');

  constructor(
    private readonly bots: BotApis,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  key(event: RecordedEvent): string {
    return `master:${String(event.data.masterId)}`;
  }

  async react(recorded: RecordedEvent): Promise<void> {
    try {
      if (recorded.type === 'ReminderIssued') {
        await this.remind(recorded);
      } else if (Date.now() - recorded.recordedAt.getTime() <= STALE_AFTER_MS) {
        const { masterId, hours } = (recorded as unknown as Extract<MasterUserEvent, { type: 'RemindersConfigured' }>).data;
        await this.bots.master().sendText(masterId, texts.configured(hours));
      }
    } catch (error) {
      // The master blocked the MasterBot: nothing to retry.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${recorded.type} for master ${String(recorded.data.masterId)}: ${error.message}`);
    }
  }

  private async remind(recorded: RecordedEvent): Promise<void> {
    const issued = recorded.data as unknown as Issued;
    const history = (await this.store.readStream(conversationStreamId(issued.botId, issued.customerId))).map(
      upcast,
    ) as unknown as (RecordedEvent & ConversationEvent)[];
    const answered = history.some((e) => e.type === 'ReplyDelivered' && e.data.relayedMessageId === issued.relayedMessageId);
    if (answered) return;
    const relayed = history.find((e) => e.type === 'MessageRelayed' && e.data.messageId === issued.messageId);
    const received = history.find((e) => e.type === 'CustomerMessageReceived' && e.data.messageId === issued.messageId);
    const content = received?.type === 'CustomerMessageReceived' ? readRelayContent(this.vault.open(received.data.content)) : null;
    const customer = content ? customerLabel(content.customer) : 'a customer';
    // Waited until the reminder was issued (the scheduler's clock), not until this reactor got to it.
    const issuedAt = Date.parse(String(recorded.metadata.occurredAt ?? '')) || recorded.recordedAt.getTime();
    const waitedMs = issuedAt - (relayed?.recordedAt.getTime() ?? issuedAt);
    await this.bots.master().sendText(issued.masterId, texts.reminder(customer, waitedMs), { replyToMessageId: issued.relayedMessageId });
  }
}
