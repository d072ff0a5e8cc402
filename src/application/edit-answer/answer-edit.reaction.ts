import { Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { editKey } from '../../domain/conversation/reply-sync';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { readReplyContent } from '../media/relay-content';
import { answerWords } from './answer-words';
import { ContentVault } from '../ports/crypto.port';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, isTelegramRefusal } from '../ports/telegram.port';

type Edited = RecordedEvent<MasterUserEventOf<'ReplyEdited'>>;

/**
 * M13: puts an edited answer's new text (or caption) on the customer's copy through the client bot. Run
 * by the delivery reactor in the customer's lane, after the `ReplySent` it amends, so the copy exists.
 * Each edit's outcome is recorded once on the conversation (`ReplyEditDelivered` / `ReplyEditFailed`).
 *
 * Only words are mirrored: a file replaced in the edit, or a kind without text (sticker, location…), is
 * recorded as `not_editable` and left as delivered.
 */
export class AnswerEditReaction {
  private readonly logger = new Logger('AnswerEdit');

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly vault: ContentVault,
  ) {}

  async apply(event: Edited, client: BotApi | null, origin: CommandOrigin): Promise<void> {
    const { masterId, replyId, target, editedAt, content } = event.data;
    const stream = conversationStreamId(target.botId, target.customerId);
    const state = await this.aggregates.current(stream, conversationDecider);
    if (state.sync.editOutcomes.has(editKey(event.data))) return;
    const record = (failure?: string) =>
      this.aggregates.handle(
        stream,
        conversationDecider,
        {
          type: 'RecordReplyEdit',
          botId: target.botId,
          customerId: target.customerId,
          masterId,
          replyId,
          editedAt,
          ...(failure ? { failure } : {}),
        },
        origin,
      );

    const copy = state.sync.copies.get(replyId);
    if (!copy || copy.deleted) return void (await record()); // the decider names why (not delivered, deleted)
    const edit = readReplyContent(this.vault.open(content));
    if (!edit) return void (await record('content_erased'));
    const words = answerWords(edit.content);
    if (words === null) return void (await record('not_editable'));
    if (!client) return void (await record('client_bot_unknown'));
    try {
      if (words.kind === 'text') await client.editText(target.customerId, copy.deliveredMessageId, words.text);
      else await client.editCaption(target.customerId, copy.deliveredMessageId, words.text);
    } catch (error) {
      if (!isTelegramRefusal(error)) throw error;
      // "message is not modified" is no refusal: the copy already reads like this (e.g. a repeat after a crash).
      if (!error.notModified) {
        this.logger.warn(`edit of reply on bot ${target.botId} refused: ${error.message}`);
        return void (await record(error.blockedByUser ? 'customer_blocked_bot' : `telegram_${error.code}`));
      }
    }
    await record();
  }
}
