/**
 * The MasterBot-chat mode's ceiling (bench-inboxes.ts): every tenant's relays are sent by the one MasterBot.
 * Two floods, each with every flooded master's customers writing OFFERED messages/s for SECONDS seconds:
 *   1. CHAT_BOUND masters (fewer than 30): each master's chat is held to 1 message/s, the MasterBot has room;
 *   2. BOT_BOUND masters (more than 30): the MasterBot's 30/s is shared by every tenant, each chat gets less.
 * Measured: relays/s overall and per master's chat over the middle of the drain (and overall once the customers
 * stopped writing, beside the app's CPU: what taking the flood in costs), each relay's latency from the
 * customer's message to the MasterBot's sendMessage reaching the fake, messages lost or duplicated, 429s.
 */
import type { FakeUser, SentRecord } from '../test/support/telegram-bot-api.fake';
import type { AttachedTenant } from './bench-support';
import { rateCell, round, sleep, waitForTexts, type CeilingRow, type InboxMode, type InboxStage } from './bench-inbox-stage';
import { lostAndDuplicated, quantile, sustainedRatePerSecond } from './bench-stats';
import { backlogWaitQuantile, masterBotChatCeiling } from './inbox-ceilings';

const CHAT_BOUND = Number(process.env.BENCH_INBOX_CHAT_MASTERS ?? 20);
const BOT_BOUND = Number(process.env.BENCH_INBOX_MASTERS ?? 40);
/** Messages per second each flooded master's customers write together: twice what one chat takes. */
const OFFERED = Number(process.env.BENCH_INBOX_OFFERED ?? 2);
const SECONDS = Number(process.env.BENCH_INBOX_SECONDS ?? 15);
const CUSTOMERS_PER_MASTER = 2;

/** The customer's text in a relayed copy: it follows the header naming the customer and the bot. */
const relayedText = (sent: SentRecord): string => (sent.text ?? '').split('\n\n')[1] ?? '';

export const masterBotChatMode: InboxMode = {
  mode: 'MasterBot chat',
  async measure(stage) {
    const tenants = await stage.attach(Math.max(CHAT_BOUND, BOT_BOUND));
    const customers = tenants.map((_, m) =>
      Array.from({ length: CUSTOMERS_PER_MASTER }, (__, c) => stage.fake.createUser({ firstName: `Customer${m}x${c}` })),
    );
    const rows = [
      ...(await flood(stage, tenants.slice(0, CHAT_BOUND), customers, 'first')),
      ...(await flood(stage, tenants.slice(0, BOT_BOUND), customers, 'second')),
    ];
    return {
      load: `${CHAT_BOUND}, then ${BOT_BOUND} masters with one client bot each; every master's customers (${CUSTOMERS_PER_MASTER} per master) write ${OFFERED} messages/s together for ${SECONDS} s`,
      rows,
    };
  },
};

async function flood(stage: InboxStage, tenants: AttachedTenant[], customers: FakeUser[][], phase: string): Promise<CeilingRow[]> {
  const { fake, masterBot } = stage;
  await sleep(2000); // every chat's bucket full again after the attaching (or the previous flood)
  const postedAt = new Map<string, number>();
  const perMaster = OFFERED * SECONDS;
  const cpuBefore = await stage.appCpuMs();
  const start = Date.now();
  for (let i = 0; i < perMaster; i++) {
    const wait = start + (i * 1000) / OFFERED - Date.now();
    if (wait > 0) await sleep(wait);
    tenants.forEach(({ bot }, m) => {
      const text = `${phase} m${m} #${i}`;
      postedAt.set(text, Date.now());
      fake.userSends(bot.id, customers[m][i % CUSTOMERS_PER_MASTER].id, text);
    });
  }
  const written = Date.now();
  const ceiling = masterBotChatCeiling(tenants.length);
  const drainMs = ((perMaster * tenants.length) / ceiling.overallPerSecond) * 1000;
  const mine = (s: SentRecord) => (s.botId === masterBot.id ? relayedText(s) : undefined);
  await waitForTexts(fake, mine, new Set(postedAt.keys()), drainMs * 2 + 60_000);

  const cpuShare = ((await stage.appCpuMs()) - cpuBefore) / (Date.now() - start);
  const relays = fake.sent(masterBot.id).filter((s) => postedAt.has(relayedText(s)));
  const overall = sustainedRatePerSecond(relays.map((s) => s.at));
  // Once the customers stopped writing the app only relays: the rate then, beside the whole drain's, shows
  // whether taking the flood in held the relays back (CPU on a shared machine) or only the limits did.
  const afterWriting = sustainedRatePerSecond(relays.filter((s) => s.at >= written).map((s) => s.at));
  const perChat = tenants
    .map(({ master }) => sustainedRatePerSecond(relays.filter((s) => s.chatId === master.id).map((s) => s.at)))
    .sort((a, b) => a - b);
  const latencies = relays.map((s) => s.at - postedAt.get(relayedText(s))!).sort((a, b) => a - b);
  const { lost, duplicated } = lostAndDuplicated(postedAt.keys(), relays.map(relayedText));
  const refused = fake.calls.filter((c) => c.botId === masterBot.id && c.status === 429 && c.at >= start).length;

  const expectedWait = (p: number) => backlogWaitQuantile(p, perMaster, OFFERED, ceiling.perChatPerSecond);
  const n = tenants.length;
  const label = `${n} masters flooded (${perMaster * n} messages; ${ceiling.bound === 'chat' ? 'each chat' : 'the MasterBot'} binds)`;
  const why = ceiling.bound === 'chat' ? `${n} chats × 1/s` : "the MasterBot's 30/s, shared";
  return [
    {
      measure: `${label}: relays/s into all their chats; once the customers stopped writing`,
      ceiling: `${round(ceiling.overallPerSecond)}/s (${why})`,
      measured: `${rateCell(overall, ceiling.overallPerSecond, '/s')}; ${rateCell(afterWriting, ceiling.overallPerSecond, '/s')}`,
    },
    {
      measure: `${label}: relays/s into one master's chat (median; slowest chat)`,
      ceiling: `${round(ceiling.perChatPerSecond)}/s (${ceiling.bound === 'chat' ? '1/s per chat' : `30/s ÷ ${n}`})`,
      measured: `${rateCell(quantile(perChat, 0.5), ceiling.perChatPerSecond, '/s')}; ${round(perChat[0])}/s`,
    },
    {
      measure: `${label}: latency, customer → master's chat, p50 / p95 / max`,
      ceiling: `${[0.5, 0.95, 1].map((p) => expectedWait(p).toFixed(1)).join(' / ')} s (the backlog's wait)`,
      measured: [0.5, 0.95, 1].map((p) => (quantile(latencies, p) / 1000).toFixed(1)).join(' / ') + ' s',
    },
    {
      measure: `${label}: messages lost / duplicated; 429s Telegram answered`,
      ceiling: '0 / 0',
      measured: `**${lost} / ${duplicated}**; ${refused}`,
    },
    {
      measure: `${label}: the app process's CPU over the flood and its drain`,
      ceiling: '—',
      measured: `${(cpuShare * 100).toFixed(0)} % of one core`,
    },
  ];
}
