import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { deleteQuietly, MasterNotice } from '../shared/master-notice';
import { refusalTexts } from './refusals.texts';

/**
 * `CommandRejected`: why, where it was asked — the MasterBot chat, or (M14, `inBotChatOf`) the owner's own chat with
 * a client bot, said by that bot. A refused message that carried a bot token is deleted first.
 */
export const refusalsNotice: MasterNotice<MasterUserEventOf<'CommandRejected'>> = {
  handles: ['CommandRejected'],
  render: async (event, { say, master, bots }) => {
    const { masterId, command, reason, inBotChatOf, deleteMessage, messageId } = event.data;
    const text = refusalTexts.answerSyncRefused(command, reason) ?? refusalTexts.rejected[reason];
    if (inBotChatOf !== undefined) {
      const client = await bots.client(inBotChatOf, event.position);
      await client?.sendText(masterId, text);
      return;
    }
    if (deleteMessage && messageId) await deleteQuietly(master, masterId, messageId);
    await say(text);
  },
};
