import { DomainEvent } from '../shared/decider';
import type { ConversationCommand, Who } from './conversation.commands';
import { AnswerRef, ConversationEvent } from './conversation.events';
import type { ConversationState } from './conversation.state';
type Command<T extends ConversationCommand['type']> = Extract<ConversationCommand, { type: T }>;

const ev = <E extends ConversationEvent>(type: E['type'], data: E['data']): ConversationEvent =>
  ({ type, data }) as DomainEvent as ConversationEvent;

/**
 * M13, the customer's side of keeping a conversation in sync: what became of an answer's edit and deletion on
 * the customer's copy, and the customer's reactions on their copies. Each outcome is recorded once, so a
 * reactor that re-runs after a crash records nothing new.
 */

/** A reply the customer received: their copy's message id, and where the answer is in the inbox. */
export interface DeliveredReply {
  deliveredMessageId: number;
  answer: AnswerRef | null;
  deleted: boolean;
}

/** What a conversation's fold keeps of the customer's copies (grown in place, like the rest of its state). */
export interface ReplySync {
  /** Delivered replies by reply id. */
  copies: Map<string, DeliveredReply>;
  /** The customer's copy's message id → its reply id (what a customer's reaction points at). */
  replyOfCopy: Map<number, string>;
  /** `${replyId}:${editedAt}` of answer edits with an outcome. */
  editOutcomes: Set<string>;
  /** Reply ids whose deletion has an outcome. */
  deletionOutcomes: Set<string>;
}

export const initialReplySync = (): ReplySync => ({
  copies: new Map(),
  replyOfCopy: new Map(),
  editOutcomes: new Set(),
  deletionOutcomes: new Set(),
});

export const editKey = (edit: { replyId: string; editedAt: number }): string => `${edit.replyId}:${edit.editedAt}`;

export function rememberCopy(sync: ReplySync, replyId: string, deliveredMessageId: number, answer: AnswerRef | null): void {
  sync.copies.set(replyId, { deliveredMessageId, answer, deleted: false });
  sync.replyOfCopy.set(deliveredMessageId, replyId);
}

/** The copy was deleted: kept (its answer is still known), marked, and its deletion has an outcome. */
export function forgetCopy(sync: ReplySync, replyId: string): void {
  sync.deletionOutcomes.add(replyId);
  const copy = sync.copies.get(replyId);
  if (copy) sync.copies.set(replyId, { ...copy, deleted: true });
}

/** Only a reply the customer has (delivered, not deleted) can show an edit; anything else records why not. */
export function recordReplyEdit(command: Command<'RecordReplyEdit'>, state: ConversationState, who: Who): ConversationEvent[] {
  const { replyId, editedAt } = command;
  if (state.sync.editOutcomes.has(editKey(command))) return [];
  const copy = state.sync.copies.get(replyId);
  const failure = command.failure ?? (!copy ? 'reply_not_delivered' : copy.deleted ? 'reply_deleted' : undefined);
  if (failure || !copy) return [ev('ReplyEditFailed', { ...who, replyId, editedAt, reason: failure ?? 'reply_not_delivered' })];
  return [ev('ReplyEditDelivered', { ...who, replyId, editedAt, deliveredMessageId: copy.deliveredMessageId })];
}

/** A reply never delivered has no copy to delete: recorded as such, like Telegram's refusals. */
export function recordReplyDeletion(command: Command<'RecordReplyDeletion'>, state: ConversationState, who: Who): ConversationEvent[] {
  const { replyId } = command;
  if (state.sync.deletionOutcomes.has(replyId)) return [];
  const copy = state.sync.copies.get(replyId);
  const failure = command.failure ?? (copy ? undefined : 'reply_not_delivered');
  if (failure || !copy) return [ev('ReplyDeletionFailed', { ...who, replyId, reason: failure ?? 'reply_not_delivered' })];
  return [ev('ReplyDeleted', { ...who, replyId, deliveredMessageId: copy.deliveredMessageId })];
}

/** Only reactions on an answer mean something to the master; one on a greeting or a notice is not mirrored. */
export function recordCustomerReaction(
  command: Command<'RecordCustomerReaction'>,
  state: ConversationState,
  who: Who,
): ConversationEvent[] {
  const replyId = state.sync.replyOfCopy.get(command.messageId);
  if (replyId === undefined || state.sync.copies.get(replyId)?.deleted) return [];
  return [ev('CustomerReacted', { ...who, replyId, messageId: command.messageId, emoji: command.emoji })];
}
