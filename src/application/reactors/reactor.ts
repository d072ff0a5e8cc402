import { RecordedEvent } from '../ports/event-store.port';

/** Every reactor the app runs (each on its own checkpointed subscription). */
export const REACTORS = Symbol('REACTORS');

/**
 * A side effect driven by the event history (a relay, a delivery, a notice). The runner feeds it from a
 * checkpointed subscription, so what was recorded before a crash is still acted on after the restart.
 *
 * WARNING: delivery is at-least-once. A reactor that must not repeat an effect checks the recorded
 * outcome before acting (relay and delivery do); a crash between the Telegram call and recording its
 * outcome can still repeat that one call.
 */
export interface Reactor {
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  /** `react` may legitimately run for minutes (a paced broadcast): readiness does not call it stuck, only failing. */
  readonly longRunning?: boolean;
  /** Events with the same key are handled strictly in order; different keys may run concurrently. */
  key(event: RecordedEvent): string;
  react(event: RecordedEvent): Promise<void>;
}
