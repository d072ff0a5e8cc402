import { DomainEvent } from '../shared/decider';
import { Sealed } from '../shared/sealed';

/**
 * A conversation is one customer talking to one client bot. Customer traffic lives in these streams —
 * one per (bot, customer) — so a busy bot never makes its master's own commands fight over a stream
 * revision, and each customer's history can be erased on its own.
 */
export type ConversationEvent =
  | DomainEvent<'CustomerStarted', { botId: number; customerId: number; masterId: number }>
  | DomainEvent<
      'CustomerMessageReceived',
      { botId: number; customerId: number; masterId: number; messageId: number; kind: 'text'; content: Sealed }
    >
  | DomainEvent<'MessageRelayed', { botId: number; customerId: number; masterId: number; messageId: number; relayedMessageId: number }>
  | DomainEvent<'RelayFailed', { botId: number; customerId: number; masterId: number; messageId: number; reason: string }>
  | DomainEvent<
      'ReplyDelivered',
      { botId: number; customerId: number; masterId: number; replyId: string; relayedMessageId: number; deliveredMessageId: number }
    >
  | DomainEvent<'ReplyDeliveryFailed', { botId: number; customerId: number; masterId: number; replyId: string; reason: string }>;

export const conversationId = (botId: number, customerId: number): string => `${botId}-${customerId}`;
export const conversationStreamId = (botId: number, customerId: number): string =>
  `conversation-${conversationId(botId, customerId)}`;
