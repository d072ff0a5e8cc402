import { unknownEvent } from '../shared/decider';
import { AbandonReason, BroadcastEvent, DeliveryOutcome } from './broadcast.events';

export interface BroadcastState {
  /** Null until planned. */
  ref: { broadcastId: string; masterId: number; botId: number; username: string } | null;
  /** Recipients in the order they are sent to. */
  planned: number[];
  plannedIds: Set<number>;
  /** All planned ids before this index are attempted (attempts go in plan order): finding the next batch stays cheap. */
  cursor: number;
  attempted: Set<number>;
  outcomes: Map<number, DeliveryOutcome>;
  upload: { fileUniqueId: string; fileId: string } | null;
  abandoned: AbandonReason | null;
  completed: boolean;
  reported: boolean;
}

export const initialBroadcastState = (): BroadcastState => ({
  ref: null,
  planned: [],
  plannedIds: new Set(),
  cursor: 0,
  attempted: new Set(),
  outcomes: new Map(),
  upload: null,
  abandoned: null,
  completed: false,
  reported: false,
});

/** Grows the collections in place (a fold owns its state): copying per event would make loading a big broadcast quadratic. */
export function evolveBroadcast(state: BroadcastState, event: BroadcastEvent): BroadcastState {
  switch (event.type) {
    case 'BroadcastPlanned': {
      const { broadcastId, masterId, botId, username } = event.data;
      state.ref = { broadcastId, masterId, botId, username };
      return state;
    }
    case 'BroadcastRecipientsPlanned':
      for (const id of event.data.customerIds) {
        state.planned.push(id);
        state.plannedIds.add(id);
      }
      return state;
    case 'BroadcastBatchAttempted':
      for (const id of event.data.customerIds) state.attempted.add(id);
      while (state.cursor < state.planned.length && state.attempted.has(state.planned[state.cursor])) state.cursor++;
      return state;
    case 'BroadcastBatchSettled':
      for (const { customerId, outcome } of event.data.results) state.outcomes.set(customerId, outcome);
      if (event.data.upload) state.upload = event.data.upload;
      return state;
    case 'BroadcastDeliveriesInterrupted':
      for (const id of event.data.customerIds) state.outcomes.set(id, 'interrupted');
      return state;
    case 'BroadcastAbandoned':
      state.abandoned = event.data.reason;
      return state;
    case 'BroadcastCompleted':
      state.completed = true;
      return state;
    case 'BroadcastReported':
      state.reported = true;
      return state;
    default: {
      const _exhaustive: never = event;
      return unknownEvent(_exhaustive);
    }
  }
}

/** The next customers to attempt, in plan order (none once abandoned). */
export function nextRecipients(state: BroadcastState, max: number): number[] {
  if (state.abandoned || state.completed) return [];
  const next: number[] = [];
  for (let i = state.cursor; i < state.planned.length && next.length < max; i++) {
    if (!state.attempted.has(state.planned[i])) next.push(state.planned[i]);
  }
  return next;
}

/** Attempted, with no recorded answer: after a restart these may or may not have the message. */
export const unsettled = (state: BroadcastState): number[] => [...state.attempted].filter((id) => !state.outcomes.has(id));

export interface BroadcastCounts {
  delivered: number;
  blocked: number;
  failed: number;
  interrupted: number;
}

/** Customers never attempted because the broadcast was abandoned are counted as failed. */
export function countOutcomes(state: BroadcastState): BroadcastCounts {
  const counts: BroadcastCounts = { delivered: 0, blocked: 0, failed: 0, interrupted: 0 };
  for (const outcome of state.outcomes.values()) counts[outcome]++;
  if (state.abandoned) counts.failed += state.planned.length - state.attempted.size;
  return counts;
}
