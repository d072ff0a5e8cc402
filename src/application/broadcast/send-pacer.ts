/**
 * Spaces a bot's broadcast sends evenly at most `perSecond` apart, across every broadcast running for
 * that bot in this process (two broadcasts on one bot share its rate, not double it). Telegram allows
 * about 30 messages per second per bot; a slot is reserved when asked for, so concurrent senders get
 * consecutive slots.
 *
 * WARNING: per process and per recipient: relays and replies on the same bot are not counted, and a
 * recipient whose copy takes several messages (a long text in parts) uses one slot. What overshoots is
 * answered with 429 by Telegram, which the gateway waits out.
 */
export class SendPacer {
  private readonly nextSlot = new Map<number, number>();
  private readonly intervalMs: number;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  async take(botId: number): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextSlot.get(botId) ?? 0);
    this.nextSlot.set(botId, at + this.intervalMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    // Forget idle bots so the map does not grow with every bot that ever broadcast.
    if ((this.nextSlot.get(botId) ?? 0) <= Date.now()) this.nextSlot.delete(botId);
  }
}
