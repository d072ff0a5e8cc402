import { FactoryProvider } from '@nestjs/common';
import { upcast } from '../application/command-handling/upcasters';
import { EVENT_STORE, EventStore, RecordedEvent } from '../application/ports/event-store.port';
import { broadcastStreamId } from '../domain/broadcast/broadcast.events';
import { MasterFsmState, MasterUserEvent, masterStreamId } from '../domain/master-user/master-user.events';
import { evolveMasterUser, initialMasterUserState, MasterUserState } from '../domain/master-user/master-user.state';
import { AuditQuery, checkMasterId, checkQuery, checkStreamId } from './audit-query';
import { redactData, scrubText } from './redaction';

export { AuditQueryError } from './audit-query';
export type { AuditQuery } from './audit-query';

/** One recorded event as an auditor sees it: where, when, why, the state machine's move, and redacted data. */
export interface AuditEntry {
  /** Global position (decimal string; opaque, ordered). Also the cursor format of `next`. */
  position: string;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  /** After upcasting: old events are shown in the current shape. */
  schemaVersion: number;
  /** When the store recorded it (time filters apply to this). */
  recordedAt: string;
  /** When the command was decided (hash-chained, unlike recordedAt); null on events from before it was recorded. */
  occurredAt: string | null;
  correlationId: string;
  causationId: string;
  /** The Telegram update id behind it, if any. */
  updateId: number | null;
  /** The command that produced the event (metadata.command). */
  trigger: string | null;
  /** The master's state machine before → after this event (master streams only; same state when unchanged). */
  transition: { from: string; to: string } | null;
  /** Redacted: no token, no sealed box (see redaction.ts). */
  data: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Cursor for the next page (pass as `after`), or null when there is nothing more. */
  next: string | null;
  /** How many events were read to make this page. */
  scanned: number;
}

export interface TransitionEdge {
  from: string;
  to: string;
  count: number;
  /** What caused the moves along this edge (the StateChanged trigger, e.g. `/add`), with counts. */
  triggers: Record<string, number>;
}

export interface TransitionsReport {
  /** Every state of the master's state machine, visited or not. */
  states: string[];
  /** The transitions actually taken, in order of first occurrence; self-loops included. */
  edges: TransitionEdge[];
  /** Where the master is now; null when the master has no history. */
  current: string | null;
}

/** Listed as a record so the compiler fails here when a state is added to MasterFsmState and not here. */
const FSM_STATES: Record<MasterFsmState, true> = {
  Main: true,
  AwaitingBotToken: true,
  ChoosingBot: true,
  AwaitingGreeting: true,
  AwaitingBroadcast: true,
  Responding: true,
};
export const MASTER_FSM_STATES = Object.keys(FSM_STATES) as MasterFsmState[];

const MASTER_STREAM = /^master-\d+$/;
/** Events per readAll call while scanning. */
const READ_BATCH = 500;

type Transition = { from: string; to: string };

/** The event in its current shape; a broken upcaster shows the event as stored rather than hiding it from the auditor. */
function lift(event: RecordedEvent): RecordedEvent {
  try {
    return upcast(event);
  } catch {
    return event;
  }
}

/** One event folded into the master's state; an unknown (future) type or odd data leaves the state as it was. */
function step(state: MasterUserState, event: RecordedEvent): MasterUserState {
  try {
    return evolveMasterUser(state, { type: event.type, data: event.data } as MasterUserEvent) ?? state;
  } catch {
    return state;
  }
}

/**
 * The FSM before → after every event of each master stream it is asked about, folded once per stream
 * and extended when later revisions are asked for (a page that starts mid-history still gets the right
 * `from`, because the fold always starts at revision 0).
 */
class FsmTracker {
  private readonly folds = new Map<string, { state: MasterUserState; next: number; transitions: Transition[] }>();

  constructor(private readonly store: EventStore) {}

  /** Reads a whole stream (upcast), remembering the fold if it is a master stream. */
  async load(streamId: string): Promise<RecordedEvent[]> {
    const events = (await this.store.readStream(streamId)).map(lift);
    if (MASTER_STREAM.test(streamId)) this.seed(streamId, events);
    return events;
  }

  async at(event: RecordedEvent): Promise<Transition | null> {
    if (!MASTER_STREAM.test(event.streamId)) return null;
    const fold = this.foldOf(event.streamId);
    if (event.revision >= fold.next) {
      this.seed(event.streamId, (await this.store.readStream(event.streamId, { fromRevision: fold.next })).map(lift));
    }
    return fold.transitions[event.revision] ?? null;
  }

  private foldOf(streamId: string) {
    let fold = this.folds.get(streamId);
    if (!fold) this.folds.set(streamId, (fold = { state: initialMasterUserState(), next: 0, transitions: [] }));
    return fold;
  }

  private seed(streamId: string, events: RecordedEvent[]): void {
    const fold = this.foldOf(streamId);
    for (const event of events) {
      if (event.revision !== fold.next) continue;
      const from = fold.state.fsm;
      fold.state = step(fold.state, event);
      fold.transitions[event.revision] = { from, to: fold.state.fsm };
      fold.next += 1;
    }
  }
}

type Checked = ReturnType<typeof checkQuery>;

/** What one timeline is about; grows as the scan finds the master's broadcasts. */
interface MasterScope {
  masterId: number;
  masterStream: string;
  broadcastStreams: Set<string>;
}

/**
 * The audit read side: timelines of a master (every stream about them, in global order) or of one
 * stream, with the FSM's `from → to`, paginated by global position, redacted. Reads through the
 * upcasters, so old event shapes show in their current form. Read-only: it never appends.
 */
export class AuditLog {
  constructor(private readonly store: EventStore) {}

  /**
   * Every event about one master in global order: their own stream, every event whose `data.masterId`
   * is theirs (conversations, bot registry, broadcast starts and reports), and their broadcasts' streams
   * (whose batch events carry only the broadcast id).
   */
  async timeline(masterId: number, q: AuditQuery = {}): Promise<AuditPage> {
    checkMasterId(masterId);
    const query = checkQuery(q);
    const tracker = new FsmTracker(this.store);
    return this.scan(await this.scopeOf(masterId, tracker), query, tracker);
  }

  /** The events of one stream, same shape and cursors as a timeline. */
  async stream(streamId: string, q: AuditQuery = {}): Promise<AuditPage> {
    checkStreamId(streamId);
    const query = checkQuery(q);
    const tracker = new FsmTracker(this.store);
    const events = await tracker.load(streamId);
    const entries: AuditEntry[] = [];
    let more = false;
    for (const event of events) {
      if (!this.selected(event, query)) continue;
      if (entries.length === query.limit) {
        more = true;
        break;
      }
      entries.push(await this.toEntry(event, tracker));
    }
    return { entries, next: more ? entries[entries.length - 1].position : null, scanned: events.length };
  }

  /** Every page, one entry at a time (for NDJSON export). `limit` is ignored: everything that matches is yielded. */
  async *export(target: number | { streamId: string }, q: AuditQuery = {}): AsyncGenerator<AuditEntry> {
    const tracker = new FsmTracker(this.store);
    if (typeof target === 'number') {
      checkMasterId(target);
      const query = checkQuery({ ...q, limit: undefined });
      const scope = await this.scopeOf(target, tracker);
      for (let after = query.after; ;) {
        const page = await this.scan(scope, checkQuery({ ...query, after, limit: 1000 }), tracker);
        yield* page.entries;
        if (page.next === null) return;
        after = page.next;
      }
    }
    // One stream is read once, not page by page (each page would re-read it).
    const streamId = checkStreamId(target.streamId);
    const query = checkQuery({ ...q, limit: undefined });
    for (const event of await tracker.load(streamId)) {
      if (this.selected(event, query)) yield await this.toEntry(event, tracker);
    }
  }

  /** The master's state diagram: every state, and each transition taken with its count and triggers. */
  async transitions(masterId: number): Promise<TransitionsReport> {
    checkMasterId(masterId);
    const events = (await this.store.readStream(masterStreamId(masterId))).map(lift);
    const states = new Set<string>(MASTER_FSM_STATES);
    const edges = new Map<string, TransitionEdge>();
    let state = initialMasterUserState();
    for (const event of events) {
      const from = state.fsm;
      state = step(state, event);
      const to = state.fsm;
      if (event.type !== 'StateChanged' && from === to) continue;
      states.add(to);
      const key = `${from}\u0000${to}`;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { from, to, count: 0, triggers: {} }));
      edge.count += 1;
      const trigger = scrubText(
        typeof event.data.trigger === 'string'
          ? event.data.trigger
          : typeof event.metadata.command === 'string'
            ? event.metadata.command
            : event.type,
      );
      edge.triggers[trigger] = (edge.triggers[trigger] ?? 0) + 1;
    }
    return { states: [...states], edges: [...edges.values()], current: events.length > 0 ? state.fsm : null };
  }

  private async scopeOf(masterId: number, tracker: FsmTracker): Promise<MasterScope> {
    const masterStream = masterStreamId(masterId);
    const scope: MasterScope = { masterId, masterStream, broadcastStreams: new Set() };
    // The broadcasts this master started so far: a page that starts after a broadcast's plan still finds its batches.
    for (const event of await tracker.load(masterStream)) this.noteBroadcast(scope, event);
    return scope;
  }

  private noteBroadcast(scope: MasterScope, event: RecordedEvent): void {
    const broadcastId = event.data.broadcastId;
    if (typeof broadcastId === 'string' && (event.type === 'BroadcastRequested' || event.type === 'BroadcastPlanned')) {
      scope.broadcastStreams.add(broadcastStreamId(broadcastId));
    }
  }

  private concerns(scope: MasterScope, event: RecordedEvent): boolean {
    if (event.streamId === scope.masterStream || scope.broadcastStreams.has(event.streamId)) return true;
    if (event.data.masterId !== scope.masterId) return false;
    this.noteBroadcast(scope, event);
    return true;
  }

  /** Reads the global log from the cursor, keeping the master's events, until a page is full (plus one to know if more follow). */
  private async scan(scope: MasterScope, query: Checked, tracker: FsmTracker): Promise<AuditPage> {
    const entries: AuditEntry[] = [];
    let after = query.afterPosition;
    let scanned = 0;
    let next: string | null = null;
    scan: for (;;) {
      const batch = await this.store.readAll({ after, maxCount: READ_BATCH });
      for (const raw of batch) {
        if (query.maxScan !== undefined && scanned >= query.maxScan) {
          // Out of budget: resume right after the last event read.
          next = after === undefined ? null : after.toString();
          break scan;
        }
        scanned += 1;
        after = raw.position;
        const event = lift(raw);
        if (!this.concerns(scope, event) || !this.selected(event, query)) continue;
        if (entries.length === query.limit) {
          // One more matches: the next page starts right after this page's last entry.
          next = entries[entries.length - 1].position;
          break scan;
        }
        entries.push(await this.toEntry(event, tracker));
      }
      if (batch.length < READ_BATCH) break;
    }
    return { entries, next, scanned };
  }

  /** Cursor and time window (on recordedAt). */
  private selected(event: RecordedEvent, query: Checked): boolean {
    if (query.afterPosition !== undefined && event.position <= query.afterPosition) return false;
    const at = event.recordedAt.getTime();
    if (query.from && at < query.from.getTime()) return false;
    if (query.to && at > query.to.getTime()) return false;
    return true;
  }

  private async toEntry(event: RecordedEvent, tracker: FsmTracker): Promise<AuditEntry> {
    const m = event.metadata;
    const text = (value: unknown): string | null => (typeof value === 'string' ? scrubText(value) : null);
    const recordedAt = Number.isNaN(event.recordedAt.getTime()) ? '' : event.recordedAt.toISOString();
    return {
      position: event.position.toString(),
      streamId: event.streamId,
      revision: event.revision,
      eventId: event.id,
      type: scrubText(event.type),
      schemaVersion: Number(m.schemaVersion ?? 1),
      recordedAt,
      occurredAt: text(m.occurredAt),
      correlationId: text(m.correlationId) ?? '',
      causationId: text(m.causationId) ?? '',
      updateId: typeof m.updateId === 'number' ? m.updateId : null,
      trigger: text(m.command),
      transition: await tracker.at(event),
      data: redactData(event.data),
      hash: text(m.hash),
      prevHash: text(m.prevHash),
    };
  }
}

/** Registers AuditLog in Nest over the app's event store (the class itself stays a plain class). */
export const AUDIT_LOG_PROVIDER: FactoryProvider<AuditLog> = {
  provide: AuditLog,
  useFactory: (store: EventStore) => new AuditLog(store),
  inject: [EVENT_STORE],
};
