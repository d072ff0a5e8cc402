import { GREETING_MAX_LENGTH, MasterUserCommand, TokenVerdict } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import {
  BotPurpose,
  MasterFsmState,
  MasterUserEvent,
  PlanLimits,
  RejectionReason,
  ReplyTarget,
} from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(masterUserDecider);

const masterId = 1001;
type Bot = { botId: number; username: string };
const shop: Bot = { botId: 7000000001, username: 'shop_help_bot' };
const cafe: Bot = { botId: 7000000002, username: 'cafe_orders_bot' };
const florist: Bot = { botId: 7000000003, username: 'florist_bot' };
/** A bot attached to some other master: this master must never reach its customers. */
const strangersBot: Bot = { botId: 7000000099, username: 'someone_elses_bot' };
/** The deployment's plan limits: Free runs one bot, Pro three. */
const LIMITS: PlanLimits = { free: 1, pro: 3 };
/** A deployment generous enough that no limit is in the way. */
const ROOMY: PlanLimits = { free: 5, pro: 10 };
const STARS = 250;
const MONTH = 30 * 24 * 3600;
const PAID_UNTIL = '2026-12-21T12:00:00.000Z';
const NEXT_PAID_UNTIL = '2027-01-20T12:00:00.000Z';
const BEFORE_THE_END = '2026-12-21T11:59:59.000Z';
const AFTER_THE_END = '2026-12-21T12:00:01.000Z';

// ---- history -------------------------------------------------------------------------------------

const registered: MasterUserEvent = { type: 'MasterRegistered', data: { masterId, firstName: 'Alice' } };
const changed = (from: MasterFsmState, to: MasterFsmState, trigger: string): MasterUserEvent => ({
  type: 'StateChanged',
  data: { masterId, from, to, trigger },
});
const attached = (bot: Bot, tokenMessageId = 10, encryptedToken = `sealed-token-${bot.botId}`): MasterUserEvent => ({
  type: 'ClientBotAttached',
  data: { masterId, ...bot, encryptedToken, tokenMessageId },
});
const detached = (bot: Bot): MasterUserEvent => ({ type: 'ClientBotDetached', data: { masterId, ...bot } });
const broken = (bot: Bot): MasterUserEvent => ({ type: 'ClientBotBroken', data: { masterId, ...bot, reason: 'token_revoked' } });
const rejected = (
  command: string,
  reason: RejectionReason,
  extra: { messageId?: number; deleteMessage?: boolean } = {},
): MasterUserEvent => ({
  type: 'CommandRejected',
  data: { masterId, command, reason, ...extra },
});
/** What the handler seals a typed text into (a stand-in box: the decider never opens it). */
const typedBox = (text: string): Sealed => ({ keyId: `master-${masterId}`, box: Buffer.from(text).toString('base64') });
const typedBoxOrNull = (text: string | null): Sealed | null => (text === null ? null : typedBox(text));
const pickerOffered = (purpose: BotPurpose, bots: Bot[], startParameter?: string | null): MasterUserEvent => ({
  type: 'BotPickerOffered',
  data: { masterId, purpose, bots, ...(startParameter !== undefined ? { startParameter: typedBoxOrNull(startParameter) } : {}) },
});
const chosen = (purpose: BotPurpose, bot: Bot): MasterUserEvent => ({ type: 'BotChosen', data: { masterId, purpose, ...bot } });
const qrRequested = (bot: Bot, startParameter: string | null = null): MasterUserEvent => ({
  type: 'QrCodeRequested',
  data: { masterId, ...bot, startParameter: typedBoxOrNull(startParameter) },
});
const proActivated = (
  chargeId = 'charge-1',
  { until = PAID_UNTIL, renewal = false, resumedBotIds = [] as number[] } = {},
): MasterUserEvent => ({ type: 'ProActivated', data: { masterId, chargeId, stars: STARS, until, renewal, resumedBotIds } });
const proExpired = (pausedBotIds: number[]): MasterUserEvent => ({ type: 'ProExpired', data: { masterId, pausedBotIds } });
const renewalCancelled: MasterUserEvent = { type: 'ProRenewalCancelled', data: { masterId, chargeId: 'charge-1', until: PAID_UNTIL } };

const customerMessage: ReplyTarget = {
  botId: shop.botId,
  customerId: 555,
  conversationId: `${shop.botId}-555`,
  customerMessageId: 3,
  relayedMessageId: 44,
};
const cafeCustomer: ReplyTarget = { ...customerMessage, botId: cafe.botId, conversationId: `${cafe.botId}-555`, relayedMessageId: 45 };
const strangersCustomer: ReplyTarget = { ...customerMessage, botId: strangersBot.botId, conversationId: `${strangersBot.botId}-555` };
const sealedText: Sealed = { keyId: `conversation-${shop.botId}-555`, box: 'aXYxMnRhZzE2Y2lwaGVydGV4dA==' };
const sealedGreeting: Sealed = { keyId: `bot-${shop.botId}`, box: 'aXYxMnRhZzE2d2VsY29tZQ==' };
const sealedBroadcast: Sealed = { keyId: 'broadcast-b-1', box: 'aXYxMnRhZzE2c2FsZQ==' };

const replyStarted = (target: ReplyTarget): MasterUserEvent => ({ type: 'ReplyStarted', data: { masterId, target } });

/** Histories that leave a registered master in each state of the MasterBot conversation. */
const inMain: MasterUserEvent[] = [registered, attached(shop)];
const awaitingToken: MasterUserEvent[] = [registered, attached(shop), changed('Main', 'AwaitingBotToken', '/add')];
/** A Pro master with two bots who sent /remove. */
const proWithTwoBots: MasterUserEvent[] = [registered, proActivated(), attached(shop), attached(cafe)];
const choosingBot: MasterUserEvent[] = [
  ...proWithTwoBots,
  pickerOffered('remove', [shop, cafe]),
  changed('Main', 'ChoosingBot', '/remove'),
];
const awaitingGreeting: MasterUserEvent[] = [
  registered,
  attached(shop),
  chosen('greeting', shop),
  changed('Main', 'AwaitingGreeting', '/greeting'),
];
const awaitingBroadcast: MasterUserEvent[] = [
  registered,
  proActivated(),
  attached(shop),
  chosen('broadcast', shop),
  changed('Main', 'AwaitingBroadcast', '/broadcast'),
];
const responding: MasterUserEvent[] = [
  registered,
  attached(shop),
  replyStarted(customerMessage),
  changed('Main', 'Responding', 'reply button'),
];
const historyIn: Record<MasterFsmState, MasterUserEvent[]> = {
  Main: inMain,
  AwaitingBotToken: awaitingToken,
  ChoosingBot: choosingBot,
  AwaitingGreeting: awaitingGreeting,
  AwaitingBroadcast: awaitingBroadcast,
  Responding: responding,
};
/** How a master would describe being in each state (for test names). */
const where: Record<MasterFsmState, string> = {
  Main: 'in the main menu',
  AwaitingBotToken: 'asked for a bot token',
  ChoosingBot: 'choosing one of their bots',
  AwaitingGreeting: 'asked for a greeting',
  AwaitingBroadcast: 'asked for a broadcast message',
  Responding: 'answering a customer',
};
const STATES: MasterFsmState[] = ['Main', 'AwaitingBotToken', 'ChoosingBot', 'AwaitingGreeting', 'AwaitingBroadcast', 'Responding'];
const cases = (states: MasterFsmState[]) => states.map((state) => ({ state, where: where[state] }));
const nonMainStates = cases(STATES.filter((s) => s !== 'Main'));
const allStates = cases(STATES);

/** A Pro master (three bots) whose paid period ended: the first bot runs, the others are paused. */
const proEndedWithThreeBots: MasterUserEvent[] = [
  registered,
  proActivated(),
  attached(shop),
  attached(cafe),
  attached(florist),
  proExpired([cafe.botId, florist.botId]),
];

// ---- commands ------------------------------------------------------------------------------------

const start: MasterUserCommand = { type: 'Start', masterId, firstName: 'Alice' };
const help: MasterUserCommand = { type: 'Help', masterId };
const add: MasterUserCommand = { type: 'RequestAddBot', masterId };
const remove: MasterUserCommand = { type: 'RequestRemoveBot', masterId };
const qr = (text: string | null = null): MasterUserCommand => ({
  type: 'RequestQr',
  masterId,
  startParameter: text === null ? null : { text, sealed: typedBox(text) },
});
const unknownCommand: MasterUserCommand = { type: 'UnknownCommand', masterId, command: typedBox('/frobnicate') };
const greeting: MasterUserCommand = { type: 'RequestGreeting', masterId };
const broadcast: MasterUserCommand = { type: 'RequestBroadcast', masterId };
const cancel: MasterUserCommand = { type: 'Cancel', masterId };
const listBots: MasterUserCommand = { type: 'ListBots', masterId };
const listBanned: MasterUserCommand = { type: 'ListBanned', masterId };
const reminders = (hours: number | null): MasterUserCommand => ({ type: 'ConfigureReminders', masterId, hours });
const subscribe: MasterUserCommand = { type: 'Subscribe', masterId, stars: STARS, periodSeconds: MONTH };
const unsubscribe: MasterUserCommand = { type: 'Unsubscribe', masterId };
const pay = (chargeId = 'charge-1', until = PAID_UNTIL): MasterUserCommand => ({
  type: 'RecordPayment',
  masterId,
  chargeId,
  stars: STARS,
  until,
  limits: LIMITS,
});
const checkout = (overrides: Partial<Extract<MasterUserCommand, { type: 'AnswerCheckout' }>> = {}): MasterUserCommand => ({
  type: 'AnswerCheckout',
  masterId,
  queryId: 'q-1',
  payload: `pro:${masterId}`,
  currency: 'XTR',
  totalAmount: STARS,
  stars: STARS,
  ...overrides,
});
const expirePro = (now: string): MasterUserCommand => ({ type: 'ExpirePro', masterId, now, limits: LIMITS });
const pressPickButton = (purpose: BotPurpose, botId: number): MasterUserCommand => ({ type: 'PickBot', masterId, purpose, botId });
const pressRemoveButton = (botId: number) => pressPickButton('remove', botId);
const tokenRevoked = (bot: Bot): MasterUserCommand => ({ type: 'MarkBotBroken', masterId, botId: bot.botId });
const validToken = (bot: Bot, encryptedToken = `sealed-token-${bot.botId}`): TokenVerdict => ({ valid: true, ...bot, encryptedToken });
const pasteToken = (verdict: TokenVerdict, messageId = 77, limits: PlanLimits = LIMITS): MasterUserCommand => ({
  type: 'SubmitBotToken',
  masterId,
  messageId,
  verdict,
  limits,
});
const writeGreeting = (text: Sealed | null = sealedGreeting, length = 24): MasterUserCommand => ({
  type: 'SetGreeting',
  masterId,
  greeting: text,
  length,
});
const sendBroadcast = (content: Sealed | null = sealedBroadcast): MasterUserCommand => ({
  type: 'SubmitBroadcast',
  masterId,
  broadcastId: 'b-1',
  content,
});
const reply = (target: ReplyTarget | null, content: Sealed | null = sealedText): MasterUserCommand => ({
  type: 'Reply',
  masterId,
  replyId: '1001:900',
  masterMessageId: 88,
  target,
  content,
});
const replySent = (target: ReplyTarget): MasterUserEvent => ({
  type: 'ReplySent',
  data: { masterId, replyId: '1001:900', target, masterMessageId: 88, content: sealedText },
});
const pressReplyButton = (target: ReplyTarget | null): MasterUserCommand => ({ type: 'StartResponding', masterId, target });
const plainMessage: MasterUserCommand = { type: 'PlainMessage', masterId, messageId: 66 };

const botsOf = (history: MasterUserEvent[]) => spec.given(...history).state.bots;
const statusOf = (bots: { botId: number; status: string }[], bot: Bot) => bots.find((b) => b.botId === bot.botId)?.status;

describe('MasterUser decider', () => {
  describe('/start', () => {
    it('a new master who sends /start is registered', () => {
      spec
        .given()
        .when(start)
        .then({ type: 'MasterRegistered', data: { masterId, firstName: 'Alice' } });
      const state = spec.given().when(start).thenState();
      expect(state).toEqual({
        registered: true,
        masterId,
        fsm: 'Main',
        bots: [],
        respondingTo: null,
        picking: null,
        chosenBot: null,
        plan: { kind: 'free' },
        charges: [],
        reminderHours: null,
        topics: {},
        ownChatTopics: {},
        pendingTeamGroup: null,
        answers: new Map(),
        topicAnswers: new Map(),
      });
    });

    it('a registered master who sends /start again just sees the welcome again', () => {
      spec
        .given(...inMain)
        .when(start)
        .then({ type: 'WelcomeShown', data: { masterId } });
    });

    it.each(nonMainStates)('a master $where who sends /start returns to the main menu first, then sees the welcome', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(start)
        .then(changed(state, 'Main', '/start'), { type: 'WelcomeShown', data: { masterId } });
    });

    it('a master who sends /start while answering a customer is no longer answering that customer', () => {
      const state = spec
        .given(...responding)
        .when(start)
        .thenState();
      expect(state.fsm).toBe('Main');
      expect(state.respondingTo).toBeNull();
    });
  });

  describe('before registration', () => {
    const everyOtherCommand: MasterUserCommand[] = [
      help,
      add,
      pasteToken(validToken(shop)),
      remove,
      qr(),
      greeting,
      broadcast,
      pressRemoveButton(shop.botId),
      cancel,
      unknownCommand,
      pressReplyButton(customerMessage),
      reply(customerMessage),
      plainMessage,
      writeGreeting(),
      sendBroadcast(),
      listBots,
      listBanned,
      reminders(2),
      subscribe,
      unsubscribe,
      { type: 'Refuse', masterId, command: '/ban', reason: 'reply_target_unknown' },
      tokenRevoked(shop),
    ];

    it.each(everyOtherCommand.map((command) => [command.type, command] as const))(
      'a master who has never sent /start is told to register first (%s)',
      (type, command) => {
        spec.given().when(command).then(rejected(type, 'not_registered'));
      },
    );

    it('someone who has never sent /start and tries to pay is answered at checkout (Telegram waits) and told to /start first', () => {
      spec
        .given()
        .when(checkout())
        .then({ type: 'CheckoutAnswered', data: { masterId, queryId: 'q-1', ok: false, error: 'Please send /start to the bot first.' } });
    });
  });

  describe('/help', () => {
    it('a master who sends /help is shown the help', () => {
      spec
        .given(...inMain)
        .when(help)
        .then({ type: 'HelpShown', data: { masterId } });
    });

    it.each(nonMainStates)('a master $where who sends /help returns to the main menu first', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(help)
        .then(changed(state, 'Main', '/help'), { type: 'HelpShown', data: { masterId } });
    });
  });

  describe('/add', () => {
    it('a master who sends /add from the main menu is asked for a bot token', () => {
      spec
        .given(...inMain)
        .when(add)
        .then(changed('Main', 'AwaitingBotToken', '/add'));
      expect(
        spec
          .given(...inMain)
          .when(add)
          .thenState().fsm,
      ).toBe('AwaitingBotToken');
    });

    it('a master who sends /add again while asked for a token is asked again', () => {
      spec
        .given(...awaitingToken)
        .when(add)
        .then(changed('AwaitingBotToken', 'AwaitingBotToken', '/add'));
    });

    it('a master choosing one of their bots who sends /add leaves the choice and is asked for a token', () => {
      spec
        .given(...choosingBot)
        .when(add)
        .then(changed('ChoosingBot', 'Main', '/add'), changed('Main', 'AwaitingBotToken', '/add'));
      expect(
        spec
          .given(...choosingBot)
          .when(add)
          .thenState().picking,
      ).toBeNull();
    });

    it('a master answering a customer who sends /add stops answering and is asked for a token', () => {
      spec
        .given(...responding)
        .when(add)
        .then(changed('Responding', 'Main', '/add'), changed('Main', 'AwaitingBotToken', '/add'));
      const state = spec
        .given(...responding)
        .when(add)
        .thenState();
      expect(state).toMatchObject({ fsm: 'AwaitingBotToken', respondingTo: null });
    });

    it('a master asked for a greeting who sends /add forgets the bot the greeting was for', () => {
      const state = spec
        .given(...awaitingGreeting)
        .when(add)
        .thenState();
      expect(state).toMatchObject({ fsm: 'AwaitingBotToken', chosenBot: null });
    });
  });

  describe('pasting a bot token', () => {
    const askedForToken = [registered, changed('Main', 'AwaitingBotToken', '/add')];

    it('a master who pastes a valid token gets the bot attached and returns to the main menu', () => {
      spec
        .given(...askedForToken)
        .when(pasteToken(validToken(shop), 77))
        .then(attached(shop, 77), changed('AwaitingBotToken', 'Main', 'bot token'));
      const state = spec
        .given(...askedForToken)
        .when(pasteToken(validToken(shop)))
        .thenState();
      expect(state).toMatchObject({ fsm: 'Main', bots: [{ ...shop, status: 'active' }] });
    });

    const invalidReasons: Extract<TokenVerdict, { valid: false }>['reason'][] = [
      'token_malformed',
      'token_invalid',
      'token_is_master_bot',
      'token_not_a_bot',
      'token_attached_elsewhere',
      'webhook_registration_failed',
    ];

    it.each(invalidReasons)(
      'a master whose token is refused (%s) is told why, the message holding the token is deleted, and they may try again',
      (reason) => {
        spec
          .given(...askedForToken)
          .when(pasteToken({ valid: false, reason }, 78))
          .then(rejected('token', reason, { messageId: 78, deleteMessage: true }));
        const state = spec
          .given(...askedForToken)
          .when(pasteToken({ valid: false, reason }))
          .thenState();
        expect(state).toMatchObject({ fsm: 'AwaitingBotToken', bots: [] });
      },
    );

    it('a master who pastes the token of a bot they already have is told so and the token message is deleted', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(shop), 79, ROOMY))
        .then(rejected('token', 'bot_already_attached', { messageId: 79, deleteMessage: true }));
    });

    it('a Free master cannot attach a second bot (told the limit is reached, the token message deleted)', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(cafe), 80))
        .then(rejected('token', 'bot_limit_reached', { messageId: 80, deleteMessage: true }));
      expect(
        spec
          .given(...awaitingToken)
          .when(pasteToken(validToken(cafe)))
          .thenState().bots,
      ).toEqual([{ ...shop, status: 'active' }]);
    });

    it('the Free limit is the deployment’s: with room for two, a Free master attaches a second bot', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(cafe), 81, { free: 2, pro: 10 }))
        .then(attached(cafe, 81), changed('AwaitingBotToken', 'Main', 'bot token'));
    });

    it('a Pro master gets a second bot attached', () => {
      spec
        .given(registered, proActivated(), attached(shop), changed('Main', 'AwaitingBotToken', '/add'))
        .when(pasteToken(validToken(cafe), 81))
        .then(attached(cafe, 81), changed('AwaitingBotToken', 'Main', 'bot token'));
    });

    it('a Pro master at the Pro limit is told so, with the Pro wording, and the token message is deleted', () => {
      spec
        .given(registered, proActivated(), attached(shop), attached(cafe), attached(florist), changed('Main', 'AwaitingBotToken', '/add'))
        .when(pasteToken(validToken({ botId: 7000000004, username: 'fourth_bot' }), 82))
        .then(rejected('token', 'pro_bot_limit_reached', { messageId: 82, deleteMessage: true }));
    });

    it('paused bots still count towards the limit: a master back on Free with a paused bot cannot attach another', () => {
      spec
        .given(...proEndedWithThreeBots, changed('Main', 'AwaitingBotToken', '/add'))
        .when(pasteToken(validToken({ botId: 7000000004, username: 'fourth_bot' }), 83))
        .then(rejected('token', 'bot_limit_reached', { messageId: 83, deleteMessage: true }));
    });

    it.each(cases(['Main', 'ChoosingBot', 'AwaitingGreeting', 'AwaitingBroadcast', 'Responding']))(
      'a token that arrives while the master is $where (not asked for one) attaches nothing, but its message is still deleted',
      ({ state }) => {
        spec
          .given(...historyIn[state])
          .when(pasteToken(validToken(florist), 82, ROOMY))
          .then(rejected('token', 'not_a_reply', { messageId: 82, deleteMessage: true }));
      },
    );
  });

  describe('/remove', () => {
    it('a master with no bots who sends /remove is told there is nothing to remove', () => {
      spec.given(registered).when(remove).then(rejected('/remove', 'no_bots_to_remove'));
    });

    it('a master with one bot who sends /remove gets that bot detached at once', () => {
      spec
        .given(...inMain)
        .when(remove)
        .then(detached(shop));
      expect(
        spec
          .given(...inMain)
          .when(remove)
          .thenState(),
      ).toMatchObject({ fsm: 'Main', bots: [] });
    });

    it('a master with several bots who sends /remove is offered a button per bot', () => {
      spec
        .given(...proWithTwoBots)
        .when(remove)
        .then(pickerOffered('remove', [shop, cafe]), changed('Main', 'ChoosingBot', '/remove'));
      expect(
        spec
          .given(...proWithTwoBots)
          .when(remove)
          .thenState(),
      ).toMatchObject({
        fsm: 'ChoosingBot',
        picking: { purpose: 'remove', startParameter: null },
      });
    });

    it('a master choosing a bot who sends /remove again gets a fresh list of buttons', () => {
      spec
        .given(...choosingBot)
        .when(remove)
        .then(changed('ChoosingBot', 'Main', '/remove'), pickerOffered('remove', [shop, cafe]), changed('Main', 'ChoosingBot', '/remove'));
    });

    it('paused and broken bots can be removed too: they are on the list', () => {
      spec
        .given(...proEndedWithThreeBots, broken(shop))
        .when(remove)
        .then(pickerOffered('remove', [shop, cafe, florist]), changed('Main', 'ChoosingBot', '/remove'));
    });

    it('a master asked for a token who sends /remove with no bots leaves the token prompt and is told there is nothing to remove', () => {
      spec
        .given(registered, changed('Main', 'AwaitingBotToken', '/add'))
        .when(remove)
        .then(changed('AwaitingBotToken', 'Main', '/remove'), rejected('/remove', 'no_bots_to_remove'));
    });

    it('a master answering a customer who sends /remove stops answering and gets their only bot detached', () => {
      spec
        .given(...responding)
        .when(remove)
        .then(changed('Responding', 'Main', '/remove'), detached(shop));
    });

    it("a master who presses a bot's button returns to the main menu and gets that bot detached", () => {
      spec
        .given(...choosingBot)
        .when(pressRemoveButton(cafe.botId))
        .then(changed('ChoosingBot', 'Main', 'remove button'), detached(cafe));
      const state = spec
        .given(...choosingBot)
        .when(pressRemoveButton(cafe.botId))
        .thenState();
      expect(state).toMatchObject({ fsm: 'Main', bots: [{ ...shop, status: 'active' }], picking: null });
    });

    it('a stale picker button for a detached bot is answered, not obeyed', () => {
      spec
        .given(...choosingBot, detached(cafe))
        .when(pressRemoveButton(cafe.botId))
        .then(changed('ChoosingBot', 'Main', 'remove button'), rejected('remove button', 'bot_not_attached'));
    });

    it('a master in the main menu who presses an old button for a bot already gone is told the buttons are out of date', () => {
      spec
        .given(...inMain, detached(shop))
        .when(pressRemoveButton(shop.botId))
        .then(rejected('remove button', 'picker_expired'));
    });

    it('a master in the main menu who presses an old remove button keeps the bot and stays in the main menu', () => {
      spec
        .given(...inMain)
        .when(pressRemoveButton(shop.botId))
        .then(rejected('remove button', 'picker_expired'));
      const state = spec
        .given(...inMain)
        .when(pressRemoveButton(shop.botId))
        .thenState();
      expect(state).toEqual(spec.given(...inMain).state);
    });

    it('a remove button pressed again after the bot was removed is told the buttons are out of date', () => {
      const afterRemoval = [...choosingBot, changed('ChoosingBot', 'Main', 'remove button'), detached(cafe)];
      spec
        .given(...afterRemoval)
        .when(pressRemoveButton(shop.botId))
        .then(rejected('remove button', 'picker_expired'));
      expect(
        spec
          .given(...afterRemoval)
          .when(pressRemoveButton(shop.botId))
          .thenState().bots,
      ).toEqual([{ ...shop, status: 'active' }]);
    });

    it('a picker button can never reach a bot of another master', () => {
      spec
        .given(...choosingBot)
        .when(pressRemoveButton(strangersBot.botId))
        .then(changed('ChoosingBot', 'Main', 'remove button'), rejected('remove button', 'bot_not_attached'));
    });

    it('an old remove button pressed while choosing a bot for a QR code does not detach the bot', () => {
      const choosingForQr = [...proWithTwoBots, pickerOffered('qr', [shop, cafe], 'promo'), changed('Main', 'ChoosingBot', '/qr')];
      spec
        .given(...choosingForQr)
        .when(pressRemoveButton(cafe.botId))
        .then(rejected('remove button', 'picker_expired'));
      const state = spec
        .given(...choosingForQr)
        .when(pressRemoveButton(cafe.botId))
        .thenState();
      expect(state.bots.map((b) => b.botId)).toContain(cafe.botId);
    });

    it('a master choosing a bot for a QR code who presses an old remove button can still pick the bot for the QR code', () => {
      const choosingForQr = [...proWithTwoBots, pickerOffered('qr', [shop, cafe], 'promo'), changed('Main', 'ChoosingBot', '/qr')];
      const state = spec
        .given(...choosingForQr)
        .when(pressRemoveButton(cafe.botId))
        .thenState();
      expect(state).toMatchObject({ fsm: 'ChoosingBot', picking: { purpose: 'qr', startParameter: typedBox('promo') } });
      spec
        .given(...choosingForQr, rejected('remove button', 'picker_expired'))
        .when(pressPickButton('qr', cafe.botId))
        .then(changed('ChoosingBot', 'Main', 'qr button'), qrRequested(cafe, 'promo'));
    });

    it.each(cases(STATES.filter((s) => s !== 'ChoosingBot')))(
      'a master $where who presses an old remove button is told the buttons are out of date and nothing changes',
      ({ state }) => {
        spec
          .given(...historyIn[state])
          .when(pressRemoveButton(shop.botId))
          .then(rejected('remove button', 'picker_expired'));
        const after = spec
          .given(...historyIn[state])
          .when(pressRemoveButton(shop.botId))
          .thenState();
        expect(after).toEqual(spec.given(...historyIn[state]).state);
      },
    );
  });

  describe('/qr', () => {
    it('a master with one bot who sends /qr gets the QR code of that bot', () => {
      spec
        .given(...inMain)
        .when(qr())
        .then(qrRequested(shop, null));
      expect(
        spec
          .given(...inMain)
          .when(qr())
          .thenState().fsm,
      ).toBe('Main');
    });

    it('a master who sends /qr with a start parameter gets a QR code that carries it', () => {
      spec
        .given(...inMain)
        .when(qr('spring_sale-2026'))
        .then(qrRequested(shop, 'spring_sale-2026'));
    });

    it.each([
      ['spaces', 'spring sale'],
      ['non-Latin letters', 'весна'],
      ['punctuation', 'sale!'],
      ['more than 64 characters', 'a'.repeat(65)],
      ['nothing after /qr but blanks', ''],
    ])('/qr with a bad start parameter is refused (%s)', (_what, parameter) => {
      spec
        .given(...inMain)
        .when(qr(parameter))
        .then(rejected('/qr', 'bad_start_parameter'));
    });

    it('/qr with a start parameter of exactly 64 characters is accepted', () => {
      spec
        .given(...inMain)
        .when(qr('a'.repeat(64)))
        .then(qrRequested(shop, 'a'.repeat(64)));
    });

    it('a master with no bots who sends /qr is told they have no bots', () => {
      spec.given(registered).when(qr()).then(rejected('/qr', 'no_bots'));
    });

    it('a master with several bots who sends /qr is offered a button per bot, and the start parameter is kept', () => {
      spec
        .given(...proWithTwoBots)
        .when(qr('promo'))
        .then(pickerOffered('qr', [shop, cafe], 'promo'), changed('Main', 'ChoosingBot', '/qr'));
    });

    it('a master who picks a bot for /qr gets its QR code with the start parameter they typed', () => {
      const history = [...proWithTwoBots, pickerOffered('qr', [shop, cafe], 'promo'), changed('Main', 'ChoosingBot', '/qr')];
      spec
        .given(...history)
        .when(pressPickButton('qr', cafe.botId))
        .then(changed('ChoosingBot', 'Main', 'qr button'), qrRequested(cafe, 'promo'));
    });

    it('a master who picks a bot for a plain /qr gets a QR code without a start parameter', () => {
      const history = [...proWithTwoBots, pickerOffered('qr', [shop, cafe], null), changed('Main', 'ChoosingBot', '/qr')];
      spec
        .given(...history)
        .when(pressPickButton('qr', shop.botId))
        .then(changed('ChoosingBot', 'Main', 'qr button'), qrRequested(shop, null));
    });
  });

  describe('/greeting', () => {
    it('a master with one bot who sends /greeting is asked for the greeting of that bot', () => {
      spec
        .given(...inMain)
        .when(greeting)
        .then(chosen('greeting', shop), changed('Main', 'AwaitingGreeting', '/greeting'));
      expect(
        spec
          .given(...inMain)
          .when(greeting)
          .thenState(),
      ).toMatchObject({ fsm: 'AwaitingGreeting', chosenBot: shop });
    });

    it('a master with no bots who sends /greeting is told they have no bots', () => {
      spec.given(registered).when(greeting).then(rejected('/greeting', 'no_bots'));
    });

    it('a master with several bots who sends /greeting is offered a button per bot', () => {
      spec
        .given(...proWithTwoBots)
        .when(greeting)
        .then(pickerOffered('greeting', [shop, cafe]), changed('Main', 'ChoosingBot', '/greeting'));
    });

    it('a master who picks a bot for /greeting is asked for the greeting of that bot', () => {
      const history = [...proWithTwoBots, pickerOffered('greeting', [shop, cafe]), changed('Main', 'ChoosingBot', '/greeting')];
      spec
        .given(...history)
        .when(pressPickButton('greeting', cafe.botId))
        .then(
          changed('ChoosingBot', 'Main', 'greeting button'),
          chosen('greeting', cafe),
          changed('Main', 'AwaitingGreeting', '/greeting'),
        );
      expect(
        spec
          .given(...history)
          .when(pressPickButton('greeting', cafe.botId))
          .thenState(),
      ).toMatchObject({
        fsm: 'AwaitingGreeting',
        chosenBot: cafe,
      });
    });

    it('a master choosing a bot to remove who presses an old greeting button is told the buttons are out of date and is still choosing', () => {
      spec
        .given(...choosingBot)
        .when(pressPickButton('greeting', cafe.botId))
        .then(rejected('greeting button', 'picker_expired'));
      const state = spec
        .given(...choosingBot)
        .when(pressPickButton('greeting', cafe.botId))
        .thenState();
      expect(state).toMatchObject({ fsm: 'ChoosingBot', picking: { purpose: 'remove' }, chosenBot: null });
    });

    it('a master already asked for a greeting who presses the greeting button again keeps the bot they chose', () => {
      spec
        .given(...awaitingGreeting)
        .when(pressPickButton('greeting', cafe.botId))
        .then(rejected('greeting button', 'picker_expired'));
      const state = spec
        .given(...awaitingGreeting)
        .when(pressPickButton('greeting', cafe.botId))
        .thenState();
      expect(state).toMatchObject({ fsm: 'AwaitingGreeting', chosenBot: shop });
    });

    it('a master who writes the greeting gets it set on the chosen bot and returns to the main menu', () => {
      spec
        .given(...awaitingGreeting)
        .when(writeGreeting())
        .then(
          { type: 'GreetingSet', data: { masterId, ...shop, greeting: sealedGreeting } },
          changed('AwaitingGreeting', 'Main', 'greeting text'),
        );
      expect(
        spec
          .given(...awaitingGreeting)
          .when(writeGreeting())
          .thenState(),
      ).toMatchObject({ fsm: 'Main', chosenBot: null });
    });

    it('a greeting of exactly the maximum length is accepted', () => {
      const state = spec
        .given(...awaitingGreeting)
        .when(writeGreeting(sealedGreeting, GREETING_MAX_LENGTH))
        .thenState();
      expect(state.fsm).toBe('Main');
    });

    it('a greeting that is too long is refused and the master may try again', () => {
      spec
        .given(...awaitingGreeting)
        .when(writeGreeting(sealedGreeting, GREETING_MAX_LENGTH + 1))
        .then(rejected('greeting', 'greeting_too_long'));
      expect(
        spec
          .given(...awaitingGreeting)
          .when(writeGreeting(sealedGreeting, 5000))
          .thenState(),
      ).toMatchObject({
        fsm: 'AwaitingGreeting',
        chosenBot: shop,
      });
    });

    it('a greeting that is not text (a photo) is refused and the master may try again', () => {
      spec
        .given(...awaitingGreeting)
        .when(writeGreeting(null, 0))
        .then(rejected('greeting', 'greeting_not_text'));
      expect(
        spec
          .given(...awaitingGreeting)
          .when(writeGreeting(null, 0))
          .thenState().fsm,
      ).toBe('AwaitingGreeting');
    });

    it.each(cases(['Main', 'AwaitingBotToken', 'ChoosingBot', 'AwaitingBroadcast', 'Responding']))(
      'a greeting text from a master $where (not asked for one) sets nothing',
      ({ state }) => {
        spec
          .given(...historyIn[state])
          .when(writeGreeting())
          .then(rejected('message', 'not_a_reply'));
      },
    );

    it('a greeting is not set after the master cancelled', () => {
      spec
        .given(...awaitingGreeting, changed('AwaitingGreeting', 'Main', '/cancel'))
        .when(writeGreeting())
        .then(rejected('message', 'not_a_reply'));
    });
  });

  describe('/broadcast', () => {
    const proWithShop = [registered, proActivated(), attached(shop)];

    it('a broadcast needs Pro', () => {
      spec
        .given(...inMain)
        .when(broadcast)
        .then(rejected('/broadcast', 'pro_required'));
    });

    it('a Free master asked for a greeting who sends /broadcast leaves the prompt and is told it needs Pro', () => {
      spec
        .given(...awaitingGreeting)
        .when(broadcast)
        .then(changed('AwaitingGreeting', 'Main', '/broadcast'), rejected('/broadcast', 'pro_required'));
    });

    it('a Pro master with one bot who sends /broadcast is asked for the message to broadcast through it', () => {
      spec
        .given(...proWithShop)
        .when(broadcast)
        .then(chosen('broadcast', shop), changed('Main', 'AwaitingBroadcast', '/broadcast'));
    });

    it('a Pro master with several bots who sends /broadcast is offered a button per bot', () => {
      spec
        .given(...proWithTwoBots)
        .when(broadcast)
        .then(pickerOffered('broadcast', [shop, cafe]), changed('Main', 'ChoosingBot', '/broadcast'));
    });

    it('a broadcast picker only offers bots that are running (not a bot whose token was revoked)', () => {
      spec
        .given(registered, proActivated(), attached(shop), attached(cafe), attached(florist), broken(cafe))
        .when(broadcast)
        .then(pickerOffered('broadcast', [shop, florist]), changed('Main', 'ChoosingBot', '/broadcast'));
    });

    it('a Pro master whose only running bot is left after a revoked token broadcasts through it without a picker', () => {
      spec
        .given(...proWithTwoBots, broken(shop))
        .when(broadcast)
        .then(chosen('broadcast', cafe), changed('Main', 'AwaitingBroadcast', '/broadcast'));
    });

    it('a Pro master with no running bot who sends /broadcast is told they have no bots', () => {
      spec.given(registered, proActivated(), attached(shop), broken(shop)).when(broadcast).then(rejected('/broadcast', 'no_bots'));
      spec.given(registered, proActivated()).when(broadcast).then(rejected('/broadcast', 'no_bots'));
    });

    it('a Pro master who picks a bot for /broadcast is asked for the message', () => {
      const history = [...proWithTwoBots, pickerOffered('broadcast', [shop, cafe]), changed('Main', 'ChoosingBot', '/broadcast')];
      spec
        .given(...history)
        .when(pressPickButton('broadcast', cafe.botId))
        .then(
          changed('ChoosingBot', 'Main', 'broadcast button'),
          chosen('broadcast', cafe),
          changed('Main', 'AwaitingBroadcast', '/broadcast'),
        );
    });

    it('a broadcast button for a bot whose token was revoked since is refused', () => {
      const history = [
        ...proWithTwoBots,
        pickerOffered('broadcast', [shop, cafe]),
        changed('Main', 'ChoosingBot', '/broadcast'),
        broken(cafe),
      ];
      spec
        .given(...history)
        .when(pressPickButton('broadcast', cafe.botId))
        .then(changed('ChoosingBot', 'Main', 'broadcast button'), rejected('broadcast button', 'bot_broken'));
    });

    it('a broadcast button pressed after Pro ended is refused: a broadcast needs Pro', () => {
      const history = [
        ...proWithTwoBots,
        pickerOffered('broadcast', [shop, cafe]),
        changed('Main', 'ChoosingBot', '/broadcast'),
        proExpired([cafe.botId]),
      ];
      spec
        .given(...history)
        .when(pressPickButton('broadcast', shop.botId))
        .then(changed('ChoosingBot', 'Main', 'broadcast button'), rejected('broadcast button', 'pro_required'));
    });

    it('a Pro master who sends the broadcast message gets it broadcast through the chosen bot and returns to the main menu', () => {
      spec
        .given(...awaitingBroadcast)
        .when(sendBroadcast())
        .then(
          { type: 'BroadcastRequested', data: { masterId, ...shop, broadcastId: 'b-1', content: sealedBroadcast } },
          changed('AwaitingBroadcast', 'Main', 'broadcast message'),
        );
    });

    it('a broadcast message of a kind that cannot be broadcast is refused and the master may try again', () => {
      spec
        .given(...awaitingBroadcast)
        .when(sendBroadcast(null))
        .then(rejected('broadcast', 'broadcast_unsupported_message'));
      expect(
        spec
          .given(...awaitingBroadcast)
          .when(sendBroadcast(null))
          .thenState(),
      ).toMatchObject({
        fsm: 'AwaitingBroadcast',
        chosenBot: shop,
      });
    });

    it('a master whose Pro ended while writing the broadcast is returned to the main menu and told it needs Pro', () => {
      spec
        .given(...awaitingBroadcast, proExpired([]))
        .when(sendBroadcast())
        .then(changed('AwaitingBroadcast', 'Main', 'broadcast message'), rejected('broadcast', 'pro_required'));
    });

    it('a master whose bot token was revoked while writing the broadcast is returned to the main menu and told why', () => {
      spec
        .given(...awaitingBroadcast, broken(shop))
        .when(sendBroadcast())
        .then(changed('AwaitingBroadcast', 'Main', 'broadcast message'), rejected('broadcast', 'bot_broken'));
    });

    it.each(cases(['Main', 'AwaitingBotToken', 'ChoosingBot', 'AwaitingGreeting', 'Responding']))(
      'a broadcast message from a master $where (not asked for one) broadcasts nothing',
      ({ state }) => {
        spec
          .given(...historyIn[state])
          .when(sendBroadcast())
          .then(rejected('message', 'not_a_reply'));
      },
    );
  });

  describe('/bots, /banned, /reminders', () => {
    it('a master who sends /bots gets the list of their bots', () => {
      spec
        .given(...inMain)
        .when(listBots)
        .then({ type: 'BotListRequested', data: { masterId } });
    });

    it('a master who sends /banned gets the list of banned customers', () => {
      spec
        .given(...inMain)
        .when(listBanned)
        .then({ type: 'BannedListRequested', data: { masterId } });
    });

    it.each(nonMainStates)('a master $where who sends /bots or /banned returns to the main menu first', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(listBots)
        .then(changed(state, 'Main', '/bots'), { type: 'BotListRequested', data: { masterId } });
      spec
        .given(...historyIn[state])
        .when(listBanned)
        .then(changed(state, 'Main', '/banned'), { type: 'BannedListRequested', data: { masterId } });
    });

    it('a master who sets reminders to 2 hours gets reminders after 2 hours', () => {
      spec
        .given(...inMain)
        .when(reminders(2))
        .then({ type: 'RemindersConfigured', data: { masterId, hours: 2 } });
      expect(
        spec
          .given(...inMain)
          .when(reminders(2))
          .thenState().reminderHours,
      ).toBe(2);
    });

    it('a master who turns reminders off gets none', () => {
      spec
        .given(...inMain, { type: 'RemindersConfigured', data: { masterId, hours: 2 } })
        .when(reminders(null))
        .then({ type: 'RemindersConfigured', data: { masterId, hours: null } });
      const state = spec
        .given(...inMain, { type: 'RemindersConfigured', data: { masterId, hours: 2 } })
        .when(reminders(null))
        .thenState();
      expect(state.reminderHours).toBeNull();
    });

    it.each([0.25, 168])('a reminder delay at the bound (%s hours) is accepted', (hours) => {
      spec
        .given(...inMain)
        .when(reminders(hours))
        .then({ type: 'RemindersConfigured', data: { masterId, hours } });
    });

    it.each([
      ['not a number', NaN],
      ['shorter than a quarter of an hour', 0.2],
      ['zero', 0],
      ['negative', -1],
      ['longer than a week', 169],
    ])('a reminder delay that is %s is refused and the old setting stays', (_what, hours) => {
      const history = [...inMain, { type: 'RemindersConfigured', data: { masterId, hours: 2 } } as MasterUserEvent];
      spec
        .given(...history)
        .when(reminders(hours))
        .then(rejected('/reminders', 'bad_reminder_hours'));
      expect(
        spec
          .given(...history)
          .when(reminders(hours))
          .thenState().reminderHours,
      ).toBe(2);
    });

    it('a master asked for a token who configures reminders leaves the token prompt first', () => {
      spec
        .given(...awaitingToken)
        .when(reminders(4))
        .then(changed('AwaitingBotToken', 'Main', '/reminders'), { type: 'RemindersConfigured', data: { masterId, hours: 4 } });
    });
  });

  describe('plans: Free and Pro (Telegram Stars)', () => {
    it('a Free master who sends /subscribe is sent an invoice for Pro', () => {
      spec
        .given(...inMain)
        .when(subscribe)
        .then({ type: 'SubscriptionOffered', data: { masterId, payload: 'pro:1001', stars: STARS, periodSeconds: MONTH } });
    });

    it('a Free master asked for a greeting who sends /subscribe leaves the prompt first', () => {
      spec
        .given(...awaitingGreeting)
        .when(subscribe)
        .then(changed('AwaitingGreeting', 'Main', '/subscribe'), {
          type: 'SubscriptionOffered',
          data: { masterId, payload: 'pro:1001', stars: STARS, periodSeconds: MONTH },
        });
    });

    it('a Pro master who sends /subscribe is told they are Pro already', () => {
      spec.given(registered, proActivated()).when(subscribe).then(rejected('/subscribe', 'already_pro'));
    });

    it('a Pro master who cancelled the renewal may subscribe again', () => {
      spec
        .given(registered, proActivated(), renewalCancelled)
        .when(subscribe)
        .then({ type: 'SubscriptionOffered', data: { masterId, payload: 'pro:1001', stars: STARS, periodSeconds: MONTH } });
    });

    it("a checkout for the master's own, current invoice is approved", () => {
      spec
        .given(...inMain)
        .when(checkout())
        .then({ type: 'CheckoutAnswered', data: { masterId, queryId: 'q-1', ok: true } });
    });

    it("a checkout for another master's invoice is declined", () => {
      spec
        .given(...inMain)
        .when(checkout({ payload: 'pro:2002' }))
        .then({ type: 'CheckoutAnswered', data: { masterId, queryId: 'q-1', ok: false, error: 'This invoice is not for your account.' } });
    });

    it.each([
      ['a currency other than Stars', { currency: 'USD' }],
      ['an old price', { totalAmount: 100 }],
    ])('a checkout with %s is declined as out of date', (_what, overrides) => {
      spec
        .given(...inMain)
        .when(checkout(overrides))
        .then({
          type: 'CheckoutAnswered',
          data: { masterId, queryId: 'q-1', ok: false, error: 'This invoice is out of date. Send /subscribe for a new one.' },
        });
    });

    it('a checkout is answered without moving the master out of the prompt they are in', () => {
      expect(
        spec
          .given(...awaitingGreeting)
          .when(checkout())
          .thenState().fsm,
      ).toBe('AwaitingGreeting');
    });

    it('a payment makes a Free master Pro until the end of the paid period', () => {
      spec
        .given(...inMain)
        .when(pay())
        .then(proActivated('charge-1'));
      expect(
        spec
          .given(...inMain)
          .when(pay())
          .thenState().plan,
      ).toEqual({
        kind: 'pro',
        until: PAID_UNTIL,
        chargeId: 'charge-1',
        renewing: true,
      });
    });

    it('a payment delivered twice activates Pro once', () => {
      spec
        .given(...inMain, proActivated('charge-1'))
        .when(pay('charge-1'))
        .thenNothing();
    });

    it('a renewal payment extends Pro and is marked as a renewal', () => {
      spec
        .given(...inMain, proActivated('charge-1'))
        .when(pay('charge-2', NEXT_PAID_UNTIL))
        .then(proActivated('charge-2', { until: NEXT_PAID_UNTIL, renewal: true }));
    });

    it('a Pro master who sends /unsubscribe stops the renewal but stays Pro until the paid period ends', () => {
      spec
        .given(...inMain, proActivated())
        .when(unsubscribe)
        .then(renewalCancelled);
      expect(
        spec
          .given(...inMain, proActivated())
          .when(unsubscribe)
          .thenState().plan,
      ).toEqual({
        kind: 'pro',
        until: PAID_UNTIL,
        chargeId: 'charge-1',
        renewing: false,
      });
    });

    it('a Pro master who already cancelled the renewal is told so', () => {
      spec
        .given(...inMain, proActivated(), renewalCancelled)
        .when(unsubscribe)
        .then(rejected('/unsubscribe', 'renewal_already_cancelled'));
    });

    it('a Free master who sends /unsubscribe is told they are not on Pro', () => {
      spec
        .given(...inMain)
        .when(unsubscribe)
        .then(rejected('/unsubscribe', 'not_on_pro'));
    });

    it('a Pro master answering a customer who sends /unsubscribe stops answering first', () => {
      spec
        .given(registered, proActivated(), attached(shop), replyStarted(customerMessage), changed('Main', 'Responding', 'reply button'))
        .when(unsubscribe)
        .then(changed('Responding', 'Main', '/unsubscribe'), renewalCancelled);
    });

    it('Pro does not end before the paid period is over', () => {
      spec
        .given(...proWithTwoBots)
        .when(expirePro(BEFORE_THE_END))
        .thenNothing();
    });

    it('a Pro master whose paid period ended keeps the first bot running and the others paused', () => {
      const history = [registered, proActivated(), attached(shop), attached(cafe), attached(florist)];
      spec
        .given(...history)
        .when(expirePro(AFTER_THE_END))
        .then(proExpired([cafe.botId, florist.botId]));
      const state = spec
        .given(...history)
        .when(expirePro(AFTER_THE_END))
        .thenState();
      expect(state.plan).toEqual({ kind: 'free' });
      expect(state.bots).toEqual([
        { ...shop, status: 'active' },
        { ...cafe, status: 'paused' },
        { ...florist, status: 'paused' },
      ]);
    });

    it('Pro ends exactly at the end of the paid period', () => {
      spec
        .given(...proWithTwoBots)
        .when(expirePro(PAID_UNTIL))
        .then(proExpired([cafe.botId]));
    });

    it('a Pro master within the Free limit loses no bot when Pro ends', () => {
      spec.given(registered, proActivated(), attached(shop)).when(expirePro(AFTER_THE_END)).then(proExpired([]));
    });

    it('a Pro master whose first bot was broken keeps the next running bot when Pro ends', () => {
      spec
        .given(...proWithTwoBots, attached(florist), broken(shop))
        .when(expirePro(AFTER_THE_END))
        .then(proExpired([florist.botId]));
    });

    it('a Pro master who renewed in time is not downgraded by the old end date', () => {
      spec
        .given(...proWithTwoBots, proActivated('charge-2', { until: NEXT_PAID_UNTIL, renewal: true }))
        .when(expirePro(AFTER_THE_END))
        .thenNothing();
    });

    it('the end of Pro is decided once: a Free master is not downgraded again', () => {
      spec
        .given(...proEndedWithThreeBots)
        .when(expirePro(AFTER_THE_END))
        .thenNothing();
      spec
        .given(...inMain)
        .when(expirePro(AFTER_THE_END))
        .thenNothing();
    });

    it('the end of Pro does not move the master out of the prompt they are in', () => {
      expect(
        spec
          .given(...choosingBot)
          .when(expirePro(AFTER_THE_END))
          .thenState().fsm,
      ).toBe('ChoosingBot');
    });

    it('replies through a paused bot are refused', () => {
      spec
        .given(...proEndedWithThreeBots)
        .when(reply(cafeCustomer))
        .then(rejected('reply', 'bot_paused', { messageId: 88 }));
    });

    it('the Reply button under a message from a paused bot is refused', () => {
      spec
        .given(...proEndedWithThreeBots)
        .when(pressReplyButton(cafeCustomer))
        .then(rejected('reply', 'bot_paused'));
    });

    it('the bot that keeps running on Free still carries replies', () => {
      spec
        .given(...proEndedWithThreeBots)
        .when(reply(customerMessage))
        .then(replySent(customerMessage));
    });

    it('a new payment resumes the paused bots', () => {
      spec
        .given(...proEndedWithThreeBots)
        .when(pay('charge-2', NEXT_PAID_UNTIL))
        .then(proActivated('charge-2', { until: NEXT_PAID_UNTIL, resumedBotIds: [cafe.botId, florist.botId] }));
      const state = spec
        .given(...proEndedWithThreeBots)
        .when(pay('charge-2', NEXT_PAID_UNTIL))
        .thenState();
      expect(state.bots.map((b) => b.status)).toEqual(['active', 'active', 'active']);
      expect(state.plan).toMatchObject({ kind: 'pro', until: NEXT_PAID_UNTIL });
    });

    it('after a new payment, replies through a formerly paused bot go out again', () => {
      const resumed = [
        ...proEndedWithThreeBots,
        proActivated('charge-2', { until: NEXT_PAID_UNTIL, resumedBotIds: [cafe.botId, florist.botId] }),
      ];
      spec
        .given(...resumed)
        .when(reply(cafeCustomer))
        .then({
          type: 'ReplySent',
          data: { masterId, replyId: '1001:900', target: cafeCustomer, masterMessageId: 88, content: sealedText },
        });
    });

    it('a new payment does not bring back a bot whose token was revoked', () => {
      spec
        .given(...proEndedWithThreeBots, broken(cafe))
        .when(pay('charge-2', NEXT_PAID_UNTIL))
        .then(proActivated('charge-2', { until: NEXT_PAID_UNTIL, resumedBotIds: [florist.botId] }));
    });

    it('a new payment resumes no more bots than Pro allows', () => {
      const fourth = { botId: 7000000004, username: 'fourth_bot' };
      const history = [...proEndedWithThreeBots, attached(fourth), proExpired([fourth.botId])];
      spec
        .given(...history)
        .when(pay('charge-2', NEXT_PAID_UNTIL))
        .then(proActivated('charge-2', { until: NEXT_PAID_UNTIL, resumedBotIds: [cafe.botId, florist.botId] }));
    });
  });

  describe('bots whose token was revoked (Telegram answers 401)', () => {
    it('a bot whose token was revoked is marked broken and the master told', () => {
      spec
        .given(...inMain)
        .when(tokenRevoked(shop))
        .then(broken(shop));
      expect(
        statusOf(
          spec
            .given(...inMain)
            .when(tokenRevoked(shop))
            .thenState().bots,
          shop,
        ),
      ).toBe('broken');
    });

    it('a bot reported broken twice is marked broken once', () => {
      spec
        .given(...inMain, broken(shop))
        .when(tokenRevoked(shop))
        .thenNothing();
    });

    it('a 401 for a bot the master no longer has changes nothing', () => {
      spec
        .given(...inMain, detached(shop))
        .when(tokenRevoked(shop))
        .thenNothing();
      spec
        .given(...inMain)
        .when(tokenRevoked(strangersBot))
        .thenNothing();
    });

    it('replies through a broken bot are refused', () => {
      spec
        .given(...inMain, broken(shop))
        .when(reply(customerMessage))
        .then(rejected('reply', 'bot_broken', { messageId: 88 }));
      spec
        .given(...inMain, broken(shop))
        .when(pressReplyButton(customerMessage))
        .then(rejected('reply', 'bot_broken'));
    });

    it('a broken bot can be attached again with its new token, even on Free with no room for another bot', () => {
      const history = [...inMain, broken(shop), changed('Main', 'AwaitingBotToken', '/add')];
      spec
        .given(...history)
        .when(pasteToken(validToken(shop, 'sealed-new-token'), 90))
        .then(attached(shop, 90, 'sealed-new-token'), changed('AwaitingBotToken', 'Main', 'bot token'));
      expect(
        spec
          .given(...history)
          .when(pasteToken(validToken(shop, 'sealed-new-token'), 90))
          .thenState().bots,
      ).toEqual([{ ...shop, status: 'active' }]);
    });

    it('a broken bot attached again keeps its place in the list (it stays the one that runs on Free)', () => {
      const history = [...proWithTwoBots, broken(shop), attached(shop, 91, 'sealed-new-token')];
      expect(botsOf(history).map((b) => b.botId)).toEqual([shop.botId, cafe.botId]);
    });

    it('replies go out again through a broken bot once it is attached again', () => {
      spec
        .given(...inMain, broken(shop), attached(shop, 91, 'sealed-new-token'))
        .when(reply(customerMessage))
        .then(replySent(customerMessage));
    });

    it('a paused bot whose token was revoked and then renewed does not run on Free', () => {
      const history = [...proEndedWithThreeBots, broken(cafe), changed('Main', 'AwaitingBotToken', '/add')];
      spec
        .given(...history)
        .when(pasteToken(validToken(cafe, 'sealed-new-token'), 92))
        .then(rejected('token', 'bot_limit_reached', { messageId: 92, deleteMessage: true }));
      const state = spec
        .given(...history)
        .when(pasteToken(validToken(cafe, 'sealed-new-token'), 92))
        .thenState();
      expect(state.bots.filter((b) => b.status === 'active')).toHaveLength(LIMITS.free);
      expect(statusOf(state.bots, cafe)).toBe('broken');
    });

    it('a paused bot whose token was revoked can be renewed once the bot that runs on Free is removed', () => {
      const history = [...proEndedWithThreeBots, broken(cafe), detached(shop), changed('Main', 'AwaitingBotToken', '/add')];
      spec
        .given(...history)
        .when(pasteToken(validToken(cafe, 'sealed-new-token'), 93))
        .then(attached(cafe, 93, 'sealed-new-token'), changed('AwaitingBotToken', 'Main', 'bot token'));
    });

    it('a Pro master whose bots already all run cannot bring back a paused bot with a renewed token past the Pro limit', () => {
      const fourth = { botId: 7000000004, username: 'fourth_bot' };
      const history = [
        ...proEndedWithThreeBots,
        attached(fourth),
        proExpired([fourth.botId]),
        proActivated('charge-2', { until: NEXT_PAID_UNTIL, resumedBotIds: [cafe.botId, florist.botId] }),
        broken(fourth),
        changed('Main', 'AwaitingBotToken', '/add'),
      ];
      expect(botsOf(history).filter((b) => b.status === 'active')).toHaveLength(LIMITS.pro);
      spec
        .given(...history)
        .when(pasteToken(validToken(fourth, 'sealed-new-token'), 94))
        .then(rejected('token', 'pro_bot_limit_reached', { messageId: 94, deleteMessage: true }));
    });

    it('a revoked token does not move the master out of the prompt they are in', () => {
      expect(
        spec
          .given(...awaitingGreeting)
          .when(tokenRevoked(shop))
          .thenState().fsm,
      ).toBe('AwaitingGreeting');
    });
  });

  describe('/cancel', () => {
    it('a master in the main menu who sends /cancel is told there is nothing to cancel', () => {
      spec
        .given(...inMain)
        .when(cancel)
        .then(rejected('/cancel', 'nothing_to_cancel'));
    });

    it.each(nonMainStates)('a master $where who sends /cancel returns to the main menu', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(cancel)
        .then(changed(state, 'Main', '/cancel'));
      expect(
        spec
          .given(...historyIn[state])
          .when(cancel)
          .thenState().fsm,
      ).toBe('Main');
    });

    it('a master answering a customer who sends /cancel is no longer answering anyone', () => {
      expect(spec.given(...responding).state.respondingTo).toEqual(customerMessage);
      expect(
        spec
          .given(...responding)
          .when(cancel)
          .thenState().respondingTo,
      ).toBeNull();
    });

    it('a master choosing a bot or asked for a greeting who sends /cancel leaves nothing half-chosen', () => {
      expect(
        spec
          .given(...choosingBot)
          .when(cancel)
          .thenState(),
      ).toMatchObject({ picking: null, chosenBot: null });
      expect(
        spec
          .given(...awaitingGreeting)
          .when(cancel)
          .thenState(),
      ).toMatchObject({ picking: null, chosenBot: null });
      expect(
        spec
          .given(...awaitingBroadcast)
          .when(cancel)
          .thenState(),
      ).toMatchObject({ picking: null, chosenBot: null });
    });
  });

  describe('unknown commands and refusals', () => {
    it.each(allStates)('a master $where who sends an unknown command is told so and stays where they were', ({ state }) => {
      const command = unknownCommand;
      // The typed word is kept sealed: the event says only that an unknown command was refused.
      spec
        .given(...historyIn[state])
        .when(command)
        .then({
          type: 'CommandRejected',
          data: { masterId, command: 'unknown', reason: 'unknown_command', typed: typedBox('/frobnicate') },
        });
      expect(
        spec
          .given(...historyIn[state])
          .when(command)
          .thenState().fsm,
      ).toBe(state);
    });

    it('a command the application could not even form (/ban on a message that is not relayed) is refused with its reason', () => {
      spec
        .given(...inMain)
        .when({ type: 'Refuse', masterId, command: '/ban', reason: 'reply_target_unknown' })
        .then(rejected('/ban', 'reply_target_unknown'));
    });
  });

  describe('replying to a customer', () => {
    it('a master who replies to something that is not a relayed customer message is told so', () => {
      spec
        .given(...inMain)
        .when(reply(null))
        .then(rejected('reply', 'reply_target_unknown', { messageId: 88 }));
    });

    it("a master can never reply through a bot that is not attached to them (another master's customer)", () => {
      spec
        .given(...inMain)
        .when(reply(strangersCustomer))
        .then(rejected('reply', 'bot_not_attached', { messageId: 88 }));
    });

    it('a master can no longer reply through a bot they have detached', () => {
      spec
        .given(...inMain, detached(shop))
        .when(reply(customerMessage))
        .then(rejected('reply', 'bot_not_attached', { messageId: 88 }));
    });

    it('a master whose reply has nothing that can be sent is told the message is not supported', () => {
      spec
        .given(...inMain)
        .when(reply(customerMessage, null))
        .then(rejected('reply', 'unsupported_message', { messageId: 88 }));
    });

    it('a master who replies to a relayed message from the main menu sends the answer to that customer', () => {
      spec
        .given(...inMain)
        .when(reply(customerMessage))
        .then(replySent(customerMessage));
      expect(
        spec
          .given(...inMain)
          .when(reply(customerMessage))
          .thenState().fsm,
      ).toBe('Main');
    });

    it('a master who answers after pressing Reply sends the answer and returns to the main menu', () => {
      spec
        .given(...responding)
        .when(reply(customerMessage))
        .then(replySent(customerMessage), changed('Responding', 'Main', 'reply sent'));
      const state = spec
        .given(...responding)
        .when(reply(customerMessage))
        .thenState();
      expect(state).toMatchObject({ fsm: 'Main', respondingTo: null });
    });

    it('a master who pressed Reply and sends something unsupported is told so and may try again', () => {
      spec
        .given(...responding)
        .when(reply(customerMessage, null))
        .then(rejected('reply', 'unsupported_message', { messageId: 88 }));
      const state = spec
        .given(...responding)
        .when(reply(customerMessage, null))
        .thenState();
      expect(state).toMatchObject({ fsm: 'Responding', respondingTo: customerMessage });
    });

    it('a master who pressed Reply and whose bot was paused meanwhile is refused and may cancel', () => {
      const history = [
        registered,
        proActivated(),
        attached(shop),
        attached(cafe),
        replyStarted(cafeCustomer),
        changed('Main', 'Responding', 'reply button'),
        proExpired([cafe.botId]),
      ];
      spec
        .given(...history)
        .when(reply(cafeCustomer))
        .then(rejected('reply', 'bot_paused', { messageId: 88 }));
      expect(
        spec
          .given(...history)
          .when(reply(cafeCustomer))
          .thenState().fsm,
      ).toBe('Responding');
    });
  });

  describe('the Reply button under a relayed message', () => {
    it('a master who presses Reply is asked for the answer and the customer is remembered', () => {
      spec
        .given(...inMain)
        .when(pressReplyButton(customerMessage))
        .then(replyStarted(customerMessage), changed('Main', 'Responding', 'reply button'));
      const state = spec
        .given(...inMain)
        .when(pressReplyButton(customerMessage))
        .thenState();
      expect(state).toMatchObject({ fsm: 'Responding', respondingTo: customerMessage });
    });

    it('a master asked for a token who presses Reply leaves the token prompt first', () => {
      spec
        .given(...awaitingToken)
        .when(pressReplyButton(customerMessage))
        .then(
          changed('AwaitingBotToken', 'Main', 'reply button'),
          replyStarted(customerMessage),
          changed('Main', 'Responding', 'reply button'),
        );
    });

    it('a master answering one customer who presses Reply under another message switches to that customer', () => {
      const other: ReplyTarget = { ...customerMessage, customerId: 556, conversationId: `${shop.botId}-556`, relayedMessageId: 45 };
      spec
        .given(...responding)
        .when(pressReplyButton(other))
        .then(changed('Responding', 'Main', 'reply button'), replyStarted(other), changed('Main', 'Responding', 'reply button'));
      expect(
        spec
          .given(...responding)
          .when(pressReplyButton(other))
          .thenState().respondingTo,
      ).toEqual(other);
    });

    it('a master who presses Reply under a message that is no longer known is told so', () => {
      spec
        .given(...inMain)
        .when(pressReplyButton(null))
        .then(rejected('reply', 'reply_target_unknown'));
    });

    it('a master who presses Reply for a bot not attached to them is refused (tenant isolation)', () => {
      spec
        .given(...inMain)
        .when(pressReplyButton(strangersCustomer))
        .then(rejected('reply', 'bot_not_attached'));
    });

    it('a refused Reply button leaves the master where they were', () => {
      expect(
        spec
          .given(...awaitingGreeting)
          .when(pressReplyButton(strangersCustomer))
          .thenState().fsm,
      ).toBe('AwaitingGreeting');
    });
  });

  describe('plain messages that are neither commands nor replies', () => {
    it('a master in the main menu who just writes something is told to reply to a customer message', () => {
      spec
        .given(...inMain)
        .when(plainMessage)
        .then(rejected('message', 'not_a_reply'));
    });

    it('a master asked for a token who sends something that is not text is told it is not a token, and the message is deleted in case it held one', () => {
      spec
        .given(...awaitingToken)
        .when(plainMessage)
        .then(rejected('token', 'token_malformed', { messageId: 66, deleteMessage: true }));
      expect(
        spec
          .given(...awaitingToken)
          .when(plainMessage)
          .thenState().fsm,
      ).toBe('AwaitingBotToken');
    });

    it('a master choosing one of their bots who just writes something is told to reply to a customer message', () => {
      spec
        .given(...choosingBot)
        .when(plainMessage)
        .then(rejected('message', 'not_a_reply'));
      expect(
        spec
          .given(...choosingBot)
          .when(plainMessage)
          .thenState().fsm,
      ).toBe('ChoosingBot');
    });

    it('a master answering a customer whose message cannot be sent is told it is not supported', () => {
      spec
        .given(...responding)
        .when(plainMessage)
        .then(rejected('message', 'unsupported_message'));
      expect(
        spec
          .given(...responding)
          .when(plainMessage)
          .thenState().fsm,
      ).toBe('Responding');
    });
  });

  describe('the state table: where each command leads from each state', () => {
    /** Expected state after the command, per starting state (see the histories above: ChoosingBot and AwaitingBroadcast are Pro). */
    type Row = [string, MasterUserCommand, Record<MasterFsmState, MasterFsmState>];
    const all = (to: MasterFsmState): Record<MasterFsmState, MasterFsmState> =>
      Object.fromEntries(STATES.map((s) => [s, to])) as Record<MasterFsmState, MasterFsmState>;
    const stays = Object.fromEntries(STATES.map((s) => [s, s])) as Record<MasterFsmState, MasterFsmState>;
    const table: Row[] = [
      ['sends /start', start, all('Main')],
      ['sends /help', help, all('Main')],
      ['sends /add', add, all('AwaitingBotToken')],
      // One bot: acts at once; two bots (ChoosingBot history): a fresh picker.
      ['sends /remove', remove, { ...all('Main'), ChoosingBot: 'ChoosingBot' }],
      ['sends /qr', qr(), { ...all('Main'), ChoosingBot: 'ChoosingBot' }],
      ['sends /qr with a bad start parameter', qr('no spaces please'), stays],
      ['sends /greeting', greeting, { ...all('AwaitingGreeting'), ChoosingBot: 'ChoosingBot' }],
      // Free masters are refused (back in the main menu); Pro masters with one bot / two bots.
      ['sends /broadcast', broadcast, { ...all('Main'), ChoosingBot: 'ChoosingBot', AwaitingBroadcast: 'AwaitingBroadcast' }],
      ['sends /cancel', cancel, all('Main')],
      ['sends /bots', listBots, all('Main')],
      ['sends /banned', listBanned, all('Main')],
      ['sets reminders', reminders(2), all('Main')],
      ['sends a bad reminder delay', reminders(NaN), stays],
      // Refused for Pro masters whose renewal is on (they stay).
      ['sends /subscribe', subscribe, { ...all('Main'), ChoosingBot: 'ChoosingBot', AwaitingBroadcast: 'AwaitingBroadcast' }],
      // Refused for Free masters (they stay).
      ['sends /unsubscribe', unsubscribe, { ...stays, ChoosingBot: 'Main', AwaitingBroadcast: 'Main' }],
      ['sends an unknown command', unknownCommand, stays],
      ['presses Reply under a customer message', pressReplyButton(customerMessage), all('Responding')],
      ['replies to a customer message', reply(customerMessage), { ...stays, Responding: 'Main' }],
      ['writes something that is not a command', plainMessage, stays],
      [
        'pastes a valid token (with room for more bots)',
        pasteToken(validToken(florist), 77, ROOMY),
        { ...stays, AwaitingBotToken: 'Main' },
      ],
      ['writes a greeting', writeGreeting(), { ...stays, AwaitingGreeting: 'Main' }],
      ['sends a broadcast message', sendBroadcast(), { ...stays, AwaitingBroadcast: 'Main' }],
      // A picker button only acts on the picker the master is looking at (ChoosingBot is a /remove picker);
      // any other button is out of date and changes nothing.
      ['presses a remove button', pressRemoveButton(cafe.botId), { ...stays, ChoosingBot: 'Main' }],
      ['presses a greeting button', pressPickButton('greeting', shop.botId), stays],
      ['pays', pay('charge-9', NEXT_PAID_UNTIL), stays],
      ['checks out', checkout(), stays],
      ['has a bot token revoked', tokenRevoked(shop), stays],
      ['has Pro end', expirePro(AFTER_THE_END), stays],
      ['has a command refused by the application', { type: 'Refuse', masterId, command: '/ban', reason: 'reply_target_unknown' }, stays],
    ];
    const rows = table.flatMap(([does, command, to]) =>
      STATES.map((from) => ({ from, where: where[from], does, command, to: to[from], whereTo: where[to[from]] })),
    );

    it.each(rows)('a master $where who $does ends up $whereTo', ({ from, command, to }) => {
      const state = spec
        .given(...historyIn[from])
        .when(command)
        .thenState();
      expect(state.fsm).toBe(to);
    });

    it.each(rows)('every change of state from $from when a master $does is recorded as a transition', ({ from, command, to }) => {
      const decided = masterUserDecider.decide(command, spec.given(...historyIn[from]).state);
      const transitions = decided.filter((e): e is Extract<MasterUserEvent, { type: 'StateChanged' }> => e.type === 'StateChanged');
      // The transitions chain from where the master was to where they end up.
      let at = from;
      for (const t of transitions) {
        expect(t.data.from).toBe(at);
        at = t.data.to;
      }
      expect(at).toBe(to);
    });
  });

  describe('what the history says about a master', () => {
    it('a bot attached twice (a replayed attach) is listed once, under its latest username', () => {
      const state = spec.given(registered, attached(shop), attached({ ...shop, username: 'shop_support_bot' })).state;
      expect(state.bots).toEqual([{ botId: shop.botId, username: 'shop_support_bot', status: 'active' }]);
    });

    it('a detached bot is no longer listed, and the others stay', () => {
      const state = spec.given(registered, attached(shop), attached(cafe), detached(shop)).state;
      expect(state.bots).toEqual([{ ...cafe, status: 'active' }]);
    });

    it('a fresh master is unregistered, in the main menu, on Free, with no bots', () => {
      expect(spec.given().state).toEqual({
        registered: false,
        masterId: null,
        fsm: 'Main',
        bots: [],
        respondingTo: null,
        picking: null,
        chosenBot: null,
        plan: { kind: 'free' },
        charges: [],
        reminderHours: null,
        topics: {},
        ownChatTopics: {},
        pendingTeamGroup: null,
        answers: new Map(),
        topicAnswers: new Map(),
      });
    });

    it('deciding never changes the state it was given', () => {
      const given = spec.given(...responding);
      const { answers, topicAnswers, ...rest } = given.state;
      const before = { ...JSON.parse(JSON.stringify(rest)), answers: new Map(answers), topicAnswers: new Map(topicAnswers) };
      given.when(start).thenState();
      given.when(remove).thenState();
      given.when(tokenRevoked(shop)).thenState();
      given.when(pay()).thenState();
      expect(given.state).toEqual(before);
    });
  });
});
