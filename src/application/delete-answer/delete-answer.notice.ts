import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { sayAboutAnswer } from '../shared/answer-notice';
import { MasterNotice } from '../shared/master-notice';
import { deleteAnswerTexts } from './delete-answer.texts';

/** `ReplyDeleted` / `ReplyDeletionFailed`: the outcome of `/delete`, replying to the answer. */
export const deleteAnswerNotice: MasterNotice<ConversationEventOf<'ReplyDeleted' | 'ReplyDeletionFailed'>> = {
  handles: ['ReplyDeleted', 'ReplyDeletionFailed'],
  render: async (event, context) => {
    const text = event.type === 'ReplyDeleted' ? deleteAnswerTexts.answerDeleted : deleteAnswerTexts.deletionFailed(event.data.reason);
    await sayAboutAnswer(event, text, context);
  },
};
