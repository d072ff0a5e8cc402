import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { replyToCustomerTexts } from './reply-to-customer.texts';

/** `StateChanged` to `Responding` (✍ Reply pressed): the prompt. `ReplyDeliveryFailed`: why the reply did not arrive. */
export const replyToCustomerNotice: MasterNotice<MasterUserEventOf<'StateChanged'> | ConversationEventOf<'ReplyDeliveryFailed'>> = {
  handles: ['StateChanged', 'ReplyDeliveryFailed'],
  render: async (event, { say }) => {
    switch (event.type) {
      case 'StateChanged':
        if (event.data.to === 'Responding') await say(replyToCustomerTexts.respondingPrompt);
        return;
      case 'ReplyDeliveryFailed':
        await say(replyToCustomerTexts.deliveryFailed(event.data.reason));
        return;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
