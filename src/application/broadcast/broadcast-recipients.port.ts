export const BROADCAST_RECIPIENTS = Symbol('BROADCAST_RECIPIENTS');

/** M10: who a broadcast goes to (from the `customers` read model). */
export interface BroadcastRecipients {
  /**
   * Customer ids of the bot that this master heard from, neither banned nor known to have blocked the
   * bot, as of (at least) the global position of the broadcast request.
   */
  of(botId: number, masterId: number, atLeast: bigint): Promise<number[]>;
}
