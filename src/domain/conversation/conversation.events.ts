import { DomainEvent } from '../shared/decider';
import { MessageKind } from '../shared/message-content';
import { Sealed } from '../shared/sealed';
import { TypedText } from '../shared/typed-text';

type Who = { botId: number; customerId: number; masterId: number };

/** A file a relay or delivery uploaded: the destination bot's file id for it (the upload cache is projected from these). */
export interface UploadedFile {
  botId: number;
  fileUniqueId: string;
  fileId: string;
}

/**
 * M13: where an answer stands in the inbox it was written in (today the master's MasterBot chat: `chatId`
 * is the master's id). Customer reactions to the delivered copy are mirrored onto it.
 */
export interface AnswerRef {
  chatId: number;
  messageId: number;
  /** M12: the agent's answer stands in this topic of the team group `chatId` (absent: the MasterBot chat, or older deliveries). */
  threadId?: number;
  /** M14: in the owner's private chat with the client bot (same chat id as the MasterBot chat: the master's id). */
  ownChat?: true;
}

/**
 * M12: a customer's edit shown in their topic: the relayed copy edited in place (`copyEdited`), or, where it
 * could not be, a line replying to it saying what changed (`noticeMessageId` is then that line).
 */
export interface EditInTopic {
  chatId: number;
  threadId: number;
  copyEdited: boolean;
}

/**
 * M14: a customer's edit shown in the owner's own chat with the client bot (`threadId`: in the customer's topic): the
 * copy edited in place (`copyEdited`), or a line replying to it (`noticeMessageId`). That chat's id is the master's,
 * its message ids the bot's: the notice is never indexed as a message of the MasterBot chat.
 */
export interface EditInOwnChat {
  threadId?: number;
  copyEdited: boolean;
}

/** M12: where a ban (or an unban) typed in a team group came from. */
export type BannedInTopic = { chatId: number; threadId: number; agentId: number };
/** M14: a ban from the owner's own chat with the client bot (🚫 Ban pressed, or `/ban` typed there; `threadId`: in a topic). */
export type BannedInOwnChat = { threadId?: number };

/** Why a customer's message was recorded but not relayed. */
export type DropReason = 'banned';

/**
 * A conversation is one customer talking to one client bot. Customer traffic lives in these streams —
 * one per (bot, customer) — so a busy bot never makes its master's own commands fight over a stream
 * revision, and each customer's history can be erased on its own.
 *
 * Shapes are the current schema version (see docs/events.md; older ones are upcast on read).
 * `content` fields are sealed under the conversation's key: for a received message
 * `{ content: MessageContent, customer: { firstName, lastName?, username? } }`, for an edit
 * `{ content: MessageContent }`, for a ban `{ name: string }` (what `/banned` shows).
 */
export type ConversationEvent =
  /**
   * C1: `/start`, with the deep-link parameter when the customer came through a t.me/<bot>?start=… link (M4),
   * sealed `{ text }` under the conversation's key (v2; v1 held it in clear).
   */
  | DomainEvent<'CustomerStarted', Who & { startParameter?: TypedText }>
  | DomainEvent<
      'CustomerMessageReceived',
      Who & {
        messageId: number;
        kind: MessageKind;
        /** Telegram's `date` (unix seconds): the anti-flood window is measured in it, so redelivery decides the same. */
        sentAt: number;
        /** Set for the items of an album; relayed together where the Bot API allows. */
        mediaGroupId?: string;
        content: Sealed;
      }
    >
  | DomainEvent<'CustomerMessageEdited', Who & { messageId: number; editedAt: number; content: Sealed }>
  | DomainEvent<
      'MessageRelayed',
      Who & {
        messageId: number;
        relayedMessageId: number;
        /** Further messages in the master's chat for the same customer message (a long text's parts, a caption sent apart). */
        extraMessageIds: number[];
        /** Files the MasterBot uploaded for this relay (the upload cache is projected from them). */
        uploaded: UploadedFile[];
      }
    >
  | DomainEvent<'RelayFailed', Who & { messageId: number; reason: string }>
  /**
   * M12: relayed into the customer's topic of the bot's team group by the client bot itself (not the
   * MasterBot: `MessageRelayed.relayedMessageId` is a message of the master's MasterBot chat, this one of the group).
   */
  | DomainEvent<'RelayedToTopic', Who & { messageId: number; chatId: number; threadId: number; relayedMessageId: number }>
  /**
   * M14: relayed by the client bot itself into its owner's private chat with it (own-chat inbox): into the
   * customer's topic there (`threadId`), or, without topics, as a copy carrying the customer in its buttons.
   * Not in `message_refs`: `relayedMessageId` is a message of the owner's chat with the client bot.
   */
  | DomainEvent<'RelayedToOwnChat', Who & { messageId: number; relayedMessageId: number; threadId?: number }>
  /**
   * C3: the customer's edit was shown: a notice in the MasterBot chat, or (M12, `inTopic`) in their topic, or (M14,
   * `inOwnChat`) in the owner's own chat with the client bot.
   */
  | DomainEvent<
      'EditRelayed',
      Who & { messageId: number; editedAt: number; noticeMessageId: number; inTopic?: EditInTopic; inOwnChat?: EditInOwnChat }
    >
  | DomainEvent<
      'ReplyDelivered',
      Who & {
        replyId: string;
        relayedMessageId: number;
        deliveredMessageId: number;
        uploaded: UploadedFile[];
        /**
         * The answer in the inbox (v3; null on deliveries recorded before M13: their answers get no mirrored reactions).
         * `ownChat` (M14): it stands in the owner's chat with the client bot, whose id is the master's too.
         */
        answer: AnswerRef | null;
      }
    >
  | DomainEvent<'ReplyDeliveryFailed', Who & { replyId: string; reason: string }>
  /** M13: the master's edit of an answer (`ReplyEdited` on the master's stream) reached the customer's copy. */
  | DomainEvent<'ReplyEditDelivered', Who & { replyId: string; editedAt: number; deliveredMessageId: number }>
  /** M13: it did not (`reply_not_delivered`, `reply_deleted`, `not_editable` are quiet; a Telegram refusal is told). */
  | DomainEvent<'ReplyEditFailed', Who & { replyId: string; editedAt: number; reason: string }>
  /** M13: `/delete` removed the customer's copy of reply `replyId`. */
  | DomainEvent<'ReplyDeleted', Who & { replyId: string; deliveredMessageId: number }>
  /** M13: it could not (`reply_not_delivered`, `telegram_cannot_delete` — older than 48 h —, `copy_not_found`, …); told. */
  | DomainEvent<'ReplyDeletionFailed', Who & { replyId: string; reason: string }>
  /**
   * M13: the customer reacted on their copy of reply `replyId` (`messageId` in their chat), to be mirrored on the
   * master's answer. `emoji`: the one standard emoji mirrored, null when the customer took theirs back.
   */
  | DomainEvent<'CustomerReacted', Who & { replyId: string; messageId: number; emoji: string | null }>
  /**
   * M6; `topic`: typed as `/ban` in the customer's topic of the team group, by `agentId` (M12); `inOwnChat`: from the
   * owner's own chat with the client bot, and confirmed there (M14); neither: from the MasterBot chat.
   */
  | DomainEvent<'CustomerBanned', Who & { name: Sealed; topic?: BannedInTopic; inOwnChat?: BannedInOwnChat }>
  /** M6; `topic`: typed as `/unban` in the customer's topic of the team group (M12; absent: from `/banned`). */
  | DomainEvent<'CustomerUnbanned', Who & { topic?: BannedInTopic }>
  /**
   * M13: a reaction could not be mirrored (`towards: 'customer'`: on the customer's message `messageId`, by the
   * client bot; `'inbox'`: on the answer `messageId` in chat `chatId`, the MasterBot chat or the team group).
   * `reason`: `telegram_<code>`, `message_not_found`, `customer_blocked_bot`, … Recorded for the audit and metrics.
   */
  | DomainEvent<'ReactionNotMirrored', Who & { towards: 'customer' | 'inbox'; chatId: number; messageId: number; reason: string }>
  | DomainEvent<'MessageDropped', Who & { messageId: number; reason: DropReason }>
  /** C5: over the rate; one notice, and messages until `until` (unix seconds) are not relayed. */
  | DomainEvent<'CustomerThrottled', Who & { messageId: number; until: number }>
  | DomainEvent<'CustomerBlockedBot', Who>
  | DomainEvent<'CustomerUnblockedBot', Who>
  /**
   * M11: the one reminder for a relayed message left unanswered. `inOwnChat` (M14): the copy is in the owner's own
   * chat with the client bot (`relayedMessageId` is that chat's), and the reminder goes there.
   */
  | DomainEvent<'ReminderIssued', Who & { messageId: number; relayedMessageId: number; inOwnChat?: { threadId?: number } }>
  /**
   * The customer's content was crypto-shredded (`privacy erase`): the conversation's key is deleted, so
   * every sealed value in this stream — and the master's replies to it — no longer opens. What happened
   * stays; a later message gets a new key. `erasedAt`: ISO time of the erasure.
   */
  /**
   * The conversation's keys were deleted (crypto-shredding). `files`: what was uploaded for it, so the upload
   * cache (a projection) forgets those file ids too — also when it is rebuilt from the history.
   */
  | DomainEvent<'CustomerContentErased', Who & { erasedAt: string; files: { botId: number; fileUniqueId: string }[] }>;

export type ConversationEventType = ConversationEvent['type'];
export type ConversationEventOf<T extends ConversationEventType> = Extract<ConversationEvent, { type: T }>;

export const conversationId = (botId: number, customerId: number): string => `${botId}-${customerId}`;
export const conversationStreamId = (botId: number, customerId: number): string => `conversation-${conversationId(botId, customerId)}`;
