import { DomainEvent } from '../shared/decider';
import { Sealed } from '../shared/sealed';

/** The MasterBot conversation's states. */
export type MasterFsmState = 'Main' | 'AwaitingBotToken' | 'ChoosingBotToRemove' | 'Responding';

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
  | 'reply_target_unknown'
  | 'bot_not_attached'
  | 'no_bots_to_remove'
  | 'not_registered'
  | 'token_malformed'
  | 'token_invalid'
  | 'token_is_master_bot'
  | 'token_not_a_bot'
  | 'token_attached_elsewhere'
  | 'bot_already_attached'
  | 'bot_limit_reached'
  | 'webhook_registration_failed'
  | 'unsupported_message';

export type MasterUserEvent =
  | DomainEvent<'MasterRegistered', { masterId: number; firstName: string }>
  | DomainEvent<'WelcomeShown', { masterId: number }>
  | DomainEvent<'StateChanged', { masterId: number; from: MasterFsmState; to: MasterFsmState; trigger: string }>
  | DomainEvent<
      'ClientBotAttached',
      { masterId: number; botId: number; username: string; encryptedToken: string; tokenMessageId: number }
    >
  | DomainEvent<'ClientBotDetached', { masterId: number; botId: number; username: string }>
  | DomainEvent<'RemovalOptionsOffered', { masterId: number; bots: { botId: number; username: string }[] }>
  | DomainEvent<'ReplyStarted', { masterId: number; target: ReplyTarget }>
  | DomainEvent<
      'ReplySent',
      { masterId: number; replyId: string; target: ReplyTarget; masterMessageId: number; content: Sealed }
    >
  | DomainEvent<
      'CommandRejected',
      { masterId: number; command: string; reason: RejectionReason; messageId?: number; deleteMessage?: boolean }
    >;

export type MasterUserEventType = MasterUserEvent['type'];
export type MasterUserEventOf<T extends MasterUserEventType> = Extract<MasterUserEvent, { type: T }>;

export const masterStreamId = (masterId: number): string => `master-${masterId}`;
