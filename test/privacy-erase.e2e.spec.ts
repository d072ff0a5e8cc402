import { DataSource } from 'typeorm';
import { CONTENT_VAULT, ContentVault } from '../src/application/ports/crypto.port';
import { EVENT_STORE, EventStore, RecordedEvent } from '../src/application/ports/event-store.port';
import { conversationId, conversationStreamId } from '../src/domain/conversation/conversation.events';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { CustomerErasure, ErasureInputError, openCustomerErasure } from '../src/privacy/customer-erasure';
import { SqliteContentVault } from '../src/infrastructure/crypto/sqlite-content-vault';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { READ_MODEL_DATA_SOURCE } from '../src/projections/projections.service';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, masterBotSays, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser, SentRecord } from './support/telegram-bot-api.fake';

/** Resolves once `probe` holds (checked every 50 ms), or fails after `timeoutMs` saying what was awaited. */
async function eventually(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every sealed value in some events' data, at any depth. */
function sealedIn(events: RecordedEvent[]): Sealed[] {
  const found: Sealed[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.keyId === 'string' && typeof v.box === 'string') found.push({ keyId: v.keyId, box: v.box });
      else Object.values(v).forEach(walk);
    }
  };
  events.forEach((e) => walk(e.data));
  return found;
}

/**
 * The app's storage settings (embedded files, or its EventStoreDB — in its namespace, if it has one — and
 * MariaDB database in the e2e-production project).
 */
const storageOf = (h: AppHarness) => ({
  dataDir: h.dataDir,
  eventStoreUrl: h.config.eventStoreUrl,
  eventStoreStreamPrefix: h.config.eventStoreStreamPrefix,
  databaseUrl: h.config.databaseUrl,
});

describe("privacy erase: a customer's content crypto-shredded while the app runs", () => {
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let bob: FakeUser;
  let eve: FakeUser;
  let firstRelay: SentRecord;
  let bobsFirst: number;
  let erasure: Awaited<ReturnType<typeof openCustomerErasure>>;

  const appStore = () => h.app.get<EventStore>(EVENT_STORE);
  /** Erasures recorded after `before` (not the head itself: the app's reactors may still record setup outcomes). */
  const erasuresSince = async (before: bigint | null): Promise<string[]> => {
    const since = await appStore().readAll({ after: before ?? 0n, maxCount: 1000 });
    return since.filter((e) => e.type === 'CustomerContentErased').map((e) => e.streamId);
  };
  const appVault = () => h.app.get<ContentVault>(CONTENT_VAULT);
  const readModels = () => h.app.get<DataSource>(READ_MODEL_DATA_SOURCE);
  const bobsStream = () => conversationStreamId(bot.id, bob.id);
  /** Bob's conversation, and the master's replies to it (sealed under the same key). */
  const bobsEvents = async () => [
    ...(await appStore().readStream(bobsStream())),
    ...(await appStore().readStream(masterStreamId(master.id))).filter(
      (e) =>
        e.type === 'ReplySent' &&
        (e.data as { target: { conversationId: string } }).target.conversationId === conversationId(bot.id, bob.id),
    ),
  ];
  const cachedUploads = async () => await readModels().query<unknown[]>('SELECT file_unique_id FROM media_cache');

  beforeAll(async () => {
    h = await AppHarness.start();
    master = await registeredMaster(h, 'Ada');
    bot = await attachNewBot(h, master, 'ada_parcel_bot');
    bob = h.fake.createUser({ firstName: 'Bob', username: 'bob_the_buyer' });
    eve = h.fake.createUser({ firstName: 'Eve' });

    const asked = h.fake.userSends(bot.id, bob.id, 'My address is 12 Elm Street, flat 3');
    bobsFirst = asked.messageId;
    firstRelay = await masterBotSays(h, master, 'My address is 12 Elm Street, flat 3');
    expect(firstRelay.text).toContain('Bob');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Thanks, we ship there tomorrow.', replyToMessageId: firstRelay.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === bob.id && s.text === 'Thanks, we ship there tomorrow.');
    h.fake.userSends(bot.id, bob.id, { photo: Buffer.from('a photo of the dented parcel'), caption: 'The box came dented' });
    await masterBotSays(h, master, 'The box came dented');
    // A /start after the photo must not make the erasure forget the photo's upload.
    h.fake.userSends(bot.id, bob.id, '/start');
    await eventually(
      async () => (await appStore().readStream(bobsStream())).some((e) => e.type === 'CustomerStarted'),
      "Bob's /start recorded",
    );
    await customerWrites(h, bot, eve, master, 'Is the blue teapot still in stock?');
    await eventually(async () => (await cachedUploads()).length > 0, "the photo's upload in the media cache");

    // What the operator's CLI process opens: its own event store, vault and read models on the app's storage.
    erasure = await openCustomerErasure({ ...storageOf(h), tokenEncryptionKey: h.tokenKey });
  });

  afterAll(async () => {
    await erasure?.close();
    await h?.stop();
  });

  it("finds the customer's one conversation, and nothing for someone who never wrote", async () => {
    expect(await erasure.service.conversationsOf({ customerId: bob.id })).toEqual([bobsStream()]);
    expect(await erasure.service.conversationsOf({ customerId: bob.id, botId: bot.id + 1 })).toEqual([]);
    expect(await erasure.service.conversationsOf({ customerId: 424242 })).toEqual([]);
    expect(await erasure.service.erase({ customerId: 424242 })).toEqual({ conversations: [], keysDeleted: 0, missingKeys: [] });
  });

  it('refuses an id that is not one, and changes nothing', async () => {
    const before = await appStore().headPosition();
    await expect(erasure.service.erase({ customerId: -5 })).rejects.toThrow(ErasureInputError);
    await expect(erasure.service.erase({ customerId: bob.id, botId: 1.5 })).rejects.toThrow(/botId must be a positive Telegram id/);
    expect(await erasuresSince(before)).toEqual([]);
    expect(sealedIn(await bobsEvents()).every((s) => erasure.vault.open(s) !== null)).toBe(true);
  });

  it("refuses a DATA_DIR without the app's key vault, before opening anything", async () => {
    const elsewhere = join(h.dataDir, 'not-the-app');
    await expect(
      openCustomerErasure({ dataDir: elsewhere, eventStoreUrl: null, databaseUrl: null, tokenEncryptionKey: h.tokenKey }),
    ).rejects.toThrow(/no content-keys\.sqlite in .*not-the-app: set DATA_DIR to the app's data directory/);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('never generates a master key: without TOKEN_ENCRYPTION_KEY it opens, lists and writes no key file', async () => {
    const keyFile = join(h.dataDir, 'token-encryption.key');
    expect(existsSync(keyFile)).toBe(false); // the app got its key from TOKEN_ENCRYPTION_KEY
    const keyless = await openCustomerErasure({ ...storageOf(h), tokenEncryptionKey: null });
    try {
      expect(await keyless.service.conversationsOf({ customerId: bob.id })).toEqual([bobsStream()]);
    } finally {
      await keyless.close();
    }
    expect(existsSync(keyFile)).toBe(false);
  });

  it('never records an erasure it did not do: a vault without the key reports the conversation as missing it', async () => {
    const strayVault = new SqliteContentVault(join(h.dataDir, 'stray-keys.sqlite'), randomBytes(32));
    try {
      const before = await appStore().headPosition();
      const stray = new CustomerErasure({ store: appStore(), vault: strayVault, readModels: readModels() });
      expect(await stray.erase({ customerId: eve.id, botId: bot.id })).toEqual({
        conversations: [],
        keysDeleted: 0,
        missingKeys: [conversationStreamId(bot.id, eve.id)],
      });
      expect(await erasuresSince(before)).toEqual([]);
      const evesSealed = sealedIn(await appStore().readStream(conversationStreamId(bot.id, eve.id)));
      expect(evesSealed.length).toBeGreaterThan(0);
      expect(evesSealed.every((sealed) => appVault().open(sealed) !== null)).toBe(true);
    } finally {
      strayVault.close();
    }
  });

  describe('after the erasure', () => {
    let sealedBefore: Sealed[];
    let evesSealed: Sealed[];

    beforeAll(async () => {
      sealedBefore = sealedIn(await bobsEvents());
      evesSealed = sealedIn(await appStore().readStream(conversationStreamId(bot.id, eve.id)));
      // The test means something only if all of it opened before.
      expect(sealedBefore).toHaveLength(3); // the text, the photo with its caption, the master's reply
      expect(sealedBefore.every((s) => erasure.vault.open(s) !== null && appVault().open(s) !== null)).toBe(true);

      expect(await erasure.service.erase({ customerId: bob.id })).toEqual({
        conversations: [bobsStream()],
        keysDeleted: 1,
        missingKeys: [],
      });
    });

    it('every sealed value of the customer — messages, photo caption, the master’s reply — opens to nothing', () => {
      for (const sealed of sealedBefore) expect(erasure.vault.open(sealed)).toBeNull();
    });

    it('the running app, which had the key in memory, can no longer open any of it either', async () => {
      await eventually(() => sealedBefore.every((s) => appVault().open(s) === null), 'the app to forget the erased key');
    });

    it('the history of what happened stays, with the erasure itself: when, by whom (the CLI), on which conversation', async () => {
      const history = await appStore().readStream(bobsStream());
      expect(history.map((e) => e.type)).toEqual(
        expect.arrayContaining(['CustomerMessageReceived', 'MessageRelayed', 'ReplyDelivered', 'CustomerContentErased']),
      );
      const erased = history[history.length - 1];
      expect(erased.type).toBe('CustomerContentErased');
      // `files`: the photo's upload, which the upload cache forgets (also when rebuilt from the history).
      expect(erased.data).toEqual({
        botId: bot.id,
        customerId: bob.id,
        masterId: master.id,
        erasedAt: expect.any(String),
        files: [{ botId: h.masterBot.id, fileUniqueId: expect.any(String) }],
      });
      expect(Date.now() - Date.parse(String(erased.data.erasedAt))).toBeLessThan(60_000);
      expect(erased.metadata).toMatchObject({
        correlationId: expect.stringMatching(/^cli:privacy-erase:[0-9a-f-]{36}$/),
        command: 'EraseCustomerContent',
      });
      const replies = (await appStore().readStream(masterStreamId(master.id))).filter((e) => e.type === 'ReplySent');
      expect(replies).toHaveLength(1);
    });

    it("another customer's content is untouched", () => {
      expect(evesSealed.length).toBeGreaterThan(0);
      for (const sealed of evesSealed) {
        expect(erasure.vault.open(sealed)).not.toBeNull();
        expect(appVault().open(sealed)).not.toBeNull();
      }
    });

    it("the upload cache (a projection of the history) no longer holds the file id of the customer's photo", async () => {
      await eventually(async () => (await cachedUploads()).length === 0, 'the upload cache to drop the erased upload');
    });

    it('running it again changes nothing and records nothing more', async () => {
      expect(await erasure.service.erase({ customerId: bob.id })).toEqual({
        conversations: [bobsStream()],
        keysDeleted: 0,
        missingKeys: [],
      });
      const types = (await appStore().readStream(bobsStream())).map((e) => e.type);
      expect(types.filter((t) => t === 'CustomerContentErased')).toHaveLength(1);
    });

    it("an edit of an erased message still reaches the master, but the customer's name is gone with the content", async () => {
      h.fake.userEdits(bot.id, bob.id, bobsFirst, 'My address is 14 Elm Street');
      const notice = await masterBotSays(h, master, 'My address is 14 Elm Street');
      expect(notice.text).toBe('✏️ The customer edited this message:\n\nMy address is 14 Elm Street');
      expect(notice.replyToMessageId).toBe(firstRelay.messageId);
    });

    it('the master can still answer the old message: the conversation goes on, only its stored past is gone', async () => {
      h.fake.userSends(h.masterBot.id, master.id, { text: 'Noted, we updated the label.', replyToMessageId: firstRelay.messageId });
      const answer = await h.fake.waitForSent(
        (s) => s.botId === bot.id && s.chatId === bob.id && s.text === 'Noted, we updated the label.',
      );
      expect(answer.replyToMessageId).toBe(bobsFirst);
    });

    it('the customer can write again: relayed with their name, sealed under a new key, while the old content stays unreadable', async () => {
      const relayed = await customerWrites(h, bot, bob, master, 'Can you deliver after 6 pm?');
      expect(relayed.text).toContain('Bob');
      const received = (await appStore().readStream(bobsStream())).filter((e) => e.type === 'CustomerMessageReceived');
      const latest = sealedIn([received[received.length - 1]]);
      expect(latest).toHaveLength(1);
      expect(erasure.vault.open(latest[0])).toMatchObject({ content: { kind: 'text', text: 'Can you deliver after 6 pm?' } });
      for (const sealed of sealedBefore) {
        expect(erasure.vault.open(sealed)).toBeNull();
        expect(appVault().open(sealed)).toBeNull();
      }
    });
  });

  it('a run that died after deleting the key (before recording) is completed by running it again; the app stops opening at once', async () => {
    const carol = h.fake.createUser({ firstName: 'Carol' });
    await customerWrites(h, bot, carol, master, 'Please call me on 0171 555 0199');
    const carolsStream = conversationStreamId(bot.id, carol.id);
    const carolsSealed = sealedIn(await appStore().readStream(carolsStream));
    expect(carolsSealed.length).toBeGreaterThan(0);
    expect(carolsSealed.every((s) => appVault().open(s) !== null)).toBe(true); // the app has the key cached
    // Once her key is gone, a re-run finds her conversation through the customers read model only, which an
    // operator's later run finds up to date; here it runs at once, so it waits for it (MariaDB lags more).
    await eventually(
      async () => (await readModels().query<unknown[]>('SELECT 1 FROM customers WHERE customer_id = ?', [carol.id])).length > 0,
      'Carol in the customers read model',
    );

    // The CLI's process deletes the key, then dies: no CustomerContentErased is recorded.
    expect(erasure.vault.erase(conversationId(bot.id, carol.id))).toBe(true);
    // The running app, which never saw an erasure event, already opens none of it.
    expect(carolsSealed.every((s) => appVault().open(s) === null)).toBe(true);
    expect((await appStore().readStream(carolsStream)).map((e) => e.type)).not.toContain('CustomerContentErased');

    // Run again: nothing left to delete, but the vault knows it erased the key — the erasure is recorded.
    expect(await erasure.service.erase({ customerId: carol.id })).toEqual({
      conversations: [carolsStream],
      keysDeleted: 0,
      missingKeys: [],
    });
    const erased = (await appStore().readStream(carolsStream)).filter((e) => e.type === 'CustomerContentErased');
    expect(erased).toHaveLength(1);
    expect(erased[0].metadata).toMatchObject({ correlationId: expect.stringMatching(/^cli:privacy-erase:/) });

    // And once more: a no-op.
    expect(await erasure.service.erase({ customerId: carol.id })).toEqual({
      conversations: [carolsStream],
      keysDeleted: 0,
      missingKeys: [],
    });
    expect((await appStore().readStream(carolsStream)).filter((e) => e.type === 'CustomerContentErased')).toHaveLength(1);
  });
});

describe('the plaintext check every harness run ends with', () => {
  it('fails the run when an event or a read-model row holds a message text or a token in clear', async () => {
    const h = await AppHarness.start();
    const master = await registeredMaster(h, 'Ada');
    const bot = await attachNewBot(h, master, 'ada_leaky_bot');
    const customer = h.fake.createUser({ firstName: 'Carl' });
    await customerWrites(h, bot, customer, master, 'My card number is 4111 1111');
    // Deliberately stored in clear, once in an event and once in a read-model row.
    await h.app.get<EventStore>(EVENT_STORE).appendToStream(
      'leak-1',
      [
        {
          id: '5f7c43c4-0f5e-4c38-9c62-3a1d2c8d9e01',
          type: 'Leaked',
          data: { text: 'My card number is 4111 1111' },
          metadata: { schemaVersion: 1, correlationId: 'test', causationId: 'test' },
        },
      ],
      'no_stream',
    );
    await h.app
      .get<DataSource>(READ_MODEL_DATA_SOURCE)
      .query("INSERT INTO media_cache (bot_id, file_unique_id, file_id, cached_at) VALUES (1, 'x', ?, '')", [bot.token]);

    const stopped = h.stop();
    await expect(stopped).rejects.toThrow(/the text "My card number is 4111 1111" in event leak-1@0 \(Leaked\)/);
    await expect(stopped).rejects.toThrow(new RegExp(`the token of bot ${bot.id} in read model media_cache, row 1`));
    await expect(stopped).rejects.not.toThrow(bot.token); // the report names the secret without repeating it
  });

  it('passes a run that kept everything sealed, in the same story', async () => {
    const h = await AppHarness.start();
    const master = await registeredMaster(h, 'Ada');
    const bot = await attachNewBot(h, master, 'ada_tidy_bot');
    const customer = h.fake.createUser({ firstName: 'Carl' });
    await customerWrites(h, bot, customer, master, 'My card number is 4111 1111');
    expect(await h.findPlaintextSecrets()).toEqual([]);
    await h.stop();
  });
});
