/**
 * The team-group mode's ceiling (bench-inboxes.ts): one client bot linked to a supergroup with topics, as a
 * master links it (/connect in the group, confirmed in the MasterBot chat). The bot posts into the group, 20
 * messages/minute. Two bursts, each written all at once (far faster than the group takes):
 *   1. NEW customers write their first message: each costs a topic (createForumTopic), its customer card and
 *      the message itself;
 *   2. the same customers, now returning, write RETURNING messages each: each costs one post.
 * Measured: customer messages relayed per minute and posts per minute into the group over the middle of each
 * drain, topics and posts per new customer (from the fake's journal), latency from the customer's message to its
 * copy in the topic, messages lost or duplicated, 429s.
 */
import { SENDING_METHODS, type FakeUser, type SentRecord } from '../test/support/telegram-bot-api.fake';
import { linkedTeamGroup } from '../test/support/team-group-steps';
import { rateCell, round, sleep, waitForTexts, type CeilingRow, type InboxMode, type InboxStage } from './bench-inbox-stage';
import { lostAndDuplicated, quantile, sustainedRatePerSecond } from './bench-stats';
import type { AttachedTenant } from './bench-support';
import { backlogWaitSeconds, GROUP_PER_MINUTE, TEAM_GROUP_POSTS, teamGroupCeiling } from './inbox-ceilings';

const NEW = Number(process.env.BENCH_INBOX_NEW_CUSTOMERS ?? 10);
const RETURNING = Number(process.env.BENCH_INBOX_RETURNING_MESSAGES ?? 2);
/** The group's bucket holds one post and refills in 60 s ÷ 20: waited before each burst so it starts full. */
const REFILL_MS = (60_000 / GROUP_PER_MINUTE) * 1.1;

export const teamGroupMode: InboxMode = {
  mode: 'Team group',
  async measure(stage) {
    const [tenant] = await stage.attach(1);
    const group = await linkedTeamGroup(stage, tenant.master, tenant.bot, 'Support team', []);
    const customers = Array.from({ length: NEW }, (_, i) => stage.fake.createUser({ firstName: `Carol${i}`, username: `carol_${i}` }));
    const rows = [
      ...(await burst(stage, tenant, group, customers, 1, 'new')),
      ...(await burst(stage, tenant, group, customers, RETURNING, 'returning')),
    ];
    return {
      load: `one master, one client bot linked to one team group; ${NEW} new customers write their first message at once, then write ${RETURNING} more each at once`,
      rows,
    };
  },
};

async function burst(
  stage: InboxStage,
  { bot }: AttachedTenant,
  group: number,
  customers: FakeUser[],
  each: number,
  phase: 'new' | 'returning',
): Promise<CeilingRow[]> {
  const { fake } = stage;
  await sleep(REFILL_MS);
  const start = Date.now();
  const postedAt = new Map<string, number>();
  for (let i = 0; i < each; i++)
    customers.forEach((customer, c) => {
      const text = `${phase} c${c} #${i}`;
      postedAt.set(text, Date.now());
      fake.userSends(bot.id, customer.id, text);
    });
  const ceiling = teamGroupCeiling();
  const postsEach = phase === 'new' ? TEAM_GROUP_POSTS.newCustomer : TEAM_GROUP_POSTS.returningCustomer;
  const total = postedAt.size;
  const inGroup = (s: SentRecord) => (s.botId === bot.id && s.chatId === group ? (s.text ?? '') : undefined);
  await waitForTexts(fake, inGroup, new Set(postedAt.keys()), ((total * postsEach * 60) / GROUP_PER_MINUTE) * 2000 + 60_000);

  const sent = fake.sent(bot.id, group).filter((s) => s.at >= start);
  const relays = sent.filter((s) => postedAt.has(s.text ?? ''));
  // What Telegram's flood limits count: messages the bot sent (a topic's `forum_topic_created` is a service message).
  const posts = sent.filter((s) => SENDING_METHODS.has(s.method));
  const topics = fake.calls.filter(
    (c) => c.botId === bot.id && c.method === 'createForumTopic' && c.status === 200 && c.at >= start,
  ).length;
  const refused = fake.calls.filter((c) => c.botId === bot.id && c.status === 429 && c.at >= start).length;
  const latencies = relays.map((s) => s.at - postedAt.get(s.text ?? '')!).sort((a, b) => a - b);
  const { lost, duplicated } = lostAndDuplicated(
    postedAt.keys(),
    relays.map((s) => s.text ?? ''),
  );
  const relaysPerMinute = sustainedRatePerSecond(relays.map((s) => s.at)) * 60;
  const postsPerMinute = sustainedRatePerSecond(posts.map((s) => s.at)) * 60;
  const relayCeiling = phase === 'new' ? ceiling.newPerMinute : ceiling.returningPerMinute;
  // The k-th relay of the burst is its (k × posts each)-th post into the group; the first post goes at once.
  const expectedWait = (p: number) => backlogWaitSeconds(Math.max(1, Math.ceil(p * total)) * postsEach, Infinity, GROUP_PER_MINUTE / 60);

  const label =
    phase === 'new'
      ? `${total} new customers, one message each`
      : `${customers.length} returning customers, ${each} message${each > 1 ? 's' : ''} each`;
  const rows: CeilingRow[] = [
    {
      measure: `${label}: customer messages relayed into their topics per minute`,
      ceiling: `${round(relayCeiling)}/min (20/min ÷ ${postsEach} post${postsEach > 1 ? 's' : ''})`,
      measured: rateCell(relaysPerMinute, relayCeiling, '/min'),
    },
    {
      measure: `${label}: posts into the group per minute${phase === 'new' ? ' (cards and messages)' : ''}`,
      ceiling: `${round(ceiling.postsPerMinute)}/min`,
      measured: rateCell(postsPerMinute, ceiling.postsPerMinute, '/min'),
    },
  ];
  if (phase === 'new')
    rows.push({
      measure: `${label}: what one new customer costs in the group — topics created; posts (card + message)`,
      ceiling: `1; ${TEAM_GROUP_POSTS.newCustomer}`,
      measured: `**${round(topics / total)}; ${round(posts.length / total)}**`,
    });
  rows.push(
    {
      measure: `${label}: latency, customer → their topic, p50 / p95 / max`,
      ceiling: `${[0.5, 0.95, 1].map((p) => expectedWait(p).toFixed(0)).join(' / ')} s (the backlog's wait)`,
      measured: [0.5, 0.95, 1].map((p) => (quantile(latencies, p) / 1000).toFixed(0)).join(' / ') + ' s',
    },
    {
      measure: `${label}: messages lost / duplicated; 429s Telegram answered`,
      ceiling: '0 / 0',
      measured: `**${lost} / ${duplicated}**; ${refused}`,
    },
  );
  return rows;
}
