import { DomainEvent } from '../shared/decider';

/** A plan is recorded in parts of at most this many customer ids, so no single event grows without bound. */
export const PLAN_PART_SIZE = 1000;

/** What happened to one customer's copy. `interrupted`: attempted, but the process stopped before Telegram's answer was recorded. */
export type DeliveryOutcome = 'delivered' | 'blocked' | 'failed' | 'interrupted';

/** Telegram's answer for one customer (an `interrupted` outcome is never an answer: it is decided on resume). */
export interface DeliveryResult {
  customerId: number;
  outcome: Exclude<DeliveryOutcome, 'interrupted'>;
  /** Why a copy failed (`telegram_400`, `token_revoked`, …); absent when delivered or blocked. */
  reason?: string;
}

/** Why the remaining customers of a broadcast were not attempted at all. */
export type AbandonReason = 'content_erased' | 'client_bot_unavailable' | 'token_revoked' | 'file_too_big';

type Ref = { broadcastId: string; masterId: number; botId: number };

/**
 * M10: one broadcast's life, on stream `broadcast-<broadcastId>`. Customer ids and outcomes only — the
 * message itself stays sealed in the master's `BroadcastRequested` event.
 *
 * Order of a broadcast: planned (once), then per paced batch: attempted BEFORE sending, settled after
 * Telegram answered; then completed, then reported to the master. A batch attempted but never settled
 * (the process was killed mid-batch) is marked interrupted on resume and is never sent again: a customer
 * may miss a broadcast after a crash, but never gets it twice.
 */
export type BroadcastEvent =
  | DomainEvent<'BroadcastPlanned', Ref & { username: string; recipientCount: number; parts: number }>
  | DomainEvent<'BroadcastRecipientsPlanned', { broadcastId: string; part: number; customerIds: number[] }>
  | DomainEvent<'BroadcastBatchAttempted', { broadcastId: string; customerIds: number[] }>
  | DomainEvent<
      'BroadcastBatchSettled',
      {
        broadcastId: string;
        results: DeliveryResult[];
        /** Media: the client bot's own file id after the first upload; later copies reuse it. */
        upload?: { fileUniqueId: string; fileId: string };
      }
    >
  | DomainEvent<'BroadcastDeliveriesInterrupted', { broadcastId: string; customerIds: number[] }>
  /** Nobody else can be sent the message (see AbandonReason); the customers not yet attempted count as failed. */
  | DomainEvent<'BroadcastAbandoned', { broadcastId: string; reason: AbandonReason; unattempted: number }>
  /** `failed` includes the customers a broadcast was abandoned for; `interrupted` is counted apart. */
  | DomainEvent<
      'BroadcastCompleted',
      Ref & { username: string; delivered: number; blocked: number; failed: number; interrupted: number; abandoned: AbandonReason | null }
    >
  /** The report reached the master (messageId null: Telegram refused it, e.g. the master blocked the MasterBot). */
  | DomainEvent<'BroadcastReported', { broadcastId: string; masterId: number; messageId: number | null }>;

export type BroadcastEventType = BroadcastEvent['type'];
export type BroadcastEventOf<T extends BroadcastEventType> = Extract<BroadcastEvent, { type: T }>;

export const broadcastStreamId = (broadcastId: string): string => `broadcast-${broadcastId}`;
