import { SENDING_METHODS } from './traffic-control';

/** A call the fake has received and not answered yet. */
export interface InFlightCall {
  botId: number | null;
  method: string;
  chatId?: string;
  receivedAt: number;
}

/**
 * Switchable latency, and which calls Telegram holds right now (received, not yet answered).
 *
 * The delay is how long Telegram takes to carry a call out and answer it (the network both ways plus its
 * own work). It applies to the methods that put a message into a chat unless others are named. The call
 * is carried out at the end of the delay whether or not the client is still connected — Telegram cannot
 * tell that the client died — so a client killed meanwhile never learns that its message was sent: the
 * realistic cause of duplicates after a crash.
 */
export class Latency {
  private ms = 0;
  private methods = lowerCased(SENDING_METHODS);
  private readonly held = new Set<InFlightCall>();

  /** `changed` wakes the fake's waiters when a call arrives or is answered. */
  constructor(private readonly changed: () => void = () => undefined) {}

  set(ms: number, methods?: readonly string[]): void {
    this.ms = ms;
    this.methods = lowerCased(methods ?? SENDING_METHODS);
  }

  /** Runs one call from its arrival to its answer, delayed when latency is on for its method. */
  async carry<T>(call: Omit<InFlightCall, 'receivedAt'>, work: () => Promise<T>): Promise<T> {
    const held: InFlightCall = { ...call, receivedAt: Date.now() };
    this.held.add(held);
    this.changed();
    try {
      if (this.ms > 0 && this.methods.has(call.method.toLowerCase())) await new Promise((resolve) => setTimeout(resolve, this.ms));
      return await work();
    } finally {
      this.held.delete(held);
      this.changed();
    }
  }

  get inFlight(): InFlightCall[] {
    return [...this.held];
  }
}

const lowerCased = (methods: Iterable<string>): ReadonlySet<string> => new Set([...methods].map((m) => m.toLowerCase()));
