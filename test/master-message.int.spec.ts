import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BotTokenVerifier } from '../src/application/add-client-bot/bot-token-verifier';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { MasterMessageCommand } from '../src/application/master-message/master-message.command';
import { MasterMessageHandler } from '../src/application/master-message/master-message.handler';
import { AppSettings } from '../src/application/ports/app-settings.port';
import { BotApi, BotIdentity, TelegramPort } from '../src/application/ports/telegram.port';
import { ReplyComposer } from '../src/application/reply-to-customer/reply-composer';
import { telegramOrigin } from '../src/application/shared/telegram-origin';
import { clientBotRegistryStreamId } from '../src/domain/client-bot/client-bot-registry';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { masterStreamId } from '../src/domain/master-user/master-user.events';
import { SqliteContentVault } from '../src/infrastructure/crypto/sqlite-content-vault';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { CountingEventStore } from './support/counting-event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * A master's plain message is read once — a pasted token verified with Telegram and claimed once — and
 * only the pure decision is taken again when another writer moved the master's stream in between.
 * Real SQLite event store and vault; Telegram is a port that counts its getMe calls.
 */
describe("a master's message on the command side", () => {
  const MASTER_BOT = 7000000001;
  const CLIENT_BOT = 6100000042;
  const masterId = 7000000123;
  const stream = masterStreamId(masterId);
  const token = `${CLIENT_BOT}:${'A'.repeat(35)}`;
  const settings: AppSettings = {
    masterBotId: MASTER_BOT,
    masterBotToken: `${MASTER_BOT}:${'M'.repeat(35)}`,
    publicUrl: null,
    planLimits: { free: 1, pro: 10 },
    proPriceStars: 100,
    floodLimitPerMinute: 20,
    broadcastRatePerSecond: 25,
    schedulerIntervalMs: 1000,
    pollingTimeoutSeconds: 30,
  };
  let tmp: ReturnType<typeof makeTempDir>;
  let raw: SqliteEventStore;
  let store: CountingEventStore;
  let vault: SqliteContentVault;
  let handler: MasterMessageHandler;
  let getMeCalls: number;
  /** Runs while Telegram is answering getMe: what another process does meanwhile. */
  let duringGetMe: () => Promise<void>;

  const internalOrigin = (id: string) => ({ causationId: id, correlationId: id, occurredAt: new Date().toISOString() });
  const pasteToken = (updateId: number) =>
    handler.execute(new MasterMessageCommand(telegramOrigin(MASTER_BOT, updateId), masterId, 55, { kind: 'text', text: token }));

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    tmp = makeTempDir('fb-master-message-');
    raw = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    store = new CountingEventStore(raw);
    vault = new SqliteContentVault(join(tmp.dir, 'keys.sqlite'), randomBytes(32));
    const aggregates = new AggregateStore(store);
    getMeCalls = 0;
    duringGetMe = async () => undefined;
    const identity: BotIdentity = { id: CLIENT_BOT, username: 'shop_bot', firstName: 'Shop', isBot: true };
    const getMe = async () => {
      getMeCalls += 1;
      await duringGetMe();
      return identity;
    };
    const telegram: TelegramPort = { bot: () => ({ getMe }) as Partial<BotApi> as BotApi };
    const verifier = new BotTokenVerifier(aggregates, telegram, new AesTokenCipher(randomBytes(32)), settings);
    handler = new MasterMessageHandler(aggregates, verifier, new ReplyComposer(vault), vault, settings);
    await aggregates.handle(stream, masterUserDecider, { type: 'Start', masterId, firstName: 'Alice' }, telegramOrigin(MASTER_BOT, 1));
    await aggregates.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, telegramOrigin(MASTER_BOT, 2));
  });

  afterEach(async () => {
    vault.close();
    await raw.close();
    tmp.remove();
  });

  it('a token pasted while another process records an /add is verified with Telegram once, and the bot is attached after it', async () => {
    // Given another replica records the master's repeated /add while Telegram answers our getMe…
    duringGetMe = async () => {
      await new AggregateStore(raw).handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, internalOrigin('other-add'));
    };

    // …when the pasted token is handled,
    const result = await pasteToken(3);

    // then the decision was taken again after the conflict, but Telegram was asked once and the bot claimed once.
    expect(store.conflicts).toBe(1);
    expect(getMeCalls).toBe(1);
    expect(result.events.map((e) => e.type)).toEqual(['ClientBotAttached', 'StateChanged']);
    const recorded = await raw.readStream(stream);
    expect(recorded.map((e) => e.metadata.causationId).slice(-3)).toEqual(['other-add', 'tg:7000000001:3', 'tg:7000000001:3']);
    const claims = (await raw.readStream(clientBotRegistryStreamId(CLIENT_BOT))).map((e) => e.type);
    expect(claims).toEqual(['ClientBotClaimed']);
  });

  it('a token message Telegram delivers twice is verified once, and the second delivery is reported as a duplicate', async () => {
    await pasteToken(3);
    const again = await pasteToken(3);

    expect(again.duplicate).toBe(true);
    expect(getMeCalls).toBe(1);
    expect((await raw.readStream(stream)).filter((e) => e.type === 'ClientBotAttached')).toHaveLength(1);
  });

  it('a token refused by the plan gives the claimed bot back, so another master may attach it', async () => {
    // Alice is on Free (one bot) and already has one attached.
    const aggregates = new AggregateStore(raw);
    const verdict = { valid: true as const, botId: 6100000001, username: 'first_bot', encryptedToken: 'x' };
    await aggregates.handle(
      stream,
      masterUserDecider,
      { type: 'SubmitBotToken', masterId, messageId: 9, verdict, limits: settings.planLimits },
      internalOrigin('first'),
    );
    await aggregates.handle(stream, masterUserDecider, { type: 'RequestAddBot', masterId }, internalOrigin('add-again'));

    const result = await pasteToken(4);

    expect(result.events.map((e) => e.type)).toEqual(['CommandRejected']);
    const registry = (await raw.readStream(clientBotRegistryStreamId(CLIENT_BOT))).map((e) => e.type);
    expect(registry).toEqual(['ClientBotClaimed', 'ClientBotReleased']);
  });
});
