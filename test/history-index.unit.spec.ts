import { RecordedEvent } from '../src/application/ports/event-store.port';
import { BoundedMap } from '../src/application/shared/bounded-map';
import { botsChangedBy, claimantsOf, foldClientBot } from '../src/projections/history-index/client-bot-history';

const BOT = 7000000001;
const ALICE = 1001;
const BOB = 2002;
const sealed = (n: number) => ({ keyId: `bot-${BOT}`, box: `sealed-greeting-${n}` });

let position = 0n;
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => {
  position += 1n;
  return {
    id: `e${position}`,
    type,
    data,
    metadata: { schemaVersion: 1, correlationId: 'c', causationId: 'c' },
    streamId: 's',
    revision: 0,
    position,
    recordedAt: new Date(),
  };
};
const attached = (masterId: number) =>
  recorded('ClientBotAttached', { masterId, botId: BOT, username: 'shop_bot', encryptedToken: `enc-${masterId}`, tokenMessageId: 4 });

describe('a client bot known from the event history alone', () => {
  it('a bot no master ever attached is unknown', () => {
    expect(foldClientBot(BOT, [])).toBeNull();
    expect(
      foldClientBot(BOT, [recorded('ClientBotAttached', { masterId: ALICE, botId: 42, username: 'other', encryptedToken: 'x' })]),
    ).toBeNull();
  });

  it('an attached bot has its master, its encrypted token and relays', () => {
    expect(foldClientBot(BOT, [attached(ALICE)])).toEqual({
      botId: BOT,
      masterId: ALICE,
      username: 'shop_bot',
      encryptedToken: `enc-${ALICE}`,
      status: 'attached',
      paused: false,
      broken: false,
      greeting: null,
    });
  });

  it('a detached, broken or paused bot says so, and Pro coming back resumes it', () => {
    const history = [attached(ALICE), recorded('ProExpired', { masterId: ALICE, pausedBotIds: [BOT] })];
    expect(foldClientBot(BOT, history)).toMatchObject({ paused: true });
    history.push(recorded('ProActivated', { masterId: ALICE, resumedBotIds: [BOT], chargeId: 'c', stars: 1, until: '', renewal: false }));
    expect(foldClientBot(BOT, history)).toMatchObject({ paused: false, broken: false, status: 'attached' });
    history.push(recorded('ClientBotBroken', { masterId: ALICE, botId: BOT, username: 'shop_bot', reason: 'token_revoked' }));
    expect(foldClientBot(BOT, history)).toMatchObject({ broken: true });
    history.push(recorded('ClientBotDetached', { masterId: ALICE, botId: BOT, username: 'shop_bot' }));
    expect(foldClientBot(BOT, history)).toMatchObject({ status: 'detached', masterId: ALICE });
  });

  it('the same master re-attaching keeps the greeting; another master attaching starts without it', () => {
    const greeted = [
      attached(ALICE),
      recorded('GreetingSet', { masterId: ALICE, botId: BOT, username: 'shop_bot', greeting: sealed(1) }),
      recorded('ClientBotDetached', { masterId: ALICE, botId: BOT, username: 'shop_bot' }),
    ];
    expect(foldClientBot(BOT, [...greeted, attached(ALICE)])).toMatchObject({ masterId: ALICE, greeting: sealed(1), status: 'attached' });
    expect(foldClientBot(BOT, [...greeted, attached(BOB)])).toMatchObject({ masterId: BOB, greeting: null, encryptedToken: `enc-${BOB}` });
  });

  it('a former master’s events no longer change the bot, whatever order the streams were read in', () => {
    const history = [
      attached(ALICE),
      recorded('ClientBotDetached', { masterId: ALICE, botId: BOT, username: 'shop_bot' }),
      attached(BOB),
      recorded('ProExpired', { masterId: ALICE, pausedBotIds: [BOT] }),
      recorded('GreetingSet', { masterId: ALICE, botId: BOT, username: 'shop_bot', greeting: sealed(2) }),
    ];
    expect(foldClientBot(BOT, [...history].reverse())).toMatchObject({ masterId: BOB, status: 'attached', paused: false, greeting: null });
  });

  it('the masters to read are those who ever claimed the bot', () => {
    const registry = [
      recorded('ClientBotClaimed', { botId: BOT, masterId: ALICE, claimedAt: '' }),
      recorded('ClientBotReleased', { botId: BOT, masterId: ALICE }),
      recorded('ClientBotClaimed', { botId: BOT, masterId: BOB, claimedAt: '' }),
      recorded('ClientBotClaimed', { botId: BOT, masterId: ALICE, claimedAt: '' }),
    ];
    expect(claimantsOf(registry).sort()).toEqual([ALICE, BOB]);
  });

  it('a cached bot is dropped by every event that changes it, Pro changes included', () => {
    expect(botsChangedBy(attached(ALICE))).toEqual([BOT]);
    expect(botsChangedBy(recorded('ProExpired', { masterId: ALICE, pausedBotIds: [BOT, 9] }))).toEqual([BOT, 9]);
    expect(botsChangedBy(recorded('CustomerMessageReceived', { masterId: ALICE, botId: BOT, customerId: 5 }))).toEqual([]);
    expect(botsChangedBy(recorded('InboxModeChosen', { masterId: ALICE, botId: BOT, mode: 'bot_chat' }))).toEqual([BOT]);
  });

  it('says where the bot relays: its chosen inbox, a linked team group, kept across a re-attach by the same master only', () => {
    const chose = (masterId: number, mode: string) => recorded('InboxModeChosen', { masterId, botId: BOT, username: 'shop_bot', mode });
    const linked = () =>
      recorded('TeamGroupLinked', { masterId: ALICE, botId: BOT, username: 'shop_bot', chatId: -100123, linkedBy: ALICE });
    expect(foldClientBot(BOT, [attached(ALICE)])?.inbox).toBeUndefined();
    expect(foldClientBot(BOT, [attached(ALICE), chose(ALICE, 'bot_chat')])?.inbox).toBe('bot_chat');
    expect(foldClientBot(BOT, [attached(ALICE), chose(ALICE, 'bot_chat'), linked()])?.inbox).toBe('team_group');
    expect(foldClientBot(BOT, [attached(ALICE), linked(), chose(ALICE, 'master_chat')])).toMatchObject({
      inbox: 'master_chat',
      teamGroupChatId: -100123,
    });
    expect(foldClientBot(BOT, [attached(ALICE), chose(ALICE, 'bot_chat'), attached(ALICE)])?.inbox).toBe('bot_chat');
    expect(foldClientBot(BOT, [attached(ALICE), chose(ALICE, 'bot_chat'), attached(BOB)])?.inbox).toBeUndefined();
    expect(foldClientBot(BOT, [attached(BOB), chose(ALICE, 'bot_chat')])?.inbox).toBeUndefined();
  });
});

describe('a bounded index in memory', () => {
  it('holds at most its capacity, dropping the least recently used entry and saying which', () => {
    const dropped: string[] = [];
    const map = new BoundedMap<string, number>(2, (key) => dropped.push(key));
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // now b is the least recently used
    map.set('c', 3);
    expect(dropped).toEqual(['b']);
    expect([map.has('a'), map.has('b'), map.has('c'), map.size]).toEqual([true, false, true, 2]);
  });

  it('keeps dropping the least recently used entry over a long run of reads, writes and deletes', () => {
    // Checked against a plain list kept in use order (oldest first).
    const dropped: string[] = [];
    const map = new BoundedMap<string, number>(50, (key) => dropped.push(key));
    let model: [string, number][] = [];
    const expectedDrops: string[] = [];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let step = 0; step < 20_000; step++) {
      const key = `k${random(120)}`;
      const action = random(100);
      if (action < 45) {
        const held = model.find(([k]) => k === key);
        if (held) model = [...model.filter(([k]) => k !== key), held];
        expect(map.get(key)).toBe(held?.[1]);
      } else if (action < 98) {
        map.set(key, step);
        model = [...model.filter(([k]) => k !== key), [key, step]];
        while (model.length > 50) expectedDrops.push(model.shift()![0]);
      } else {
        map.delete(key);
        model = model.filter(([k]) => k !== key);
      }
    }
    expect(dropped).toEqual(expectedDrops);
    expect(model.every(([k, v]) => map.has(k) && map.get(k) === v)).toBe(true);
    expect(map.size).toBe(model.length);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow('capacity must be a positive integer');
  });
});
