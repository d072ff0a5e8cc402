import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { openTypedText } from '../../domain/shared/typed-text';
import { MasterNotice } from '../shared/master-notice';
import { showQrCodeTexts } from './show-qr-code.texts';

/** `CustomerStarted` through a link with a parameter (`/qr flyer_2024`): which link brought the customer. */
export const showQrCodeNotice: MasterNotice<ConversationEventOf<'CustomerStarted'>> = {
  handles: ['CustomerStarted'],
  render: async ({ data: { botId, startParameter } }, { say, directory, vault }) => {
    const link = startParameter ? openTypedText(startParameter, (sealed) => vault.open<{ text: string }>(sealed)) : null;
    if (!link) return; // none, or erased since
    const bot = await directory.get(botId);
    await say(showQrCodeTexts.newCustomerVia(bot?.username ?? String(botId), link));
  },
};
