import { Decider, DomainEvent, unknownEvent } from '../shared/decider';
import { MessageKind } from '../shared/message-content';
import { Sealed } from '../shared/sealed';
import { TypedText } from '../shared/typed-text';
import {
  AnswerRef,
  BannedInOwnChat,
  BannedInTopic,
  ConversationEvent,
  EditInOwnChat,
  EditInTopic,
  UploadedFile,
} from './conversation.events';
import {
  editKey,
  forgetCopy,
  initialReplySync,
  recordCustomerReaction,
  recordReplyDeletion,
  recordReplyEdit,
  rememberCopy,
  ReplySync,
} from './reply-sync';

type Who = { botId: number; customerId: number; masterId: number };

/** C5: how many messages a customer may send in the flood window before being throttled. */
export const FLOOD_WINDOW_SECONDS = 60;

export type ConversationCommand =
  | ({ type: 'CustomerStart'; startParameter?: TypedText } & Who)
  | ({
      type: 'ReceiveMessage';
      messageId: number;
      kind: MessageKind;
      sentAt: number;
      mediaGroupId?: string;
      content: Sealed;
      /** Messages allowed per FLOOD_WINDOW_SECONDS (C5). */
      floodLimit: number;
    } & Who)
  | ({ type: 'EditMessage'; messageId: number; editedAt: number; content: Sealed } & Who)
  | ({ type: 'RecordRelay'; messageId: number; relayedMessageId: number; extraMessageIds?: number[]; uploaded?: UploadedFile[] } & Who)
  | ({ type: 'RecordRelayFailure'; messageId: number; reason: string } & Who)
  | ({ type: 'RecordTopicRelay'; messageId: number; chatId: number; threadId: number; relayedMessageId: number } & Who)
  | ({ type: 'RecordOwnChatRelay'; messageId: number; relayedMessageId: number; threadId?: number } & Who)
  | ({
      type: 'RecordEditRelay';
      messageId: number;
      editedAt: number;
      noticeMessageId: number;
      inTopic?: EditInTopic;
      inOwnChat?: EditInOwnChat;
    } & Who)
  | ({
      type: 'RecordDelivery';
      replyId: string;
      relayedMessageId: number;
      deliveredMessageId: number;
      uploaded?: UploadedFile[];
      answer?: AnswerRef;
    } & Who)
  | ({ type: 'RecordDeliveryFailure'; replyId: string; reason: string } & Who)
  /** M13: the outcome of an answer's edit on the customer's copy; `failure` set when it did not get there. */
  | ({ type: 'RecordReplyEdit'; replyId: string; editedAt: number; failure?: string } & Who)
  /** M13: the outcome of `/delete` on the customer's copy; `failure` set when Telegram refused. */
  | ({ type: 'RecordReplyDeletion'; replyId: string; failure?: string } & Who)
  /** M13: the customer's reaction on message `messageId` of their chat (null emoji: taken back). */
  | ({ type: 'RecordCustomerReaction'; messageId: number; emoji: string | null } & Who)
  | ({ type: 'Ban'; name: Sealed; topic?: BannedInTopic; inOwnChat?: BannedInOwnChat } & Who)
  | ({ type: 'Unban'; topic?: BannedInTopic } & Who)
  /** M13: a reaction that Telegram would not set where it was to be mirrored. */
  | ({ type: 'RecordReactionFailure'; towards: 'customer' | 'inbox'; chatId: number; messageId: number; reason: string } & Who)
  | ({ type: 'RecordBlocked'; blocked: boolean } & Who)
  | ({ type: 'IssueReminder'; messageId: number } & Who)
  /**
   * `privacy erase`: the operator deleted (or is deleting) the conversation's key. `keyDeleted`: this run
   * deleted it — so something was sealed since the last recorded erasure even if this stream shows nothing.
   */
  | ({ type: 'EraseCustomerContent'; erasedAt: string; keyDeleted: boolean } & Who);

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

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  name: 'conversation',
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: initialConversationState,
};
