import { Sealed } from '../shared/sealed';
import { TypedText } from '../shared/typed-text';
import {
  BotPurpose,
  InboxAskedIn,
  InboxMode,
  OwnChatAnswer,
  PlanLimits,
  RejectionReason,
  ReplyTarget,
  TeamGroupLossReason,
  TopicAnswer,
} from './master-user.events';

/** What the handler learned about a pasted token before deciding (format, getMe, ownership, webhook). */
export type TokenVerdict =
  | { valid: true; botId: number; username: string; encryptedToken: string }
  | { valid: false; reason: Extract<RejectionReason, `token_${string}` | 'webhook_registration_failed'> };

export type MasterUserCommand =
  | { type: 'Start'; masterId: number; firstName: string }
  | { type: 'Help'; masterId: number }
  | { type: 'RequestAddBot'; masterId: number }
  | { type: 'SubmitBotToken'; masterId: number; messageId: number; verdict: TokenVerdict; limits: PlanLimits }
  | { type: 'RequestRemoveBot'; masterId: number }
  /** `startParameter`: the text after /qr (validated here) and the same sealed (what events keep), or null. */
  | { type: 'RequestQr'; masterId: number; startParameter: { text: string; sealed: TypedText } | null }
  | { type: 'RequestGreeting'; masterId: number }
  | { type: 'RequestBroadcast'; masterId: number }
  /** A press on a bot picker's button (`pick:<purpose>:<botId>`). */
  | { type: 'PickBot'; masterId: number; purpose: BotPurpose; botId: number }
  | { type: 'Cancel'; masterId: number }
  /** `command`: the command word the master typed, sealed (it is typed text, not one of ours). */
  | { type: 'UnknownCommand'; masterId: number; command: TypedText }
  | { type: 'StartResponding'; masterId: number; target: ReplyTarget | null }
  | {
      type: 'Reply';
      masterId: number;
      replyId: string;
      masterMessageId: number;
      /** null when the replied-to message is not a relayed message in this master's chat. */
      target: ReplyTarget | null;
      /** Sealed `{ content: MessageContent }`; null for a message kind that cannot be delivered. */
      content: Sealed | null;
    }
  /**
   * M13: the master edited one of their messages. `replyId`: the answer the handler found for it (the decision
   * checks it is still that one); `deliveryFailed`: its delivery is already known to have failed.
   */
  | {
      type: 'EditAnswer';
      masterId: number;
      masterMessageId: number;
      replyId: string;
      editedAt: number;
      /** Sealed `{ content: MessageContent }` under the conversation's key. */
      content: Sealed;
      deliveryFailed: boolean;
      /** M12: an agent edited their answer in a customer's topic (`masterMessageId` is then the group's message). */
      inTopic?: InTopic;
      /** M14: the owner edited their answer in their own chat with client bot `botId` (`masterMessageId` is that chat's). */
      inOwnChat?: InOwnChat;
    }
  /**
   * M13: the master reacted on a relayed copy of `target` (null emoji: took the reaction back); `inTopic`: an
   * agent did, on the copy in the team group of `botId` (M12).
   */
  | {
      type: 'MirrorReaction';
      masterId: number;
      target: ReplyTarget;
      emoji: string | null;
      inGroup?: { botId: number; chatId: number; agentId: number };
      /** M14: the owner reacted on the copy in their own chat with client bot `botId`. */
      inOwnChat?: InOwnChat;
    }
  /** M13: `/delete`, replying to `masterMessageId` (null: it replied to nothing); `inTopic`: typed in a customer's topic. */
  | { type: 'DeleteAnswer'; masterId: number; masterMessageId: number | null; inTopic?: InTopic; inOwnChat?: InOwnChat }
  /** A message that is neither a command nor a reply (what it means depends on the state). */
  | { type: 'PlainMessage'; masterId: number; messageId: number }
  /** The master's text while AwaitingGreeting: sealed `{ text }`, or null when the message is not text. */
  | { type: 'SetGreeting'; masterId: number; greeting: Sealed | null; length: number }
  /** The master's message while AwaitingBroadcast: sealed `{ content }`, or null when it cannot be broadcast. */
  | { type: 'SubmitBroadcast'; masterId: number; broadcastId: string; content: Sealed | null }
  | { type: 'ListBots'; masterId: number }
  | { type: 'ListBanned'; masterId: number }
  /** `hours`: null turns reminders off; NaN when the master typed something that is not a number. */
  | { type: 'ConfigureReminders'; masterId: number; hours: number | null }
  | { type: 'Subscribe'; masterId: number; stars: number; periodSeconds: number }
  | { type: 'AnswerCheckout'; masterId: number; queryId: string; payload: string; currency: string; totalAmount: number; stars: number }
  | { type: 'RecordPayment'; masterId: number; chargeId: string; stars: number; until: string; limits: PlanLimits }
  | { type: 'Unsubscribe'; masterId: number }
  /** From the scheduler: Pro's paid period is over (a no-op if it was renewed meanwhile). */
  | { type: 'ExpirePro'; masterId: number; now: string; limits: PlanLimits }
  /** The application could not even form the request (e.g. /ban on a message that is not a relayed one). */
  | { type: 'Refuse'; masterId: number; command: string; reason: RejectionReason; inBotChatOf?: number }
  /** Telegram answered 401 to the bot's token. */
  | { type: 'MarkBotBroken'; masterId: number; botId: number }
  /**
   * M12: `/connect` typed in a group where the bot is. `requestedBy`: who typed it; `isForum` and
   * `canManageTopics`: what Telegram said of the group and of the bot's rights there (asked before deciding).
   */
  | {
      type: 'LinkTeamGroup';
      masterId: number;
      botId: number;
      chatId: number;
      requestedBy: number;
      isForum: boolean;
      canManageTopics: boolean;
    }
  /** M12: the master's answer to "link this group?" (the buttons under the question in the MasterBot chat). */
  | { type: 'ConfirmTeamGroup'; masterId: number; botId: number; chatId: number; accept: boolean }
  /** M12: the relay created a topic for the customer (`replacesThreadId`: their previous one was deleted). */
  | {
      type: 'RecordCustomerTopic';
      masterId: number;
      botId: number;
      customerId: number;
      chatId: number;
      threadId: number;
      replacesThreadId?: number;
    }
  /**
   * M12: a member wrote in a customer's topic: the answer to that customer. `target`: resolved from this
   * master's topics before deciding (null: not a customer topic); `content` sealed under that conversation.
   */
  /**
   * M12: `/close` or `/reopen` in a topic (`how: 'command'`), the topic closed or reopened by hand in Telegram
   * (`'by_hand'`), or reopened by the relay because the customer wrote again (`'customer_wrote'`).
   */
  | {
      type: 'MarkConversation';
      masterId: number;
      botId: number;
      chatId: number;
      threadId: number;
      by: number;
      closed: boolean;
      how: TopicChange;
    }
  /**
   * M12: what Telegram says of the bot in a group now: `loss` null when it may relay there (an administrator
   * allowed to manage topics), else why not. From `my_chat_member`, or from a relay Telegram refused.
   */
  | { type: 'UpdateTeamGroupAccess'; masterId: number; botId: number; chatId: number; loss: TeamGroupLossReason | null }
  /** M12: Telegram says the group `fromChatId` is now the supergroup `toChatId`. */
  | { type: 'FollowGroupMigration'; masterId: number; botId: number; fromChatId: number; toChatId: number }
  /** M12: `/help` typed in a group where the bot is (in a topic: `threadId`). */
  | { type: 'ShowTeamGroupHelp'; masterId: number; botId: number; chatId: number; threadId: number | null }
  | { type: 'AnswerInTopic'; masterId: number; replyId: string; agent: TopicAnswer; target: ReplyTarget | null; content: Sealed | null }
  /** M14: `/inbox` in the MasterBot chat: which bot (a picker when there are several), then where it should relay. */
  | { type: 'RequestInbox'; masterId: number }
  /** M14: the owner wrote to their own client bot: show them its inbox and the buttons to change it, there. */
  /**
   * M14: the owner wrote to their own client bot: `/start`, `/help`, `/inbox` (`asked`), or a plain message while the
   * bot relays elsewhere (offered once: after that, only when asked).
   */
  | { type: 'OfferInbox'; masterId: number; botId: number; asked: boolean }
  /** M14: a press on an inbox button (`inbox:<botId>:<mode>`), in the MasterBot chat or in the owner's chat with the bot. */
  | { type: 'ChooseInboxMode'; masterId: number; botId: number; mode: InboxMode; askedIn: InboxAskedIn }
  /** M14: the relay opened the customer's topic in the owner's chat with the client bot. */
  | { type: 'RecordOwnChatTopic'; masterId: number; botId: number; customerId: number; threadId: number; replacesThreadId?: number }
  /**
   * M14: the owner wrote in their chat with the client bot, in a customer's topic or replying to a relayed copy.
   * `target`: resolved before deciding (from this master's topics, or the copy's buttons); null when neither.
   */
  | {
      type: 'AnswerInOwnChat';
      masterId: number;
      replyId: string;
      agent: OwnChatAnswer;
      target: ReplyTarget | null;
      content: Sealed | null;
    };

export type TopicChange = 'command' | 'by_hand' | 'customer_wrote';

/** M12: where in a team group an agent acted, through which client bot (the one whose update it was). */
export interface InTopic {
  botId: number;
  chatId: number;
  threadId: number;
  agentId: number;
}

/** M14: the owner acted in their own private chat with client bot `botId` (in the customer's topic `threadId`, if any). */
export interface InOwnChat {
  botId: number;
  threadId?: number;
}

/** Greeting texts longer than this are refused (they are sent as one message, with room to spare). */
export const GREETING_MAX_LENGTH = 1000;
/** Reminder delay bounds, in hours. */
export const REMINDER_HOURS = { min: 0.25, max: 168 } as const;
/** Start parameters as t.me deep links accept them. */
export const START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;
