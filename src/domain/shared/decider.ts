/**
 * A pure decider (after emmett / Jérémie Chassaing): all business rules, no I/O.
 * `decide` returns the events a command produces (possibly none: a no-op), `evolve` folds one event
 * into the state. Command handling re-runs `decide` on fresh state after a version conflict.
 */
export interface Decider<Command, Event, State> {
  /**
   * A stable name for the streams this decider folds, when their folds may be saved as snapshots (a long
   * conversation, a busy master): the key they are saved under. A decider without one is always read from its events.
   */
  readonly name?: string;
  decide(command: Command, state: State): Event[];
  /** `revision`: the event's revision in its stream, when it comes from one (the aggregate store always passes it). */
  evolve(state: State, event: Event, revision?: number): State;
  initialState(): State;
}

/** An event as the domain sees it: an explicit type string and its data. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/** The Telegram update (or other message) a command came from: used for dedupe, ids and metadata. */
export interface CommandOrigin {
  /** `<bot id>:<update_id>` for Telegram updates; unique per delivery source. */
  causationId: string;
  correlationId: string;
  /** The Telegram update_id, when the command came from one (used to detect redelivery). */
  updateId?: number;
  /** The bot whose update this is (update ids are only unique per bot). */
  updateSource?: number;
  occurredAt: string;
}

/**
 * A stream's state: its events folded into `from` (the initial state by default: the whole stream), each with its
 * revision when it has one (see `evolve`).
 */
export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly { event: Event; revision?: number }[],
  from: State = decider.initialState(),
): State {
  return events.reduce((state, { event, revision }) => decider.evolve(state, event, revision), from);
}

/**
 * The `default` of every `evolve`: `const _exhaustive: never = event` makes the compiler name any event
 * type without its own case (so no two types can share a body by accident), and a type that reaches it at
 * run time anyway (a stream written by a newer version) fails loudly instead of folding into `undefined`.
 */
export function unknownEvent(event: never): never {
  throw new Error(`No evolve case for event type ${String((event as { type?: unknown }).type)}`);
}
