/**
 * `BENCH_ONLY=inboxes`: the throughput ceiling of each inbox mode (M12, issue 12) under Telegram's flood limits.
 * The whole app runs against the Bot API fake with the limits switched on (1 message/s per chat, 30/s per bot,
 * 20/minute per bot and group, 429 with `retry_after` beyond); customers write faster than the mode allows, and
 * the bench measures the relay rate it sustains, the latency the backlog costs, and that nothing is lost or
 * repeated — each figure beside what Telegram's documented limits allow (inbox-ceilings.ts).
 *
 * A mode is one entry of `INBOX_MODES`: its name and how to measure it on a fresh app and fake.
 */
import { loadavg } from 'node:os';
import { masterBotChatMode } from './bench-inbox-masterbot';
import { ownChatMode } from './bench-inbox-own-chat';
import { teamGroupMode } from './bench-inbox-team-group';
import { onStage, type InboxMode, type InboxModeFigures } from './bench-inbox-stage';

export interface InboxesFigures {
  modes: InboxModeFigures[];
  loadBefore: number[];
  loadAfter: number[];
}

/** The modes measured, in the report's order. Adding a mode is adding its entry here. */
export const INBOX_MODES: readonly InboxMode[] = [masterBotChatMode, teamGroupMode, ownChatMode];

export async function benchInboxes(): Promise<InboxesFigures> {
  const loadBefore = loadavg();
  const modes: InboxModeFigures[] = [];
  for (const mode of INBOX_MODES) {
    const started = performance.now();
    console.log(`inboxes: ${mode.mode}…`);
    const figures = await onStage((stage) => mode.measure(stage));
    modes.push({ mode: mode.mode, ...figures, seconds: (performance.now() - started) / 1000 });
    for (const row of figures.rows) console.log(`  ${row.measure}: ${row.measured} (ceiling ${row.ceiling})`);
  }
  return { modes, loadBefore, loadAfter: loadavg() };
}
