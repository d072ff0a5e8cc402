import { NewEvent } from '../../application/ports/event-store.port';
import { AppMetrics } from './app-metrics';

/** Received messages remembered for the latency histogram, at most (the oldest are forgotten first). */
const MAX_PENDING = 10_000;

/**
 * Counts relay and delivery outcomes (and, M13, what became of answers' edits, deletions and mirrored
 * reactions) from the events that record them, as they are appended in this
 * process, and times each relay from its CustomerMessageReceived event (decided within milliseconds of
 * the update's receipt) to its MessageRelayed event (appended right after sendMessage succeeded).
 *
 * Limits: an update received before a restart and relayed after it is counted but not timed; an
 * idempotent re-append of an outcome counts again (rare: a crash between the send and the record).
 */
export class OutcomeMetrics {
  /** CustomerMessageReceived event id → when it was decided (ms). */
  private readonly receivedAt = new Map<string, number>();

  constructor(private readonly metrics: AppMetrics) {}

  appended(events: NewEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'CustomerMessageReceived':
          this.remember(event);
          break;
        case 'MessageRelayed':
          this.metrics.relays.inc({ outcome: 'relayed' });
          this.timeRelay(event);
          break;
        case 'RelayFailed':
          this.metrics.relays.inc({ outcome: reason(event) });
          this.receivedAt.delete(event.metadata.causationId);
          break;
        case 'ReplyDelivered':
          this.metrics.deliveries.inc({ outcome: 'delivered' });
          break;
        case 'ReplyDeliveryFailed':
          this.metrics.deliveries.inc({ outcome: reason(event) });
          break;
        case 'ReplyEditDelivered':
          this.metrics.syncOutcomes.inc({ action: 'edit', outcome: 'edited' });
          break;
        case 'ReplyEditFailed':
          this.metrics.syncOutcomes.inc({ action: 'edit', outcome: reason(event) });
          break;
        case 'ReplyDeleted':
          this.metrics.syncOutcomes.inc({ action: 'delete', outcome: 'deleted' });
          break;
        case 'ReplyDeletionFailed':
          this.metrics.syncOutcomes.inc({ action: 'delete', outcome: reason(event) });
          break;
        case 'ReactionNotMirrored':
          this.metrics.syncOutcomes.inc({ action: 'reaction', outcome: reason(event) });
          break;
        default:
          break;
      }
    }
  }

  private remember(event: NewEvent): void {
    const decided = Date.parse(event.metadata.occurredAt ?? '');
    this.receivedAt.set(event.id, Number.isNaN(decided) ? Date.now() : decided);
    if (this.receivedAt.size <= MAX_PENDING) return;
    // The oldest tenth at once: one at a time, each delete at the Map's head leaves a hole the next walk from the
    // head steps over again, so a backlog (10,000 received, none relayed yet) cost a walk per message.
    let excess = MAX_PENDING / 10;
    for (const id of this.receivedAt.keys()) {
      if (excess-- <= 0) break;
      this.receivedAt.delete(id);
    }
  }

  /** The relay reactor records its outcome with the received event as the cause. */
  private timeRelay(event: NewEvent): void {
    const cause = event.metadata.causationId;
    const at = this.receivedAt.get(cause);
    if (at === undefined) return;
    this.receivedAt.delete(cause);
    this.metrics.relayLatency.observe(Math.max(0, Date.now() - at) / 1000);
  }
}

function reason(event: NewEvent): string {
  const value = event.data.reason;
  return typeof value === 'string' && /^[a-z0-9_]{1,40}$/.test(value) ? value : 'other';
}
