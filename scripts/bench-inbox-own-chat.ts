/**
 * The client bot's own chat's ceiling (bench-inboxes.ts, M14): TENANTS masters, each with one client bot with topics
 * in private chats on (the fake's `topicsInPrivateChats`), each switched to its own chat as an owner does it (/start to
 * the bot, the "its own chat" button). Each bot posts into its owner's chat, 1 message/s there, from its own 30/s.
 *   1. NEW customers (NEW_EACH per tenant) write their first message at once: each costs a topic, a card, the message;
 *   2. the same customers, now returning, flood: every tenant's customers write OFFERED messages/s for SECONDS s.
 * More tenants than the MasterBot's 30/s could serve at 1/s each: measured is whether each still gets its 1/s (no
 * shared budget), relays/s overall and per owner's chat, latency, topics and posts per new customer, lost, 429s.
 */
import { SENDING_METHODS, type FakeUser, type SentRecord } from '../test/support/telegram-bot-api.fake';
import type { AttachedTenant } from './bench-support';
import { rateCell, round, sleep, waitForTexts, type CeilingRow, type InboxMode, type InboxStage } from './bench-inbox-stage';
import { lostAndDuplicated, quantile, sustainedRatePerSecond } from './bench-stats';
import { backlogWaitQuantile, OWN_CHAT_POSTS, ownChatCeiling } from './inbox-ceilings';

const TENANTS = Number(process.env.BENCH_INBOX_OWN_CHAT_TENANTS ?? 40);
const NEW_EACH = 2;
const OFFERED = Number(process.env.BENCH_INBOX_OFFERED ?? 2);
const SECONDS = Number(process.env.BENCH_INBOX_SECONDS ?? 15);

export const ownChatMode: InboxMode = {
  mode: 'The client bot’s own chat',
  async measure(stage) {
    const tenants = await stage.attach(TENANTS, { topicsInPrivateChats: true });
    await Promise.all(tenants.map((tenant) => intoOwnChat(stage, tenant)));
    const customers = tenants.map((_, m) =>
      Array.from({ length: NEW_EACH }, (__, c) => stage.fake.createUser({ firstName: `Customer${m}x${c}`, username: `c_${m}_${c}` })),
    );
    const rows = [...(await newCustomers(stage, tenants, customers)), ...(await flood(stage, tenants, customers))];
    return {
      load: `${TENANTS} masters, each with one client bot relaying into its owner's chat (topics on); ${NEW_EACH} new customers per bot write at once, then every bot's customers write ${OFFERED} messages/s together for ${SECONDS} s`,
      rows,
    };
  },
};

/** The owner sends /start to their bot and presses "its own chat" on the offer, as in the product. */
async function intoOwnChat({ fake }: InboxStage, { master, bot }: AttachedTenant): Promise<void> {
  fake.userSends(bot.id, master.id, '/start');
  const offer = await fake.waitForSent((s) => s.botId === bot.id && s.chatId === master.id && (s.text ?? '').includes('Hello, owner of'), {
    timeoutMs: 30_000,
  });
  fake.userPressesButton(bot.id, master.id, offer.messageId, `inbox:${bot.id}:bot`);
  await fake.waitForSent(
    (s) => s.botId === bot.id && s.chatId === master.id && (s.text ?? '').startsWith('📥 This chat is now the inbox'),
    {
      timeoutMs: 30_000,
    },
  );
}

const inOwnersChat = (tenants: AttachedTenant[]) => {
  const owners = new Map(tenants.map(({ master, bot }) => [bot.id, master.id]));
  return (s: SentRecord) => (owners.get(s.botId) === s.chatId ? (s.text ?? '') : undefined);
};

async function newCustomers(stage: InboxStage, tenants: AttachedTenant[], customers: FakeUser[][]): Promise<CeilingRow[]> {
  const { fake } = stage;
  await sleep(2000); // every owner's chat bucket full again after the offer and its confirmation
  const start = Date.now();
  const postedAt = new Map<string, number>();
  tenants.forEach(({ bot }, m) =>
    customers[m].forEach((customer, c) => {
      const text = `new t${m} c${c}`;
      postedAt.set(text, Date.now());
      fake.userSends(bot.id, customer.id, text);
    }),
  );
  const textOf = inOwnersChat(tenants);
  await waitForTexts(fake, textOf, new Set(postedAt.keys()), NEW_EACH * OWN_CHAT_POSTS.newCustomer * 2000 + 60_000);
  const bots = new Set(tenants.map((t) => t.bot.id));
  // What Telegram's flood limits count: messages the bot sent (a topic's `forum_topic_created` is a service message).
  const sent = fake.sent().filter((s) => s.at >= start && textOf(s) !== undefined && SENDING_METHODS.has(s.method));
  const relays = sent.filter((s) => postedAt.has(s.text ?? ''));
  const topics = fake.calls.filter(
    (c) => c.botId !== null && bots.has(c.botId) && c.method === 'createForumTopic' && c.status === 200 && c.at >= start,
  ).length;
  const refused = fake.calls.filter((c) => c.botId !== null && bots.has(c.botId) && c.status === 429 && c.at >= start).length;
  const { lost, duplicated } = lostAndDuplicated(
    postedAt.keys(),
    relays.map((s) => s.text ?? ''),
  );
  const latencies = relays.map((s) => s.at - postedAt.get(s.text ?? '')!).sort((a, b) => a - b);
  const total = postedAt.size;
  const label = `${TENANTS} bots, ${NEW_EACH} new customers each at once (${total} messages)`;
  // A tenant's k-th new customer's message is its (k × 2)-th post into the owner's chat at 1/s.
  const expectedMax = NEW_EACH * OWN_CHAT_POSTS.newCustomer - 1;
  return [
    {
      measure: `${label}: what one new customer costs in the owner's chat — topics created; messages (card + message)`,
      ceiling: `1; ${OWN_CHAT_POSTS.newCustomer}`,
      measured: `**${round(topics / total)}; ${round(sent.length / total)}**`,
    },
    {
      measure: `${label}: latency, customer → owner's chat, p50 / max`,
      ceiling: `— / ${expectedMax.toFixed(0)} s (the last card and message at 1/s)`,
      measured: [0.5, 1].map((p) => (quantile(latencies, p) / 1000).toFixed(1)).join(' / ') + ' s',
    },
    {
      measure: `${label}: messages lost / duplicated; 429s Telegram answered`,
      ceiling: '0 / 0',
      measured: `**${lost} / ${duplicated}**; ${refused}`,
    },
  ];
}

async function flood(stage: InboxStage, tenants: AttachedTenant[], customers: FakeUser[][]): Promise<CeilingRow[]> {
  const { fake } = stage;
  await sleep(2000);
  const postedAt = new Map<string, number>();
  const perTenant = OFFERED * SECONDS;
  const cpuBefore = await stage.appCpuMs();
  const start = Date.now();
  for (let i = 0; i < perTenant; i++) {
    const wait = start + (i * 1000) / OFFERED - Date.now();
    if (wait > 0) await sleep(wait);
    tenants.forEach(({ bot }, m) => {
      const text = `flood t${m} #${i}`;
      postedAt.set(text, Date.now());
      fake.userSends(bot.id, customers[m][i % NEW_EACH].id, text);
    });
  }
  const written = Date.now();
  const ceiling = ownChatCeiling(tenants.length);
  const textOf = inOwnersChat(tenants);
  await waitForTexts(fake, textOf, new Set(postedAt.keys()), (perTenant / ceiling.perChatPerSecond) * 2000 + 60_000);

  const cpuShare = ((await stage.appCpuMs()) - cpuBefore) / (Date.now() - start);
  const relays = fake.sent().filter((s) => s.at >= start && postedAt.has(textOf(s) ?? ''));
  const overall = sustainedRatePerSecond(relays.map((s) => s.at));
  const afterWriting = sustainedRatePerSecond(relays.filter((s) => s.at >= written).map((s) => s.at));
  const perChat = tenants
    .map(({ master, bot }) => sustainedRatePerSecond(relays.filter((s) => s.botId === bot.id && s.chatId === master.id).map((s) => s.at)))
    .sort((a, b) => a - b);
  const latencies = relays.map((s) => s.at - postedAt.get(s.text ?? '')!).sort((a, b) => a - b);
  const { lost, duplicated } = lostAndDuplicated(
    postedAt.keys(),
    relays.map((s) => s.text ?? ''),
  );
  const bots = new Set(tenants.map((t) => t.bot.id));
  const refused = fake.calls.filter((c) => c.botId !== null && bots.has(c.botId) && c.status === 429 && c.at >= start).length;
  const masterBotSent = fake.sent(stage.masterBot.id).filter((s) => s.at >= start).length;

  const n = tenants.length;
  const expectedWait = (p: number) => backlogWaitQuantile(p, perTenant, OFFERED, ceiling.perChatPerSecond);
  const label = `${n} bots flooded (${perTenant * n} messages from returning customers)`;
  return [
    {
      measure: `${label}: relays/s into all owners' chats; once the customers stopped writing`,
      ceiling: `${round(ceiling.overallPerSecond)}/s (${n} chats × 1/s, each from its own bot's 30/s)`,
      measured: `${rateCell(overall, ceiling.overallPerSecond, '/s')}; ${rateCell(afterWriting, ceiling.overallPerSecond, '/s')}`,
    },
    {
      measure: `${label}: relays/s into one owner's chat (median; slowest chat)`,
      ceiling: `${round(ceiling.perChatPerSecond)}/s`,
      measured: `${rateCell(quantile(perChat, 0.5), ceiling.perChatPerSecond, '/s')}; ${round(perChat[0])}/s`,
    },
    {
      measure: `${label}: latency, customer → owner's chat, p50 / p95 / max`,
      ceiling: `${[0.5, 0.95, 1].map((p) => expectedWait(p).toFixed(1)).join(' / ')} s (the backlog's wait)`,
      measured: [0.5, 0.95, 1].map((p) => (quantile(latencies, p) / 1000).toFixed(1)).join(' / ') + ' s',
    },
    {
      measure: `${label}: messages lost / duplicated; 429s Telegram answered; messages the MasterBot sent meanwhile`,
      ceiling: '0 / 0; 0',
      measured: `**${lost} / ${duplicated}**; ${refused}; ${masterBotSent}`,
    },
    {
      measure: `${label}: the app process's CPU over the flood and its drain`,
      ceiling: '—',
      measured: `${(cpuShare * 100).toFixed(0)} % of one core`,
    },
  ];
}
