/**
 * The abort signal of one attempt of one Telegram call: aborted when its deadline passes or when any of
 * `parents` aborts (the gateway closing, a poller stopping); `release()` after the attempt leaves nothing
 * behind — no listener on a parent, no pending timer.
 *
 * Why not `AbortSignal.any([AbortSignal.timeout(ms), ...parents])`: on Node 20 each `AbortSignal.any`
 * adds an entry to every parent's set of dependant signals that is never removed while the parent lives,
 * and `AbortSignal.timeout` keeps its timer (and signal) until the deadline even when the call ended long
 * before. The gateway's close signal lives as long as the process and a poller's stop signal as long as
 * the poller, so every call left ~130 bytes behind for good (and 0.4–2 KB more until its deadline): with
 * 1,000 polled client bots (~40 long polls a second) ~19 MB an hour (test/outbound-memory.unit.spec.ts).
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private deadlinePassed = false;
  private held = false;
  private readonly onParentAbort = (event: Event): void => this.controller.abort((event.target as AbortSignal | null)?.reason);

  constructor(
    timeoutMs: number,
    private readonly parents: readonly AbortSignal[],
  ) {
    // unref: like AbortSignal.timeout, a pending deadline alone does not keep the process running.
    this.timer = setTimeout(() => {
      if (this.controller.signal.aborted) return;
      this.deadlinePassed = true;
      this.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, timeoutMs).unref();
    for (const parent of parents) {
      if (parent.aborted) {
        this.controller.abort(parent.reason);
        break;
      }
      parent.addEventListener('abort', this.onParentAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the attempt was aborted by its own deadline (not by a parent). */
  get timedOut(): boolean {
    return this.deadlinePassed;
  }

  /**
   * Keeps the deadline and the parents' abort past the attempt's settling, for a result still being read
   * (a download's body stream): `release()` then does nothing, and the returned function releases.
   */
  hold(): () => void {
    this.held = true;
    return () => {
      this.held = false;
      this.release();
    };
  }

  /** Call once the attempt settled, whatever its outcome (outbound-calls.ts does). */
  release(): void {
    if (this.held) return;
    clearTimeout(this.timer);
    for (const parent of this.parents) parent.removeEventListener('abort', this.onParentAbort);
  }
}
