import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { receivedMessage } from '../customer-message/conversation-reads';
import { customerLabel, readRelayContent } from '../media/relay-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isSettledFailure } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { reminderTexts as texts } from './reminder.texts';

/** A confirmation older than this (e.g. after a long outage) is no longer useful: skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

type Issued = ConversationEventOf<'ReminderIssued'>;
type Handled = MasterUserEventOf<'RemindersConfigured'> | Issued;

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
export class ReminderReactor implements Reactor<Handled> {
  readonly name = 'reminders';
  readonly handles: TypesOf<Handled> = ['RemindersConfigured', 'ReminderIssued'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('Reminders');

  constructor(
    private readonly bots: BotApis,
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(recorded: RecordedEvent<Handled>): Promise<void> {
    try {
      if (recorded.type === 'ReminderIssued') {
        await this.remind(recorded);
      } else if (Date.now() - recorded.recordedAt.getTime() <= STALE_AFTER_MS) {
        const { masterId, hours } = recorded.data;
        await this.bots.master().sendText(masterId, texts.configured(hours));
      }
    } catch (error) {
      // The master blocked the MasterBot: nothing to retry.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${recorded.type} for master ${recorded.data.masterId}: ${error.message}`);
    }
  }

  private async remind(recorded: RecordedEvent<Issued>): Promise<void> {
    const issued = recorded.data;
    const stream = conversationStreamId(issued.botId, issued.customerId);
    const state = await this.aggregates.current(stream, conversationDecider);
    if (state.answered.has(issued.relayedMessageId) && !issued.inOwnChat) return;
    const received = await receivedMessage(this.aggregates, stream, state, issued.messageId);
    const content = received ? readRelayContent(this.vault.open(received.data.content)) : null;
    const customer = content ? customerLabel(content.customer) : 'a customer';
    // Waited until the reminder was issued (the scheduler's clock), not until this reactor got to it; since the
    // message was recorded (its relay follows within moments, or later if Telegram was down: the customer waited all along).
    const issuedAt = Date.parse(String(recorded.metadata.occurredAt ?? '')) || recorded.recordedAt.getTime();
    const waitedMs = issuedAt - (received?.recordedAt.getTime() ?? issuedAt);
    const text = texts.reminder(customer, waitedMs);
    if (issued.inOwnChat) {
      // M14: said in the owner's own chat with the client bot, replying to the copy there (in its topic).
      const client = await this.bots.client(issued.botId, recorded.position);
      const { threadId } = issued.inOwnChat;
      await client?.sendText(issued.masterId, text, {
        replyToMessageId: issued.relayedMessageId,
        ...(threadId !== undefined ? { threadId } : {}),
      });
      return;
    }
    await this.bots.master().sendText(issued.masterId, text, { replyToMessageId: issued.relayedMessageId });
  }
}
