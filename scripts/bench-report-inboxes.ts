/** The inbox modes section of docs/benchmarks.md (bench-inboxes.ts): per mode, each measure beside its ceiling. */
import type { InboxesFigures } from './bench-inboxes';
import { BOT_PER_SECOND, GROUP_PER_MINUTE, PRIVATE_CHAT_PER_SECOND, TEAM_GROUP_POSTS, teamGroupCeiling } from './inbox-ceilings';

export const INBOXES_SECTION = '## Inbox modes and their ceilings';

export function inboxesSection(f: InboxesFigures, machine: string): string[] {
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' / ');
  const team = teamGroupCeiling();
  const lines = [
    INBOXES_SECTION,
    '',
    ...wrap(
      `Measured ${new Date().toISOString()} on ${machine} by \`BENCH_ONLY=inboxes\` (scripts/bench-inboxes.ts, ` +
        `${f.modes.map((m) => `${m.mode} ${m.seconds.toFixed(0)} s`).join(', ')}). The whole app (its own process, embedded ` +
        'store, webhooks) against the Bot API fake with Telegram’s flood limits switched on: ' +
        `${PRIVATE_CHAT_PER_SECOND} message/s per chat, ${BOT_PER_SECOND}/s per bot, ${GROUP_PER_MINUTE}/minute per bot and group, ` +
        '429 with `retry_after` beyond. Customers write faster than the mode allows; the **ceiling** column is what Telegram’s ' +
        'documented limits allow (scripts/inbox-ceilings.ts), the measured rate is the slope of a least-squares fit of ' +
        'the messages’ times over the middle 80 % of the drain ' +
        '(its share of the ceiling in brackets: the app paces 2 % under each limit, so 98 % is the ceiling reached). ' +
        'A latency’s ceiling is the wait the backlog alone imposes at the ceiling rate.',
    ),
    '',
    ...wrap(
      '**Which mode for which load.** The *MasterBot chat* takes 1 message/s into each master’s chat (60/minute), and every ' +
        `tenant in that mode shares the one MasterBot’s ${BOT_PER_SECOND}/s: up to ${BOT_PER_SECOND} masters busy at once each ` +
        `get their 1/s, beyond that each gets ${BOT_PER_SECOND}/s ÷ the number of busy masters. It suits a master who answers ` +
        'alone and gets less than a message a second sustained; bursts above that wait in the master’s lane, never dropped. ' +
        `A *team group* is much narrower: ${GROUP_PER_MINUTE} posts/minute per client bot into its group, so about ` +
        `${team.returningPerMinute.toFixed(0)} messages/minute from returning customers and ${team.newPerMinute.toFixed(0)} new ` +
        `customers/minute (each new one costs a topic, its card and the message: ${TEAM_GROUP_POSTS.newCustomer} posts). Pick ` +
        'it for several agents and threads at a moderate volume (a shop’s support desk, not a broadcast’s replies); its ' +
        'posts go through the client bot, so it neither spends nor waits for the MasterBot’s shared budget. Several bots ' +
        'linked to one group each have their own 20/minute there; a single bot whose customers write more than that ' +
        'belongs in a chat inbox. *The client bot’s own chat* gives each tenant its own bot’s budget: 1 message/s into the ' +
        'owner’s chat whatever other tenants do, with no shared ceiling above it (more tenants busy at once than the ' +
        'MasterBot’s 30/s could serve each still get their 1/s); a new customer costs 2 messages there (card + message).',
    ),
    '',
  ];
  for (const mode of f.modes) {
    lines.push(`### ${mode.mode}`, '', `Load: ${mode.load}.`, '', '| measure | ceiling (Telegram’s limits) | measured |', '|---|---|---|');
    for (const row of mode.rows) lines.push(`| ${row.measure} | ${row.ceiling} | ${row.measured} |`);
    lines.push('');
  }
  lines.push(
    ...wrap(
      `Load average (1 / 5 / 15 min): ${load(f.loadBefore)} before, ${load(f.loadAfter)} after (2 cores, shared with other ` +
        'sessions). The app’s CPU rows say how far from CPU-bound the floods were, and the relay rate once the customers ' +
        'stopped writing (the app then only relays) beside the whole drain’s says whether taking the flood in held relays ' +
        'back: an app short of CPU would relay faster once it stopped.',
    ),
    '',
    ...wrap(
      'Pacing is exact to the millisecond: a bucket whose next token is less than a millisecond away grants it and ' +
        'owes the fraction (`TokenBucket.waitMs`), so a MasterBot-bound flood reaches 98 % of 30/s. Before, each wait ' +
        'was rounded up to whole milliseconds and a one-token bucket could not bank the overshoot (34.0 ms became 35): ' +
        '95 %.',
    ),
    '',
    ...wrap(
      'WARNING: Telegram documents its limits only as approximate ("about 30 messages per second", "no more than 20 ' +
        'messages per minute to the same group") and may refuse earlier (long messages, by its FAQ). Whether a topic’s ' +
        'creation (`createForumTopic`, which posts a service message) counts against the group’s 20/minute is not ' +
        'documented: the app does not pace it and the fake does not count it; if Telegram does, a new customer costs 3 ' +
        `posts and new customers top out near ${(GROUP_PER_MINUTE / 3).toFixed(0)}/minute.`,
    ),
    '',
  );
  return lines;
}

/** A paragraph as lines of at most `width` characters (the report's source stays readable). */
export function wrap(text: string, width = 118): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}
