import { unknownEvent } from '../shared/decider';
import { ConversationEvent, UploadedFile } from './conversation.events';
import { editKey, forgetCopy, initialReplySync, rememberCopy, ReplySync } from './reply-sync';

/** C5: the window (seconds) over which a customer's messages are counted against their flood limit. */
export const FLOOD_WINDOW_SECONDS = 60;

export interface ConversationState {
  /**
   * The revision after the last event folded (its revision + 1; counted when a fold is given no revisions): where
   * in the stream an event the fold keeps no more of is, to be read alone (conversation-reads.ts).
   */
  folded: number;
  /** Customer message ids recorded as received (relayable, editable) → the revision of their CustomerMessageReceived. */
  received: Map<number, number>;
  /** The revision of the last CustomerMessageReceived; -1 before the first. */
  lastReceived: number;
  /** Revisions of the CustomerBanned events, in order (each carries the name it was given, sealed). */
  bans: number[];
  /** Customer message ids dropped at intake (banned): a redelivery decides nothing, an edit amends nothing. */
  dropped: Set<number>;
  /** `${messageId}:${editedAt}` of recorded edits. */
  edits: Set<string>;
  /** Customer message ids whose relay has an outcome (sent or failed). */
  relayOutcomes: Set<number>;
  /** Customer message id → the relayed message's id in the master's chat. */
  relayed: Map<number, number>;
  /** M12: customer message id → its copy in their topic of the team group. */
  topicCopies: Map<number, { chatId: number; threadId: number; relayedMessageId: number }>;
  /**
   * M14: customer message id → its copy in the owner's own chat with the client bot (`threadId`: in their topic);
   * `deliveredBefore`: replies delivered in this conversation before it (answered: more delivered since).
   */
  ownChatCopies: Map<number, { threadId?: number; relayedMessageId: number; deliveredBefore: number }>;
  /** M14: replies delivered in this conversation (ReplyDelivered), whatever inbox they were written in. */
  delivered: number;
  /** `${messageId}:${editedAt}` of edits whose notice was sent. */
  editOutcomes: Set<string>;
  /** Reply ids whose delivery has an outcome. */
  deliveryOutcomes: Set<string>;
  /** Relayed message ids (master's chat) that got a delivered reply. */
  answered: Set<number>;
  /** M13: the customer's copies of the master's answers, and what became of their edits and deletions. */
  sync: ReplySync;
  /** Customer message ids a reminder was issued for. */
  reminded: Set<number>;
  banned: boolean;
  blocked: boolean;
  /** `sentAt` of the messages received in the current flood window, oldest first. */
  recent: number[];
  throttledUntil: number;
  /** The last recorded event is an erasure: nothing was recorded since, so erasing again changes nothing. */
  erasedLast: boolean;
  /** Files uploaded for this conversation (`${botId}:${fileUniqueId}`): an erasure drops them from the upload cache. */
  uploads: Map<string, { botId: number; fileUniqueId: string }>;
}

/**
 * Grows the collections in place: a fold owns the state it starts from (`initialState()` is fresh each
 * time), and copying a set per event would make loading a long conversation quadratic.
 */
export function evolveConversation(state: ConversationState, event: ConversationEvent, revision = state.folded): ConversationState {
  state.erasedLast = event.type === 'CustomerContentErased';
  state.folded = revision + 1;
  switch (event.type) {
    case 'CustomerMessageReceived': {
      state.received.set(event.data.messageId, revision);
      state.lastReceived = revision;
      const { sentAt } = event.data;
      state.recent.push(sentAt);
      while (state.recent.length > 0 && state.recent[0] <= sentAt - FLOOD_WINDOW_SECONDS) state.recent.shift();
      return state;
    }
    case 'MessageRelayed':
      state.relayOutcomes.add(event.data.messageId);
      state.relayed.set(event.data.messageId, event.data.relayedMessageId);
      rememberUploads(state, event.data.uploaded);
      return state;
    case 'RelayFailed':
      state.relayOutcomes.add(event.data.messageId);
      return state;
    case 'RelayedToTopic': {
      const { messageId, chatId, threadId, relayedMessageId } = event.data;
      state.relayOutcomes.add(messageId);
      state.topicCopies.set(messageId, { chatId, threadId, relayedMessageId });
      return state;
    }
    case 'ReactionNotMirrored':
      // Only told and counted: nothing decided later depends on it.
      return state;
    case 'RelayedToOwnChat': {
      const { messageId, threadId, relayedMessageId } = event.data;
      state.relayOutcomes.add(messageId);
      state.ownChatCopies.set(messageId, {
        relayedMessageId,
        deliveredBefore: state.delivered,
        ...(threadId !== undefined ? { threadId } : {}),
      });
      return state;
    }
    case 'EditRelayed':
      state.editOutcomes.add(`${event.data.messageId}:${event.data.editedAt}`);
      return state;
    case 'ReplyDelivered': {
      const { replyId, deliveredMessageId, answer } = event.data;
      state.deliveryOutcomes.add(replyId);
      state.answered.add(event.data.relayedMessageId);
      state.delivered += 1;
      rememberCopy(state.sync, replyId, deliveredMessageId, answer);
      rememberUploads(state, event.data.uploaded);
      return state;
    }
    case 'ReplyEditDelivered':
      state.sync.editOutcomes.add(editKey(event.data));
      return state;
    case 'ReplyEditFailed':
      state.sync.editOutcomes.add(editKey(event.data));
      return state;
    case 'ReplyDeleted':
      forgetCopy(state.sync, event.data.replyId);
      return state;
    case 'ReplyDeletionFailed':
      state.sync.deletionOutcomes.add(event.data.replyId);
      return state;
    case 'CustomerReacted':
      // Mirrored by a reactor; nothing to decide later depends on it.
      return state;
    case 'ReplyDeliveryFailed':
      state.deliveryOutcomes.add(event.data.replyId);
      return state;
    case 'CustomerBanned':
      state.banned = true;
      state.bans.push(revision);
      return state;
    case 'CustomerUnbanned':
      state.banned = false;
      return state;
    case 'CustomerThrottled':
      state.throttledUntil = event.data.until;
      return state;
    case 'CustomerBlockedBot':
      state.blocked = true;
      return state;
    case 'CustomerUnblockedBot':
      state.blocked = false;
      return state;
    case 'ReminderIssued':
      state.reminded.add(event.data.messageId);
      return state;
    case 'CustomerMessageEdited':
      state.edits.add(`${event.data.messageId}:${event.data.editedAt}`);
      return state;
    case 'MessageDropped':
      state.dropped.add(event.data.messageId);
      return state;
    case 'CustomerStarted':
      // A /start changes nothing kept here: the uploads stay until an erasure names them.
      return state;
    case 'CustomerContentErased':
      state.uploads.clear();
      return state;
    default: {
      const _exhaustive: never = event;
      return unknownEvent(_exhaustive);
    }
  }
}

function rememberUploads(state: ConversationState, uploaded: UploadedFile[]): void {
  for (const { botId, fileUniqueId } of uploaded) state.uploads.set(`${botId}:${fileUniqueId}`, { botId, fileUniqueId });
}

export const initialConversationState = (): ConversationState => ({
  folded: 0,
  received: new Map(),
  lastReceived: -1,
  bans: [],
  dropped: new Set(),
  edits: new Set(),
  relayOutcomes: new Set(),
  relayed: new Map(),
  topicCopies: new Map(),
  ownChatCopies: new Map(),
  delivered: 0,
  editOutcomes: new Set(),
  deliveryOutcomes: new Set(),
  answered: new Set(),
  sync: initialReplySync(),
  reminded: new Set(),
  banned: false,
  blocked: false,
  recent: [],
  throttledUntil: 0,
  erasedLast: false,
  uploads: new Map(),
});
