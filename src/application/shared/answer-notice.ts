import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { RecordedEvent } from '../ports/event-store.port';
import { MasterNoticeContext } from './master-notice';

/**
 * A notice about what became of an answer (edit-answer, delete-answer), where the answer stands, replying to it
 * (when the delivery recorded where that is; else in the MasterBot chat). M12: an agent's answer in a team group:
 * the agents are told in the topic (TeamGroupReactor), nothing here. M14: the owner's answer in their own chat with
 * the client bot: told there, by the bot.
 */
export async function sayAboutAnswer(
  recorded: RecordedEvent<ConversationEventOf<'ReplyDeleted' | 'ReplyDeletionFailed' | 'ReplyEditFailed'>>,
  text: string,
  { aggregates, bots, master }: MasterNoticeContext,
  replying = true,
): Promise<void> {
  const { botId, customerId, masterId, replyId } = recorded.data;
  const state = await aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
  const answer = state.sync.copies.get(replyId)?.answer;
  if (answer && answer.chatId !== masterId) return;
  const replyTo = (messageId: number) => (replying ? { replyToMessageId: messageId } : {});
  if (answer?.ownChat) {
    const client = await bots.client(botId, recorded.position);
    await client?.sendText(masterId, text, {
      ...replyTo(answer.messageId),
      ...(answer.threadId !== undefined ? { threadId: answer.threadId } : {}),
    });
    return;
  }
  await master.sendText(masterId, text, answer ? replyTo(answer.messageId) : {});
}
