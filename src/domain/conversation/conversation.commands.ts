import { MessageKind } from '../shared/message-content';
import { Sealed } from '../shared/sealed';
import { TypedText } from '../shared/typed-text';
import { AnswerRef, BannedInOwnChat, BannedInTopic, EditInOwnChat, EditInTopic, UploadedFile } from './conversation.events';

/** Whose conversation a command is about: every conversation command and event names all three. */
export type Who = { botId: number; customerId: number; masterId: number };

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
