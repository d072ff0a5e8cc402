import { AnyEvent, EventShape, RecordedEvent, TypesOf } from '../ports/event-store.port';

/** Every reactor the app runs (each on its own checkpointed subscription). */
export const REACTORS = Symbol('REACTORS');

/**
 * A side effect driven by the event history (a relay, a delivery, a notice). The runner feeds it from a
 * checkpointed subscription, so what was recorded before a crash is still acted on after the restart.
 * It queues each handled event in the lane of its `key` (one chat): a lane runs strictly in order and
 * retries a failed `react` (with back-off) before its next event; lanes are independent, so a chat that
 * is slow, rate-limited, hung or failing delays only itself. `react` must therefore not wait on another
 * lane's work, and a key must be narrow: everything sharing a key shares its delays.
 *
 * A reactor is a value with a name: the name keys its checkpoint (`reactor:<name>`), and is what a later
 * issue leases so that exactly one replica runs it (see docs/architecture.md, "One owner per processor").
 * The runners carry reactors loosely typed (`Reactor`); that a typed reactor only ever sees its own `E` is
 * the runner's filter on `handles`, not something the compiler checks at that one hand-over.
 *
 * WARNING: delivery is at-least-once. A reactor that must not repeat an effect checks the recorded
 * outcome before acting (relay and delivery do); a crash between the Telegram call and recording its
 * outcome can still repeat that one call. A reactor whose repeats a user would see sets
 * `recordsAttempts`: then a crash repeats only the reactions that were in flight, and says so (`ReactionRun`).
 */
export interface Reactor<E extends EventShape = AnyEvent> {
  readonly name: string;
  /**
   * The event types it reacts to, from its union `E` (a misspelt name does not compile); the runner
   * skips every other event. `key` and `react` therefore see only `E`, narrowed by `type` in a switch.
   */
  readonly handles: TypesOf<E>;
  /**
   * Its effect is something a user would see twice (a message). The runner then durably records "attempt
   * started" before `react` and "finished" right after it, so after a crash only the reactions in flight
   * (started, not finished) run again — each told so by `ReactionRun.repeat` — instead of every one
   * above the checkpoint. Costs two small writes per reaction (see docs/architecture.md).
   */
  readonly recordsAttempts?: boolean;
  /** `react` may legitimately run for minutes (a paced broadcast, in its own lane): readiness does not call it stuck, only failing. */
  readonly longRunning?: boolean;
  /**
   * The lane: events with the same key are handled strictly in order, one at a time; different keys run
   * concurrently and independently. Use the chat the effect goes to (`master:<id>`, `chat:<bot>:<customer>`).
   */
  key(event: RecordedEvent<E>): string;
  react(event: RecordedEvent<E>, run?: ReactionRun): Promise<void>;
}

/** What the runner knows about this reaction (only for reactors that record attempts). */
export interface ReactionRun {
  /**
   * An earlier run started and never finished: the process died (or stopped waiting) while it was in
   * flight, so its effect may already be visible. A retry within one process is not a repeat.
   */
  repeat: boolean;
}
