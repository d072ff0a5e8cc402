/**
 * Switchable connection faults: what a real network between the app and api.telegram.org does besides
 * answering. Each is armed for the next `times` calls of one method of one bot (`'*'`: any method) and
 * models one way Telegram (or the path to it) fails a client:
 *
 * - `hang`: the request arrives and nothing comes back, ever (an overloaded Bot API front, a black-holed
 *   connection). The call is not carried out. It waits until the client gives up (its timeout closes the
 *   connection: nothing was done) or the test calls `releaseHung()` (then it is carried out and answered
 *   late, as a slow Telegram would).
 * - `reset_before`: the connection drops after the request was sent but before Telegram acted on it
 *   (a proxy restart, a stale keep-alive socket). Nothing was done; the client sees ECONNRESET.
 * - `reset_after`: Telegram carries the call out (the message IS sent, the user sees it) and the
 *   connection drops before the answer arrives. The client sees the same ECONNRESET as above and cannot
 *   tell the two apart: the realistic cause of duplicate messages.
 *
 * Long `429` streaks are answer faults, not connection faults: `failNext(bot, method, { errorCode: 429,
 * retryAfter }, times)` (traffic-control.ts) answers the next `times` calls with Telegram's own 429.
 */
export type ConnectionFault = 'hang' | 'reset_before' | 'reset_after';

export class ConnectionFaults {
  private readonly armed = new Map<string, ConnectionFault[]>();
  private readonly hung = new Set<() => void>();

  /** `changed` wakes the fake's waiters when a call starts or stops hanging. */
  constructor(private readonly changed: () => void = () => undefined) {}

  failNext(botId: number, method: string, fault: ConnectionFault, times: number): void {
    const key = faultKey(botId, method);
    this.armed.set(key, [...(this.armed.get(key) ?? []), ...Array.from({ length: times }, () => fault)]);
  }

  take(botId: number, method: string): ConnectionFault | undefined {
    for (const key of [faultKey(botId, method), faultKey(botId, '*')]) {
      const fault = this.armed.get(key)?.shift();
      if (fault) return fault;
    }
    return undefined;
  }

  /** How many calls are hanging right now. */
  get hanging(): number {
    return this.hung.size;
  }

  /** Resolves `true` when released by the test, `false` when the client hung up first. */
  hang(clientGone: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (clientGone.aborted) return resolve(false);
      const release = () => finish(true);
      const gone = () => finish(false);
      const finish = (released: boolean) => {
        this.hung.delete(release);
        clientGone.removeEventListener('abort', gone);
        this.changed();
        resolve(released);
      };
      this.hung.add(release);
      clientGone.addEventListener('abort', gone, { once: true });
      this.changed();
    });
  }

  /** Lets every hanging call go on (carried out and answered); returns how many there were. */
  releaseHung(): number {
    const all = [...this.hung];
    all.forEach((release) => release());
    return all.length;
  }
}

const faultKey = (botId: number, method: string): string => `${botId}|${method === '*' ? '*' : method.toLowerCase()}`;
