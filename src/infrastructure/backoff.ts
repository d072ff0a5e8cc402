/**
 * Exponential back-off: `baseMs` × 2^`step`, at most `maxMs` (step 0 waits `baseMs`). The exponent is clamped so a
 * long outage never computes Infinity. One rule for every retry loop that talks to something outside the process
 * (Telegram at start-up, pollers, webhook registration, outbound calls, EventStoreDB reconnects).
 */
export function backoffMs(step: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(step, 0), 30), maxMs);
}
