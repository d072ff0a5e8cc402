import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { sayAboutAnswer } from '../shared/answer-notice';
import { MasterNotice } from '../shared/master-notice';
import { editAnswerTexts } from './edit-answer.texts';

/** `ReplyEditFailed`: why the edit did not reach the customer, next to the answer (not replying to it). */
export const editAnswerNotice: MasterNotice<ConversationEventOf<'ReplyEditFailed'>> = {
  handles: ['ReplyEditFailed'],
  render: async (event, context) => {
    const notice = editAnswerTexts.editFailed(event.data.reason);
    if (notice) await sayAboutAnswer(event, notice, context, false);
  },
};
