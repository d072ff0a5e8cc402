/**
 * How many bots start-up reconciles at once (setWebhook, deleteWebhook + first poll): enough that 1,000
 * bots take seconds, not minutes, at Telegram's ~100 ms per call, without opening 1,000 connections at once.
 */
export const STARTUP_CONCURRENCY = 16;

/**
 * Runs `work` for every item, at most `limit` at a time, and resolves when all are done. `work` must
 * handle its own failures: one item's error is not allowed to stop the others.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
