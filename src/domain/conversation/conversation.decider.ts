import { Decider, DomainEvent } from '../shared/decider';
import { ConversationCommand, Who } from './conversation.commands';
import { ConversationEvent } from './conversation.events';
import { ConversationState, evolveConversation, FLOOD_WINDOW_SECONDS, initialConversationState } from './conversation.state';
import { recordCustomerReaction, recordReplyDeletion, recordReplyEdit } from './reply-sync';

const ev = <E extends ConversationEvent>(type: E['type'], data: E['data']): ConversationEvent =>
  ({ type, data }) as DomainEvent as ConversationEvent;

/**
 * The customer side of the relay. Outcomes are recorded once: a reactor that re-runs after a crash and
 * records the same outcome again produces nothing new.
 */
export function decideConversation(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  const who: Who = { botId: command.botId, customerId: command.customerId, masterId: command.masterId };
  switch (command.type) {
    case 'CustomerStart':
      return [ev('CustomerStarted', { ...who, ...(command.startParameter ? { startParameter: command.startParameter } : {}) })];
    case 'ReceiveMessage':
      return receive(command, state, who);
    case 'EditMessage':
      // An edit of a message we never recorded (sent before the bot was attached, or dropped) has nothing to amend.
      if (!state.received.has(command.messageId) || state.banned || state.edits.has(`${command.messageId}:${command.editedAt}`)) return [];
      return [ev('CustomerMessageEdited', { ...who, messageId: command.messageId, editedAt: command.editedAt, content: command.content })];
    case 'RecordRelay':
      if (state.relayOutcomes.has(command.messageId)) return [];
      return [
        ev('MessageRelayed', {
          ...who,
          messageId: command.messageId,
          relayedMessageId: command.relayedMessageId,
          extraMessageIds: command.extraMessageIds ?? [],
          uploaded: command.uploaded ?? [],
        }),
      ];
    case 'RecordTopicRelay': {
      if (state.relayOutcomes.has(command.messageId)) return [];
      const { messageId, chatId, threadId, relayedMessageId } = command;
      return [ev('RelayedToTopic', { ...who, messageId, chatId, threadId, relayedMessageId })];
    }
    case 'RecordOwnChatRelay': {
      if (state.relayOutcomes.has(command.messageId)) return [];
      const { messageId, relayedMessageId, threadId } = command;
      return [ev('RelayedToOwnChat', { ...who, messageId, relayedMessageId, ...(threadId !== undefined ? { threadId } : {}) })];
    }
    case 'RecordRelayFailure':
      if (state.relayOutcomes.has(command.messageId)) return [];
      return [ev('RelayFailed', { ...who, messageId: command.messageId, reason: command.reason })];
    case 'RecordEditRelay':
      if (state.editOutcomes.has(`${command.messageId}:${command.editedAt}`)) return [];
      return [
        ev('EditRelayed', {
          ...who,
          messageId: command.messageId,
          editedAt: command.editedAt,
          noticeMessageId: command.noticeMessageId,
          ...(command.inTopic ? { inTopic: command.inTopic } : {}),
          ...(command.inOwnChat ? { inOwnChat: command.inOwnChat } : {}),
        }),
      ];
    case 'RecordDelivery': {
      if (state.deliveryOutcomes.has(command.replyId)) return [];
      const { replyId, relayedMessageId, deliveredMessageId, answer } = command;
      return [
        ev('ReplyDelivered', {
          ...who,
          replyId,
          relayedMessageId,
          deliveredMessageId,
          uploaded: command.uploaded ?? [],
          answer: answer ?? null,
        }),
      ];
    }
    case 'RecordReplyEdit':
      return recordReplyEdit(command, state, who);
    case 'RecordCustomerReaction':
      return recordCustomerReaction(command, state, who);
    case 'RecordReplyDeletion':
      return recordReplyDeletion(command, state, who);
    case 'RecordDeliveryFailure':
      if (state.deliveryOutcomes.has(command.replyId)) return [];
      return [ev('ReplyDeliveryFailed', { ...who, replyId: command.replyId, reason: command.reason })];
    case 'Ban':
      return state.banned
        ? []
        : [
            ev('CustomerBanned', {
              ...who,
              name: command.name,
              ...(command.topic ? { topic: command.topic } : {}),
              ...(command.inOwnChat ? { inOwnChat: command.inOwnChat } : {}),
            }),
          ];
    case 'Unban':
      return state.banned ? [ev('CustomerUnbanned', { ...who, ...(command.topic ? { topic: command.topic } : {}) })] : [];
    case 'RecordReactionFailure': {
      // Recorded every time: a reaction changed twice can fail twice (a repeat of one update is dropped before deciding).
      const { towards, chatId, messageId, reason } = command;
      return [ev('ReactionNotMirrored', { ...who, towards, chatId, messageId, reason })];
    }
    case 'RecordBlocked':
      if (command.blocked === state.blocked) return [];
      return [ev(command.blocked ? 'CustomerBlockedBot' : 'CustomerUnblockedBot', who)];
    case 'IssueReminder': {
      // M14: a copy in the owner's chat is answered by any reply since (answers there name no copy of it).
      const own = state.ownChatCopies.get(command.messageId);
      if (own) {
        if (state.delivered > own.deliveredBefore || state.reminded.has(command.messageId)) return [];
        const inOwnChat = own.threadId !== undefined ? { threadId: own.threadId } : {};
        return [ev('ReminderIssued', { ...who, messageId: command.messageId, relayedMessageId: own.relayedMessageId, inOwnChat })];
      }
      const relayedMessageId = state.relayed.get(command.messageId);
      if (relayedMessageId === undefined || state.answered.has(relayedMessageId) || state.reminded.has(command.messageId)) return [];
      return [ev('ReminderIssued', { ...who, messageId: command.messageId, relayedMessageId })];
    }
    case 'EraseCustomerContent':
      // Re-running an erasure that already completed records nothing; one that deleted a key does.
      if (state.erasedLast && !command.keyDeleted) return [];
      return [ev('CustomerContentErased', { ...who, erasedAt: command.erasedAt, files: [...state.uploads.values()] })];
  }
}

function receive(
  command: Extract<ConversationCommand, { type: 'ReceiveMessage' }>,
  state: ConversationState,
  who: Who,
): ConversationEvent[] {
  const { messageId, sentAt } = command;
  if (state.received.has(messageId) || state.dropped.has(messageId)) return [];
  if (state.banned) return [ev('MessageDropped', { ...who, messageId, reason: 'banned' })];
  if (sentAt < state.throttledUntil) return []; // throttled: the one notice was sent; the rest is not recorded
  const inWindow = state.recent.filter((t) => t > sentAt - FLOOD_WINDOW_SECONDS).length;
  if (inWindow >= command.floodLimit) {
    return [ev('CustomerThrottled', { ...who, messageId, until: sentAt + FLOOD_WINDOW_SECONDS })];
  }
  return [
    ev('CustomerMessageReceived', {
      ...who,
      messageId,
      kind: command.kind,
      sentAt,
      ...(command.mediaGroupId ? { mediaGroupId: command.mediaGroupId } : {}),
      content: command.content,
    }),
  ];
}

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  name: 'conversation',
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: initialConversationState,
};
