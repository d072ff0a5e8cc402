import { ConversationEventOf } from '../../domain/conversation/conversation.events';

export type Relayed = ConversationEventOf<'MessageRelayed' | 'EditRelayed' | 'RelayedToTopic'>;

/** The chat and message ids a relay event put there. */
export function relayedMessagesOf(event: Relayed): { chatId: number; ids: number[] } {
  const { data } = event;
  switch (event.type) {
    case 'MessageRelayed':
      return { chatId: data.masterId, ids: [event.data.relayedMessageId, ...event.data.extraMessageIds] };
    case 'EditRelayed':
      // M14: a notice in the owner's chat with the client bot has that bot's id, not one of the MasterBot chat.
      if (event.data.inOwnChat) return { chatId: data.masterId, ids: [] };
      return { chatId: event.data.inTopic?.chatId ?? data.masterId, ids: [event.data.noticeMessageId] };
    case 'RelayedToTopic':
      return { chatId: event.data.chatId, ids: [event.data.relayedMessageId] };
  }
}
