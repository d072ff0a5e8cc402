import { Decider, DomainEvent } from '../shared/decider';
import { Sealed } from '../shared/sealed';
import { ConversationEvent } from './conversation.events';

export type ConversationCommand =
  | { type: 'CustomerStart'; botId: number; customerId: number; masterId: number }
  | { type: 'ReceiveMessage'; botId: number; customerId: number; masterId: number; messageId: number; content: Sealed }
  | { type: 'RecordRelay'; botId: number; customerId: number; masterId: number; messageId: number; relayedMessageId: number }
  | { type: 'RecordRelayFailure'; botId: number; customerId: number; masterId: number; messageId: number; reason: string }
  | {
      type: 'RecordDelivery';
      botId: number;
      customerId: number;
      masterId: number;
      replyId: string;
      relayedMessageId: number;
      deliveredMessageId: number;
    }
  | { type: 'RecordDeliveryFailure'; botId: number; customerId: number; masterId: number; replyId: string; reason: string };

export interface ConversationState {
  received: Set<number>;
  /** Customer message ids whose relay has an outcome (sent or failed). */
  relayOutcomes: Set<number>;
  /** Reply ids whose delivery has an outcome. */
  deliveryOutcomes: Set<string>;
}

const ev = <E extends ConversationEvent>(type: E['type'], data: E['data']): ConversationEvent =>
  ({ type, data }) as DomainEvent as ConversationEvent;

/**
 * Outcomes are recorded once: a reactor that re-runs after a crash and records the same outcome again
 * produces nothing new.
 */
export function decideConversation(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  const { botId, customerId, masterId } = command;
  switch (command.type) {
    case 'CustomerStart':
      return [ev('CustomerStarted', { botId, customerId, masterId })];
    case 'ReceiveMessage':
      if (state.received.has(command.messageId)) return [];
      return [
        ev('CustomerMessageReceived', {
          botId,
          customerId,
          masterId,
          messageId: command.messageId,
          kind: 'text',
          content: command.content,
        }),
      ];
    case 'RecordRelay':
      if (state.relayOutcomes.has(command.messageId)) return [];
      return [ev('MessageRelayed', { botId, customerId, masterId, messageId: command.messageId, relayedMessageId: command.relayedMessageId })];
    case 'RecordRelayFailure':
      if (state.relayOutcomes.has(command.messageId)) return [];
      return [ev('RelayFailed', { botId, customerId, masterId, messageId: command.messageId, reason: command.reason })];
    case 'RecordDelivery':
      if (state.deliveryOutcomes.has(command.replyId)) return [];
      const { replyId, relayedMessageId, deliveredMessageId } = command;
      return [ev('ReplyDelivered', { botId, customerId, masterId, replyId, relayedMessageId, deliveredMessageId })];
    case 'RecordDeliveryFailure':
      if (state.deliveryOutcomes.has(command.replyId)) return [];
      return [ev('ReplyDeliveryFailed', { botId, customerId, masterId, replyId: command.replyId, reason: command.reason })];
  }
}

/**
 * Grows the sets in place: a fold owns the state it starts from (`initialState()` is fresh each time),
 * and copying a set per event would make loading a long conversation quadratic.
 */
export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  switch (event.type) {
    case 'CustomerMessageReceived':
      state.received.add(event.data.messageId);
      return state;
    case 'MessageRelayed':
    case 'RelayFailed':
      state.relayOutcomes.add(event.data.messageId);
      return state;
    case 'ReplyDelivered':
    case 'ReplyDeliveryFailed':
      state.deliveryOutcomes.add(event.data.replyId);
      return state;
    case 'CustomerStarted':
      return state;
  }
}

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: () => ({ received: new Set(), relayOutcomes: new Set(), deliveryOutcomes: new Set() }),
};
