import { Decider } from '../shared/decider';
import { AbandonReason, BroadcastEvent, DeliveryOutcome, DeliveryResult, PLAN_PART_SIZE } from './broadcast.events';
import { BroadcastState, countOutcomes, evolveBroadcast, initialBroadcastState, unsettled } from './broadcast.state';

type Id = { broadcastId: string };

export type BroadcastCommand =
  | (Id & { type: 'PlanBroadcast'; masterId: number; botId: number; username: string; customerIds: number[] })
  /** Before a batch is sent: from here on, a lost answer means "interrupted", never "send again". */
  | (Id & { type: 'RecordAttempts'; customerIds: number[] })
  | (Id & { type: 'RecordResults'; results: DeliveryResult[]; upload?: { fileUniqueId: string; fileId: string } })
  /** On resume: whatever was attempted and not settled is given up on. */
  | (Id & { type: 'MarkInterrupted' })
  | (Id & { type: 'Abandon'; reason: AbandonReason })
  | (Id & { type: 'RecordReport'; messageId: number | null });

/** A command the broadcast's own reactor should never issue (a bug, not a user error). */
export class BroadcastRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BroadcastRuleError';
  }
}

/**
 * The rules of one broadcast: recipients are planned once; a customer is attempted at most once; only
 * attempted customers get an outcome, and only their first one counts; the broadcast completes exactly
 * when every planned customer has an outcome (or it was abandoned). Repeated commands are no-ops, so a
 * reactor re-run after a restart can record the same thing again harmlessly.
 */
export function decideBroadcast(command: BroadcastCommand, state: BroadcastState): BroadcastEvent[] {
  const { broadcastId } = command;
  if (command.type === 'PlanBroadcast') return state.ref ? [] : plan(command);
  if (!state.ref) throw new BroadcastRuleError(`broadcast ${broadcastId} is not planned`);
  if (command.type === 'RecordReport') {
    if (!state.completed) throw new BroadcastRuleError(`broadcast ${broadcastId} is not completed`);
    return state.reported
      ? []
      : [{ type: 'BroadcastReported', data: { broadcastId, masterId: state.ref.masterId, messageId: command.messageId } }];
  }
  if (state.completed) return [];
  switch (command.type) {
    case 'RecordAttempts': {
      const unplanned = command.customerIds.find((id) => !state.plannedIds.has(id));
      if (unplanned !== undefined) throw new BroadcastRuleError(`customer ${unplanned} is not a recipient of broadcast ${broadcastId}`);
      const fresh = [...new Set(command.customerIds)].filter((id) => !state.attempted.has(id));
      return fresh.length ? [{ type: 'BroadcastBatchAttempted', data: { broadcastId, customerIds: fresh } }] : [];
    }
    case 'RecordResults': {
      const unattempted = command.results.find((r) => !state.attempted.has(r.customerId));
      if (unattempted) throw new BroadcastRuleError(`customer ${unattempted.customerId} was not attempted in broadcast ${broadcastId}`);
      const seen = new Set<number>();
      const fresh = command.results.filter((r) => !state.outcomes.has(r.customerId) && !seen.has(r.customerId) && seen.add(r.customerId));
      const upload = command.upload && !state.upload ? command.upload : undefined;
      if (fresh.length === 0 && !upload) return [];
      const settled: BroadcastEvent = {
        type: 'BroadcastBatchSettled',
        data: { broadcastId, results: fresh, ...(upload ? { upload } : {}) },
      };
      return [
        settled,
        ...completionIfDone(
          state,
          fresh.map((r) => r.outcome),
          null,
        ),
      ];
    }
    case 'MarkInterrupted': {
      const lost = unsettled(state);
      if (lost.length === 0) return [];
      return [
        interrupted(broadcastId, lost),
        ...completionIfDone(
          state,
          lost.map(() => 'interrupted'),
          null,
        ),
      ];
    }
    case 'Abandon': {
      const lost = unsettled(state);
      const unattempted = state.planned.length - state.attempted.size;
      return [
        ...(lost.length ? [interrupted(broadcastId, lost)] : []),
        { type: 'BroadcastAbandoned', data: { broadcastId, reason: command.reason, unattempted } },
        ...completionIfDone(
          state,
          lost.map(() => 'interrupted'),
          command.reason,
        ),
      ];
    }
  }
}

function plan(command: Extract<BroadcastCommand, { type: 'PlanBroadcast' }>): BroadcastEvent[] {
  const { broadcastId, masterId, botId, username } = command;
  const ids = [...new Set(command.customerIds)];
  const parts: number[][] = [];
  for (let i = 0; i < ids.length; i += PLAN_PART_SIZE) parts.push(ids.slice(i, i + PLAN_PART_SIZE));
  const events: BroadcastEvent[] = [
    { type: 'BroadcastPlanned', data: { broadcastId, masterId, botId, username, recipientCount: ids.length, parts: parts.length } },
    ...parts.map((customerIds, part): BroadcastEvent => ({ type: 'BroadcastRecipientsPlanned', data: { broadcastId, part, customerIds } })),
  ];
  if (ids.length === 0) {
    events.push({
      type: 'BroadcastCompleted',
      data: { broadcastId, masterId, botId, username, delivered: 0, blocked: 0, failed: 0, interrupted: 0, abandoned: null },
    });
  }
  return events;
}

const interrupted = (broadcastId: string, customerIds: number[]): BroadcastEvent => ({
  type: 'BroadcastDeliveriesInterrupted',
  data: { broadcastId, customerIds },
});

/** `BroadcastCompleted` when the outcomes about to be recorded leave nobody waiting (decided without touching `state`). */
function completionIfDone(state: BroadcastState, adding: DeliveryOutcome[], abandoned: AbandonReason | null): BroadcastEvent[] {
  const ref = state.ref!;
  const settledAfter = state.outcomes.size + adding.length;
  const done = abandoned ? settledAfter === state.attempted.size : settledAfter === state.planned.length;
  if (!done) return [];
  const counts = countOutcomes(state);
  for (const outcome of adding) counts[outcome]++;
  if (abandoned) counts.failed += state.planned.length - state.attempted.size;
  return [{ type: 'BroadcastCompleted', data: { ...ref, ...counts, abandoned } }];
}

export const broadcastDecider: Decider<BroadcastCommand, BroadcastEvent, BroadcastState> = {
  name: 'broadcast',
  decide: decideBroadcast,
  evolve: evolveBroadcast,
  initialState: initialBroadcastState,
};
