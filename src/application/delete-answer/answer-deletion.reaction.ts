import { Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, isTelegramRefusal, TelegramApiError } from '../ports/telegram.port';

type Requested = RecordedEvent<MasterUserEventOf<'ReplyDeletionRequested'>>;

/**
 * M13: deletes the customer's copy of an answer through the client bot (`deleteMessage`) and records the
 * outcome once on the conversation. Telegram lets a bot delete its own messages in a private chat for 48
 * hours only; that refusal, like any other, is recorded and told to the master, not retried.
 */
export class AnswerDeletionReaction {
  private readonly logger = new Logger('AnswerDeletion');

  constructor(private readonly aggregates: AggregateStore) {}

  async apply(event: Requested, client: BotApi | null, origin: CommandOrigin): Promise<void> {
    const { masterId, replyId, target } = event.data;
    const stream = conversationStreamId(target.botId, target.customerId);
    const state = await this.aggregates.current(stream, conversationDecider);
    if (state.sync.deletionOutcomes.has(replyId)) return;
    const record = (failure?: string) =>
      this.aggregates.handle(
        stream,
        conversationDecider,
        {
          type: 'RecordReplyDeletion',
          botId: target.botId,
          customerId: target.customerId,
          masterId,
          replyId,
          ...(failure ? { failure } : {}),
        },
        origin,
      );

    const copy = state.sync.copies.get(replyId);
    if (!copy) return void (await record()); // never delivered: the decider records it so
    if (!client) return void (await record('client_bot_unknown'));
    try {
      await client.deleteMessage(target.customerId, copy.deliveredMessageId);
    } catch (error) {
      if (!isTelegramRefusal(error)) throw error;
      this.logger.warn(`deletion of a reply on bot ${target.botId} refused: ${error.message}`);
      return void (await record(refusalReason(error)));
    }
    await record();
  }
}

/** Telegram's refusals of deleteMessage, in the words the master is told. */
function refusalReason(error: TelegramApiError): string {
  if (error.blockedByUser) return 'customer_blocked_bot';
  if (/can't be deleted/i.test(error.description)) return 'telegram_cannot_delete';
  if (/not found/i.test(error.description)) return 'copy_not_found';
  return `telegram_${error.code}`;
}
