import { DomainEvent } from '../shared/decider';
import { Sealed } from '../shared/sealed';
import { TypedText } from '../shared/typed-text';

/** The MasterBot conversation's states. */
export type MasterFsmState = 'Main' | 'AwaitingBotToken' | 'ChoosingBot' | 'AwaitingGreeting' | 'AwaitingBroadcast' | 'Responding';

/** What a bot picker (inline keyboard of the master's bots) is for. */
export type BotPurpose = 'remove' | 'qr' | 'greeting' | 'broadcast' | 'inbox';

/**
 * M14: where a client bot's customers' messages arrive, chosen per bot: the master's chat with the MasterBot (the
 * default), the owner's own private chat with the client bot (`bot_chat`, as in Livegram), or its linked team group.
 */
export type InboxMode = 'master_chat' | 'bot_chat' | 'team_group';
export const INBOX_MODES: readonly InboxMode[] = ['master_chat', 'bot_chat', 'team_group'];

/** M14: where a question about the inbox was asked, so the answer comes back there: the MasterBot chat or the client bot's chat. */
export type InboxAskedIn = 'master_bot' | 'bot_chat';

/** Everything a reply needs to find its customer; resolved from the master's chat, never from a message id alone. */
export interface ReplyTarget {
  botId: number;
  customerId: number;
  conversationId: string;
  /** The customer's original message in the client bot chat. */
  customerMessageId: number;
  /** The relayed copy in the master's MasterBot chat. */
  relayedMessageId: number;
}

export type RejectionReason =
  | 'unknown_command'
  | 'nothing_to_cancel'
  | 'not_a_reply'
  | 'ban_needs_reply'
  | 'picker_expired'
  | 'reply_target_unknown'
  | 'bot_not_attached'
  | 'no_bots_to_remove'
  | 'no_bots'
  | 'not_registered'
  | 'token_malformed'
  | 'token_invalid'
  | 'token_is_master_bot'
  | 'token_not_a_bot'
  | 'token_attached_elsewhere'
  | 'bot_already_attached'
  | 'bot_limit_reached'
  | 'pro_bot_limit_reached'
  | 'webhook_registration_failed'
  | 'unsupported_message'
  | 'bot_paused'
  | 'bot_broken'
  | 'bad_start_parameter'
  | 'bad_reminder_hours'
  | 'greeting_not_text'
  | 'greeting_too_long'
  | 'pro_required'
  | 'already_pro'
  | 'not_on_pro'
  | 'renewal_already_cancelled'
  | 'broadcast_unsupported_message'
  /** Team group linking (/connect in a group): only the bot's master may link it… */
  | 'team_group_not_owner'
  /** …into a supergroup with topics enabled… */
  | 'team_group_not_forum'
  /** …where the bot is an administrator allowed to manage topics. */
  | 'team_group_missing_right'
  | 'reply_not_delivered'
  | 'delete_needs_reply'
  | 'not_an_answer'
  | 'answer_already_deleted'
  /** M14: `/inbox` → team group for a bot that was never linked to one (the answer says how to link it). */
  | 'team_group_not_linked'
  /** M14: the bot already relays into the inbox chosen. */
  | 'inbox_unchanged'
  /** M14: the owner wrote in their chat with the client bot neither in a customer's topic nor as a reply to a relayed message. */
  | 'own_chat_not_a_reply';

/** M12/M13: what an agent typed or did in a customer's topic that the group is told about when refused. */
export type TopicCommand = 'edit' | '/delete';

export type TeamGroupLossReason = 'bot_removed' | 'missing_rights' | 'topics_off';

/** M12: a customer's topic in their bot's team group, on the master's stream. */
export type CustomerTopicRef = { masterId: number; botId: number; customerId: number; chatId: number; threadId: number };

/**
 * Who answered from a team group's topic (M12): the agent's Telegram user id and their message there. On
 * `ReplyEdited` and `ReplyDeletionRequested` (M13) `agentId` is who edited the answer or typed `/delete`, and
 * `messageId` is still the answer's.
 */
export interface TopicAnswer {
  agentId: number;
  chatId: number;
  threadId: number;
  messageId: number;
}

/**
 * M14: the owner answered from their private chat with the client bot (own-chat inbox): `chatId` is that chat
 * (the master's user id), `messageId` their message there, `threadId` the customer's topic when topics are on.
 */
export interface OwnChatAnswer {
  ownChat: true;
  agentId: number;
  chatId: number;
  threadId?: number;
  messageId: number;
}

/** Plan limits on attached client bots, from the deployment's configuration. */
export interface PlanLimits {
  free: number;
  pro: number;
}

export type MasterUserEvent =
  | DomainEvent<'MasterRegistered', { masterId: number; firstName: string }>
  | DomainEvent<'WelcomeShown', { masterId: number }>
  | DomainEvent<'HelpShown', { masterId: number }>
  | DomainEvent<'StateChanged', { masterId: number; from: MasterFsmState; to: MasterFsmState; trigger: string }>
  | DomainEvent<'ClientBotAttached', { masterId: number; botId: number; username: string; encryptedToken: string; tokenMessageId: number }>
  | DomainEvent<'ClientBotDetached', { masterId: number; botId: number; username: string }>
  /** Telegram answered 401 for the bot's token (revoked in @BotFather): no polling, no webhook, master told. */
  | DomainEvent<'ClientBotBroken', { masterId: number; botId: number; username: string; reason: 'token_revoked' }>
  /** An inline keyboard of the master's bots, when a command needs one and there are several. */
  | DomainEvent<
      'BotPickerOffered',
      { masterId: number; purpose: BotPurpose; bots: { botId: number; username: string }[]; startParameter?: TypedText | null }
    >
  /** The bot a command acts on (picked, or the only one); greeting and broadcast then wait for the master's text. */
  | DomainEvent<'BotChosen', { masterId: number; purpose: BotPurpose; botId: number; username: string }>
  /** M4: `startParameter` sealed `{ text }` under `master-<masterId>` (v2; v1 held it in clear). */
  | DomainEvent<'QrCodeRequested', { masterId: number; botId: number; username: string; startParameter: TypedText | null }>
  /** M9: sealed `{ text }` under the key `bot-<botId>`. */
  | DomainEvent<'GreetingSet', { masterId: number; botId: number; username: string; greeting: Sealed }>
  /** M10: sealed `{ content: MessageContent }` (file ids of the MasterBot) under the key `broadcast-<broadcastId>`. */
  | DomainEvent<'BroadcastRequested', { masterId: number; botId: number; username: string; broadcastId: string; content: Sealed }>
  | DomainEvent<'BotListRequested', { masterId: number }>
  | DomainEvent<'BannedListRequested', { masterId: number }>
  /** M11: hours after which an unanswered relayed message gets one reminder; null turns reminders off. */
  | DomainEvent<'RemindersConfigured', { masterId: number; hours: number | null }>
  | DomainEvent<'ReplyStarted', { masterId: number; target: ReplyTarget }>
  /**
   * `agent`: set when a member of the bot's team group answered by writing in the customer's topic (M12), or
   * the owner answered in their own chat with the client bot (M14, `ownChat: true`); `masterMessageId` is then
   * that message's id in that chat, not in the MasterBot chat.
   */
  | DomainEvent<
      'ReplySent',
      {
        masterId: number;
        replyId: string;
        target: ReplyTarget;
        masterMessageId: number;
        content: Sealed;
        agent?: TopicAnswer | OwnChatAnswer;
      }
    >
  /**
   * M14: the master chose where the bot's customers' messages arrive (from `/inbox` in the MasterBot chat, or
   * the buttons the client bot showed its owner: `askedIn`). Relays follow from the next customer message on;
   * answers to copies relayed before (in the MasterBot chat, a topic, the owner's chat) keep working.
   */
  | DomainEvent<'InboxModeChosen', { masterId: number; botId: number; username: string; mode: InboxMode; askedIn: InboxAskedIn }>
  /**
   * M14: the master was shown the bot's inbox and the buttons to change it: `/inbox` in the MasterBot chat, or the
   * owner writing to their own client bot (`/start`, or any message while the bot relays elsewhere).
   */
  | DomainEvent<'InboxModeOffered', { masterId: number; botId: number; username: string; mode: InboxMode; askedIn: InboxAskedIn }>
  /**
   * M14: the client bot opened the customer's topic in its owner's private chat with it (topics in private chats,
   * Bot API 9.3); `replacesThreadId`: the owner deleted the earlier one. On the master's stream, so an answer
   * written in a topic is resolved by the master's own decision.
   */
  | DomainEvent<'OwnChatTopicOpened', { masterId: number; botId: number; customerId: number; threadId: number; replacesThreadId?: number }>
  /** M12: `/connect` passed every check; the master is asked in the MasterBot chat to confirm (buttons). */
  | DomainEvent<'TeamGroupLinkRequested', { masterId: number; botId: number; username: string; chatId: number }>
  /** M12: the master answered "No" to the confirmation: nothing changes. */
  | DomainEvent<'TeamGroupLinkDeclined', { masterId: number; botId: number; chatId: number }>
  /** M12: the bot's inbox is now this team group (a supergroup with topics); its customers get a topic each there. */
  | DomainEvent<'TeamGroupLinked', { masterId: number; botId: number; username: string; chatId: number; linkedBy: number }>
  /**
   * M12: the relay opened the customer's topic in the bot's team group (`replacesThreadId`: an earlier topic of
   * theirs was deleted by hand). Kept on the master's stream, so an answer from a topic is resolved by the
   * master's own decision — only topics of this master's bots ever resolve.
   */
  | DomainEvent<
      'CustomerTopicOpened',
      { masterId: number; botId: number; customerId: number; chatId: number; threadId: number; replacesThreadId?: number }
    >
  /**
   * M13: the master edited an answer (`masterMessageId`, the message that became reply `replyId`). `editedAt`:
   * Telegram's `edit_date`. `content`: the edited message, sealed `{ content: MessageContent }` under the
   * customer's conversation key, as the reply's.
   */
  | DomainEvent<
      'ReplyEdited',
      {
        masterId: number;
        replyId: string;
        target: ReplyTarget;
        masterMessageId: number;
        editedAt: number;
        content: Sealed;
        /**
         * Set when an agent edited their answer in the customer's topic (M12), or the owner theirs in their own chat
         * with the client bot (M14, `ownChat`); `masterMessageId` is then that chat's message id.
         */
        agent?: TopicAnswer | OwnChatAnswer;
      }
    >
  /**
   * M13: `/delete` as a reply to one of the master's answers: the customer's copy is to be deleted. `agent`: typed
   * in the customer's topic by that agent (any member of the linked group), replying to an answer written there;
   * or (M14, `ownChat`) by the owner in their own chat with the client bot, replying to their answer there.
   */
  | DomainEvent<
      'ReplyDeletionRequested',
      { masterId: number; replyId: string; target: ReplyTarget; masterMessageId: number; agent?: TopicAnswer | OwnChatAnswer }
    >
  /**
   * M13: the master's reaction on a relayed copy, to be mirrored on the customer's original by the client bot.
   * `emoji`: the one standard emoji mirrored (bots set one reaction), null when the master took theirs back.
   * `agent`: an agent reacted on the copy in the customer's topic of the team group `chatId` (M12; then
   * `target.relayedMessageId` is the copy's id there). `ownChat` (M14): the owner reacted on the copy in their own
   * chat with the client bot (`chatId` is then the master's id, `target.relayedMessageId` that chat's message).
   */
  | DomainEvent<
      'MasterReacted',
      { masterId: number; target: ReplyTarget; emoji: string | null; agent?: { agentId: number; chatId: number; ownChat?: true } }
    >
  /**
   * M12/M13: what an agent asked in a customer's topic could not be done (`/delete` on a message that is no answer,
   * an edit of an answer that never reached the customer, a paused bot…); the bot says so in the topic.
   */
  | DomainEvent<
      'TopicCommandRefused',
      { masterId: number; botId: number; chatId: number; threadId: number; agentId: number; command: TopicCommand; reason: RejectionReason }
    >
  /**
   * M12: the customer's conversation is marked closed: `/close` typed in their topic (`how: 'command'`; the
   * topic is then closed in Telegram), or the topic closed by hand in Telegram (`'by_hand'`). `by`: who.
   */
  | DomainEvent<'ConversationClosed', CustomerTopicRef & { by: number; how: 'command' | 'by_hand' }>
  /**
   * M12: open again: `/reopen` in the topic (`'command'`; reopened in Telegram then), reopened by hand
   * (`'by_hand'`), or the customer wrote again (`'customer_wrote'`: the relay reopened it before posting; `by`
   * is the customer).
   */
  | DomainEvent<'ConversationReopened', CustomerTopicRef & { by: number; how: 'command' | 'by_hand' | 'customer_wrote' }>
  /**
   * M12: the bot cannot relay into its team group any more (`bot_removed`: kicked or left; `missing_rights`: no
   * longer an administrator allowed to manage topics; `topics_off`), learnt from Telegram (`my_chat_member`, or a
   * relay refused). Until `TeamGroupRestored` its customers' messages come to the MasterBot chat without trying
   * the group. Recorded once per loss.
   */
  | DomainEvent<'TeamGroupLost', { masterId: number; botId: number; username: string; chatId: number; reason: TeamGroupLossReason }>
  /** M12: the bot is back in its team group as an administrator allowed to manage topics: relays go there again. */
  | DomainEvent<'TeamGroupRestored', { masterId: number; botId: number; username: string; chatId: number }>
  /**
   * M12: the bot's team group became a supergroup with a new id (`migrate_to_chat_id`, from a refused post or the
   * service message): the link follows it. Topics of the old chat are not carried over (new ones open as needed).
   */
  | DomainEvent<'TeamGroupMoved', { masterId: number; botId: number; username: string; fromChatId: number; toChatId: number }>
  /** M12: `/help` typed in the bot's linked team group (in a topic: `threadId`): the bot posts what agents can do there. */
  | DomainEvent<'TeamGroupHelpShown', { masterId: number; botId: number; chatId: number; threadId?: number }>
  /** M7: an invoice for a Stars subscription is due (the reactor creates the link and sends it). */
  | DomainEvent<'SubscriptionOffered', { masterId: number; payload: string; stars: number; periodSeconds: number }>
  | DomainEvent<'CheckoutAnswered', { masterId: number; queryId: string; ok: boolean; error?: string }>
  | DomainEvent<
      'ProActivated',
      { masterId: number; chargeId: string; stars: number; until: string; renewal: boolean; resumedBotIds: number[] }
    >
  | DomainEvent<'ProRenewalCancelled', { masterId: number; chargeId: string; until: string }>
  /** Back to Free: bots over the Free limit are paused (kept, not relayed) until Pro returns. */
  | DomainEvent<'ProExpired', { masterId: number; pausedBotIds: number[] }>
  | DomainEvent<
      'CommandRejected',
      {
        masterId: number;
        /** What was refused: one of ours ('/qr', 'reply', …), or 'unknown' with the typed word sealed in `typed` (v2). */
        command: string;
        reason: RejectionReason;
        messageId?: number;
        deleteMessage?: boolean;
        typed?: TypedText;
        /** M14: said in the owner's chat with this client bot (where it was typed), not in the MasterBot chat. */
        inBotChatOf?: number;
      }
    >;

export type MasterUserEventType = MasterUserEvent['type'];
export type MasterUserEventOf<T extends MasterUserEventType> = Extract<MasterUserEvent, { type: T }>;

export const masterStreamId = (masterId: number): string => `master-${masterId}`;

/** The invoice payload that ties a Stars payment to its master. */
export const proPayload = (masterId: number): string => `pro:${masterId}`;
