/**
 * `npm run demo`: boots the real app (Nest + Fastify, embedded SQLite event store and read models) in a
 * temp directory against the local Telegram Bot API fake, plays a master and a customer, and prints
 * the conversation and the event timeline. No server, no token, no network needed.
 */
import 'reflect-metadata';
import { ChainVerifier } from '../src/audit/chain-verifier';
import { EVENT_STORE, EventStore, RecordedEvent } from '../src/application/ports/event-store.port';
import { AppHarness } from '../test/support/app-harness';
import { CreatedBot, FakeUser, SentRecord } from '../test/support/telegram-bot-api.fake';

/** A 1×1 PNG: what Bob photographs does not matter, only that bytes travel. */
const PHOTO_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

// Colour only for a terminal: piped into a file or another program, escape codes are noise
// (NO_COLOR, https://no-color.org, turns it off on a terminal too).
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (colour ? `\x1b[1m${s}\x1b[0m` : s);
const indent = (s: string) => s.replace(/\n/g, '\n      ');

async function main(): Promise<void> {
  const h = await AppHarness.start({ logLevels: ['error'] });
  try {
    const { fake } = h;
    const alice = fake.createUser({ firstName: 'Alice', username: 'alice_owner' });
    const bob = fake.createUser({ firstName: 'Bob', lastName: 'Brown', username: 'bob' });
    const shop = fake.createBot({ username: 'acme_support_bot', firstName: 'Acme Support' });
    const master = h.masterBot;

    console.log(bold('\nFeedbackBots demo') + dim(` — app on ${h.baseUrl}, Bot API fake on ${fake.apiRoot}, data in ${h.dataDir}\n`));
    const user = (who: string, bot: string, text: string) => console.log(`  ${bold(who)} → @${bot}: ${indent(text)}`);
    const botSays = (s: SentRecord, bot: string, to: string) =>
      console.log(`  ${dim(`@${bot} → ${to}:`)} ${indent(s.text ?? `[${s.method}]`)}`);
    const await_ = (botId: number, chatId: number, fragment: string) =>
      fake.waitForSent((s) => s.botId === botId && s.chatId === chatId && (s.text ?? '').includes(fragment), { timeoutMs: 10_000 });

    user('Alice', master.username, '/start');
    fake.userSends(master.id, alice.id, '/start');
    botSays(await await_(master.id, alice.id, 'Welcome'), master.username, 'Alice');

    user('Alice', master.username, '/add');
    fake.userSends(master.id, alice.id, '/add');
    botSays(await await_(master.id, alice.id, 'token'), master.username, 'Alice');

    user('Alice', master.username, `${shop.id}:${'•'.repeat(8)} (the token from @BotFather)`);
    const pasted = fake.userSends(master.id, alice.id, shop.token);
    botSays(await await_(master.id, alice.id, 'is attached'), master.username, 'Alice');
    await fake.waitForCall('deleteMessage', (c) => c.params.message_id === pasted.messageId);
    console.log(dim(`  (the message holding the token was deleted from Alice's chat; webhook → ${fake.webhookInfo(shop.id).url})`));

    user('Bob', shop.username, '/start');
    fake.userSends(shop.id, bob.id, '/start');
    botSays(await await_(shop.id, bob.id, 'Hello'), shop.username, 'Bob');

    const question = 'Hi! Do you ship to Lisbon?';
    user('Bob', shop.username, question);
    const asked = fake.userSends(shop.id, bob.id, question);
    const relayed = await await_(master.id, alice.id, question);
    botSays(relayed, master.username, 'Alice');

    const answer = 'Yes — 3 days, free over €50.';
    user('Alice', master.username, `(replying to the relayed message) ${answer}`);
    fake.userSends(master.id, alice.id, { text: answer, replyToMessageId: relayed.messageId });
    const delivered = await await_(shop.id, bob.id, answer);
    botSays(delivered, shop.username, 'Bob');
    await fake.waitFor(() => fake.reactions(master.id, alice.id, relayed.messageId).length > 0);
    console.log(
      dim(
        `  (delivered as a reply to Bob's message #${asked.messageId}; Alice's copy marked ${fake.reactions(master.id, alice.id, relayed.messageId).join('')})`,
      ),
    );

    // C2/M5: media travels both ways — downloaded with one bot, uploaded with the other (file ids are per bot).
    const photo = Buffer.from(PHOTO_PNG_BASE64, 'base64');
    user('Bob', shop.username, '[a photo] Is this the right cable?');
    fake.userSends(shop.id, bob.id, { photo: { bytes: photo, fileName: 'cable.png' }, caption: 'Is this the right cable?' });
    const relayedPhoto = await fake.waitForSent((s) => s.botId === master.id && s.chatId === alice.id && s.method === 'sendPhoto', {
      timeoutMs: 10_000,
    });
    console.log(
      `  ${dim(`@${master.username} → Alice:`)} [photo, ${fake.fileBytes(relayedPhoto.file!.fileId)!.length} bytes] ${indent(relayedPhoto.caption ?? '')}`,
    );
    user('Alice', master.username, '(replying with a document) cable-specs.pdf');
    fake.userSends(master.id, alice.id, {
      document: { bytes: Buffer.from('%PDF-1.4 cable specs'), fileName: 'cable-specs.pdf', mimeType: 'application/pdf' },
      replyToMessageId: relayedPhoto.messageId,
    });
    const doc = await fake.waitForSent((s) => s.botId === shop.id && s.chatId === bob.id && s.method === 'sendDocument', {
      timeoutMs: 10_000,
    });
    console.log(`  ${dim(`@${shop.username} → Bob:`)} [document ${fake.fileBytes(doc.file!.fileId)!.toString().slice(0, 20)}…]`);

    // M6/C4: a ban, and the banned customer's next message goes nowhere.
    const spammer = fake.createUser({ firstName: 'Spam', username: 'spam_bot_9000' });
    user('Spam', shop.username, 'CHEAP FOLLOWERS!!!');
    fake.userSends(shop.id, spammer.id, 'CHEAP FOLLOWERS!!!');
    const spam = await await_(master.id, alice.id, 'CHEAP FOLLOWERS');
    botSays(spam, master.username, 'Alice');
    user('Alice', master.username, '(replying to it) /ban');
    fake.userSends(master.id, alice.id, { text: '/ban', replyToMessageId: spam.messageId });
    botSays(await await_(master.id, alice.id, 'is banned'), master.username, 'Alice');
    user('Spam', shop.username, 'HELLO??? FOLLOWERS!!!');
    fake.userSends(shop.id, spammer.id, 'HELLO??? FOLLOWERS!!!');
    user('Bob', shop.username, 'Thanks, ordered!');
    fake.userSends(shop.id, bob.id, 'Thanks, ordered!');
    botSays(await await_(master.id, alice.id, 'Thanks, ordered!'), master.username, 'Alice');
    console.log(dim("  (the banned customer's second message was recorded as MessageDropped and never reached Alice)"));

    await teamInbox(h, alice, shop);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const store = h.app.get<EventStore>(EVENT_STORE);
    await printTimeline(store, `master-${alice.id}`, "Alice's master stream");
    await printTimeline(store, `conversation-${shop.id}-${bob.id}`, "Bob's conversation with @acme_support_bot");
    await printTimeline(store, `conversation-${shop.id}-${spammer.id}`, "The spammer's conversation");
    console.log(dim('\nEvents hold ids, transitions and encrypted content only — no message text, no token in clear.'));
    const report = await new ChainVerifier(store).verifyAll();
    console.log(
      `${bold('Hash chains')}: ${report.ok ? 'intact' : 'BROKEN'} — ${report.events} events in ${report.streams} streams ` +
        dim(`(what \`npm run --silent cli -- audit verify --all\` checks on a real installation)\n`),
    );
  } finally {
    await h.stop();
  }
}

/** M12: the same bot switched to a team group: a topic per customer, two agents answering in them. */
async function teamInbox(h: AppHarness, alice: FakeUser, shop: CreatedBot): Promise<void> {
  const { fake, masterBot: master } = h;
  const await_ = (botId: number, chatId: number, fragment: string) =>
    fake.waitForSent((s) => s.botId === botId && s.chatId === chatId && (s.text ?? '').includes(fragment), { timeoutMs: 10_000 });
  const say = (who: string, where: string, text: string) => console.log(`  ${bold(who)} → ${where}: ${indent(text)}`);
  const botSays = (s: SentRecord, to: string) =>
    console.log(`  ${dim(`@${s.botId === master.id ? master.username : shop.username} → ${to}:`)} ${indent(s.text ?? '')}`);

  console.log(bold('\nA team inbox: a group with topics, two agents, a topic per customer\n'));
  const ann = fake.createUser({ firstName: 'Ann' });
  const ben = fake.createUser({ firstName: 'Ben' });
  const group = fake.groups.create({ title: 'Acme support team', creatorId: alice.id, forum: true, memberIds: [ann.id, ben.id] }).id;
  fake.groups.addsBot(group, alice.id, shop.id, { can_manage_topics: true, can_delete_messages: true });
  console.log(dim(`  (Alice made a group with topics, added Ann and Ben, and @${shop.username} as an admin allowed to manage topics)`));
  say('Alice', 'the group', '/connect');
  fake.groups.sends(group, alice.id, '/connect');
  const question = await await_(master.id, alice.id, 'Link it as the inbox');
  botSays(question, 'Alice');
  say('Alice', `@${master.username}`, '(presses ✅ Link it)');
  fake.userPressesButton(master.id, alice.id, question.messageId, `team:${shop.id}:${group}:yes`);
  botSays(await await_(shop.id, group, 'This group is now the inbox'), 'the group');

  const topicName = (threadId: number | undefined) => fake.groups.topics(group).find((t) => t.threadId === threadId)?.name ?? '?';
  const customers = [
    { who: fake.createUser({ firstName: 'Carol', username: 'carol_k' }), asks: 'My parcel is late, order 1042.' },
    { who: fake.createUser({ firstName: 'Dave' }), asks: 'Can I still change the colour?' },
  ];
  const topics: number[] = [];
  for (const { who, asks } of customers) {
    say(who.firstName, `@${shop.username}`, asks);
    fake.userSends(shop.id, who.id, asks);
    const copy = await await_(shop.id, group, asks);
    const card = fake.sent(shop.id, group).find((s) => s.threadId === copy.threadId && (s.text ?? '').startsWith('👤'));
    if (card) botSays(card, `topic “${topicName(copy.threadId)}”`);
    botSays(copy, `topic “${topicName(copy.threadId)}”`);
    topics.push(copy.threadId!);
  }
  const answers = [
    { agent: ann, text: 'Sorry, Carol! It leaves the warehouse today.' },
    { agent: ben, text: 'Yes, Dave: blue or green until Friday.' },
  ];
  for (const [i, { agent, text }] of answers.entries()) {
    say(agent.firstName, `topic “${topicName(topics[i])}”`, text);
    fake.groups.sends(group, agent.id, text, { threadId: topics[i] });
    botSays(await await_(shop.id, customers[i].who.id, text), customers[i].who.firstName);
  }
  say('Ann', `topic “${topicName(topics[0])}”`, '// refund the shipping if it is late again');
  fake.groups.sends(group, ann.id, '// refund the shipping if it is late again', { threadId: topics[0] });
  say('Ann', `topic “${topicName(topics[0])}”`, '/close');
  fake.groups.sends(group, ann.id, '/close', { threadId: topics[0] });
  botSays(await await_(shop.id, group, 'Conversation closed'), `topic “${topicName(topics[0])}”`);
  console.log(dim('  (the // note stayed in the group; each customer got only their answer, recorded with the agent who wrote it)'));
}

async function printTimeline(store: EventStore, streamId: string, title: string): Promise<void> {
  console.log(bold(`\n${title}`) + dim(` (${streamId})`));
  for (const e of await store.readStream(streamId)) console.log(`  ${describe(e)}`);
}

function describe(e: RecordedEvent): string {
  const d = e.data;
  const time = e.recordedAt.toISOString().slice(11, 23);
  const detail =
    e.type === 'StateChanged'
      ? `${String(d.from)} → ${String(d.to)}  (${String(d.trigger)})`
      : e.type === 'ClientBotAttached'
        ? `@${String(d.username)}  token: <encrypted>`
        : e.type === 'CommandRejected'
          ? String(d.reason)
          : Object.entries(d)
              .filter(([k]) => !['masterId', 'content', 'encryptedToken', 'target', 'name', 'uploaded'].includes(k))
              .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
              .join(' ');
  return `${dim(`${time}  #${e.revision}`)}  ${e.type.padEnd(24)} ${detail}  ${dim(`← ${String(e.metadata.causationId)}`)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
