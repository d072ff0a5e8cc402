import { EventStore } from '../application/ports/event-store.port';
import { EventPump } from './event-pump';

/**
 * Callers waiting for a follower of the history (a projection, the history tail) to have read up to a
 * position, each with its own timeout. Someone waiting is a request in flight (a reply, a query): unless the
 * wait is not `urgent`, the pump is not held for a busy intake meanwhile (`EventPump.hurry`, IntakeFirst).
 */
export class PositionWaiters {
  private waiters: { position: bigint; resolve: (reached: boolean) => void }[] = [];

  constructor(private readonly store: EventStore) {}

  /** Resolves true once `reached` is told of `position` or later, false when `timeoutMs` passes first (or at `cancelAll`). */
  wait(position: bigint, timeoutMs: number, urgent = true): Promise<boolean> {
    const wait = () =>
      new Promise<boolean>((resolve) => {
        const waiter = { position, resolve };
        this.waiters.push(waiter);
        setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs).unref();
      });
    return urgent ? EventPump.of(this.store).hurry(wait) : wait();
  }

  /** The follower has read up to `position`: the waits for it or for an earlier one end, true. */
  reached(position: bigint): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of due) waiter.resolve(true);
  }

  /** Every wait ends, false (the follower stops). */
  cancelAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve(false);
  }
}
