import { StreamReadOptions } from '../src/application/ports/event-store.port';
import { MeteredEventStore } from '../src/infrastructure/observability/metered-event-store';
import { conversationStreamId } from '../src/domain/conversation/conversation.events';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';

/**
 * AGGREGATE_SNAPSHOT_EVENTS: the folds of long streams (a long conversation, a busy master) are saved when the app
 * stops, so after a restart the first message of that conversation and the master's next reply read what came after
 * the snapshot, not the whole history — before, each read its stream whole (1.2 s at 100,000 events). Here with a
 * threshold of 10 events, on both projects (the file is DATA_DIR/snapshots.sqlite whichever event store runs).
 */
describe('a long conversation goes on after a restart without reading its history again', () => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { FLOOD_LIMIT_PER_MINUTE: '1000', AGGREGATE_SNAPSHOT_EVENTS: '10' } });
  });
  afterAll(async () => h.stop());

  /** Every read of `streams` while `act` runs (a restart included: every app's event store is a MeteredEventStore). */
  const readsDuring = async (streams: string[], act: () => Promise<void>) => {
    const reads: (StreamReadOptions & { streamId: string })[] = [];
    const readStream = Object.getOwnPropertyDescriptor(MeteredEventStore.prototype, 'readStream')!.value as MeteredEventStore['readStream'];
    const spy = jest.spyOn(MeteredEventStore.prototype, 'readStream').mockImplementation(function (
      this: MeteredEventStore,
      streamId,
      options,
    ) {
      if (streams.includes(streamId)) reads.push({ streamId, ...options });
      return readStream.call(this, streamId, options);
    });
    try {
      await act();
    } finally {
      spy.mockRestore();
    }
    return reads;
  };

  it("the customer's next message reaches the master and the master's reply reaches the customer, reading only the tails", async () => {
    const master = await registeredMaster(h, 'Nora');
    const bot = await attachNewBot(h, master, 'nora_shop_bot');
    const customer = h.fake.createUser({ firstName: 'Ivo' });
    const conversation = conversationStreamId(bot.id, customer.id);
    const masterStream = masterStreamId(master.id);
    const firstAsked = h.fake.userSends(bot.id, customer.id, 'question 1');
    let relayed = await masterBotSays(h, master, 'question 1');
    const early = relayed;
    for (let i = 1; i <= 12; i++) {
      h.fake.userSends(h.masterBot.id, master.id, { text: `answer ${i}`, replyToMessageId: relayed.messageId });
      await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === `answer ${i}`);
      relayed = await customerWrites(h, bot, customer, master, `question ${i + 1}`);
    }

    const reads = await readsDuring([conversation, masterStream], async () => {
      await h.restartWith({}); // the shutdown saves both folds (the conversation's 37 events, the master's 16)
      relayed = await customerWrites(h, bot, customer, master, 'question after the restart');
      h.fake.userSends(h.masterBot.id, master.id, { text: 'answer after the restart', replyToMessageId: relayed.messageId });
      await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'answer after the restart');
    });

    // Each stream was read from its snapshot on (never from its first event), once it was first needed. (The bot's
    // record is folded from the master's bot events alone, `types`: not the master's history either.)
    const whole = reads.filter((r) => (r.fromRevision ?? 0) === 0 && r.maxCount !== 1 && r.types === undefined);
    expect(whole).toEqual([]);
    // The first read of each after the restart (not the shutdown's read of the event a snapshot is taken at) is the one
    // from its snapshot, past revision 10.
    for (const stream of [conversation, masterStream])
      expect(reads.find((r) => r.streamId === stream && r.types === undefined && r.maxCount !== 1)?.fromRevision).toBeGreaterThanOrEqual(
        10,
      );
    // And the history before the snapshot is still there: the first question can still be answered, as a reply to it.
    h.fake.userSends(h.masterBot.id, master.id, { text: 'a late answer', replyToMessageId: early.messageId });
    const late = await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'a late answer');
    expect(late.replyToMessageId).toBe(firstAsked.messageId);
  });
});
