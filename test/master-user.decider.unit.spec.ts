import { MasterUserCommand, TokenVerdict } from '../src/domain/master-user/master-user.commands';
import { masterUserDecider } from '../src/domain/master-user/master-user.decider';
import { MasterFsmState, MasterUserEvent, RejectionReason, ReplyTarget } from '../src/domain/master-user/master-user.events';
import { Sealed } from '../src/domain/shared/sealed';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(masterUserDecider);

const masterId = 1001;
const shop = { botId: 7000000001, username: 'shop_help_bot' };
const cafe = { botId: 7000000002, username: 'cafe_orders_bot' };
/** A bot attached to some other master: this master must never reach its customers. */
const strangersBot = { botId: 7000000099, username: 'someone_elses_bot' };
const FREE_PLAN = 1;
const PRO_PLAN = 10;

// ---- history -------------------------------------------------------------------------------------

const registered: MasterUserEvent = { type: 'MasterRegistered', data: { masterId, firstName: 'Alice' } };
const changed = (from: MasterFsmState, to: MasterFsmState, trigger: string): MasterUserEvent => ({
  type: 'StateChanged',
  data: { masterId, from, to, trigger },
});
const attached = (bot: { botId: number; username: string }, tokenMessageId = 10): MasterUserEvent => ({
  type: 'ClientBotAttached',
  data: { masterId, ...bot, encryptedToken: `sealed-token-${bot.botId}`, tokenMessageId },
});
const detached = (bot: { botId: number; username: string }): MasterUserEvent => ({
  type: 'ClientBotDetached',
  data: { masterId, ...bot },
});
const rejected = (command: string, reason: RejectionReason, extra: { messageId?: number; deleteMessage?: boolean } = {}): MasterUserEvent => ({
  type: 'CommandRejected',
  data: { masterId, command, reason, ...extra },
});

const customerMessage: ReplyTarget = {
  botId: shop.botId,
  customerId: 555,
  conversationId: `${shop.botId}-555`,
  customerMessageId: 3,
  relayedMessageId: 44,
};
const strangersCustomer: ReplyTarget = { ...customerMessage, botId: strangersBot.botId, conversationId: `${strangersBot.botId}-555` };
const sealedText: Sealed = { keyId: `conversation-${shop.botId}-555`, box: 'aXYxMnRhZzE2Y2lwaGVydGV4dA==' };

const replyStarted = (target: ReplyTarget): MasterUserEvent => ({ type: 'ReplyStarted', data: { masterId, target } });

/** Histories that leave a registered master in each state of the MasterBot conversation. */
const inMain: MasterUserEvent[] = [registered, attached(shop)];
const awaitingToken: MasterUserEvent[] = [registered, attached(shop), changed('Main', 'AwaitingBotToken', '/add')];
const choosingBotToRemove: MasterUserEvent[] = [
  registered,
  attached(shop),
  attached(cafe),
  { type: 'RemovalOptionsOffered', data: { masterId, bots: [shop, cafe] } },
  changed('Main', 'ChoosingBotToRemove', '/remove'),
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
  ChoosingBotToRemove: choosingBotToRemove,
  Responding: responding,
};
/** How a master would describe being in each state (for test names). */
const where: Record<MasterFsmState, string> = {
  Main: 'in the main menu',
  AwaitingBotToken: 'asked for a bot token',
  ChoosingBotToRemove: 'choosing a bot to remove',
  Responding: 'answering a customer',
};
const cases = (states: MasterFsmState[]) => states.map((state) => ({ state, where: where[state] }));
const nonMainStates = cases(['AwaitingBotToken', 'ChoosingBotToRemove', 'Responding']);
const allStates = cases(['Main', 'AwaitingBotToken', 'ChoosingBotToRemove', 'Responding']);

// ---- commands ------------------------------------------------------------------------------------

const start: MasterUserCommand = { type: 'Start', masterId, firstName: 'Alice' };
const add: MasterUserCommand = { type: 'RequestAddBot', masterId };
const remove: MasterUserCommand = { type: 'RequestRemoveBot', masterId };
const cancel: MasterUserCommand = { type: 'Cancel', masterId };
const pressRemoveButton = (botId: number): MasterUserCommand => ({ type: 'ChooseBotToRemove', masterId, botId });
const validToken = (bot: { botId: number; username: string }): TokenVerdict => ({
  valid: true,
  ...bot,
  encryptedToken: `sealed-token-${bot.botId}`,
});
const pasteToken = (verdict: TokenVerdict, botLimit = FREE_PLAN, messageId = 77): MasterUserCommand => ({
  type: 'SubmitBotToken',
  masterId,
  messageId,
  verdict,
  botLimit,
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

describe('MasterUser decider', () => {
  describe('/start', () => {
    it('a new master who sends /start is registered', () => {
      spec.given().when(start).then({ type: 'MasterRegistered', data: { masterId, firstName: 'Alice' } });
      const state = spec.given().when(start).thenState();
      expect(state).toEqual({ registered: true, masterId, fsm: 'Main', bots: [], respondingTo: null });
    });

    it('a registered master who sends /start again just sees the welcome again', () => {
      spec.given(...inMain).when(start).then({ type: 'WelcomeShown', data: { masterId } });
    });

    it.each(nonMainStates)('a master $where who sends /start returns to the main menu first, then sees the welcome', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(start)
        .then(changed(state, 'Main', '/start'), { type: 'WelcomeShown', data: { masterId } });
    });

    it('a master who sends /start while answering a customer is no longer answering that customer', () => {
      const state = spec.given(...responding).when(start).thenState();
      expect(state.fsm).toBe('Main');
      expect(state.respondingTo).toBeNull();
    });
  });

  describe('before registration', () => {
    const everyOtherCommand: MasterUserCommand[] = [
      add,
      pasteToken(validToken(shop)),
      remove,
      pressRemoveButton(shop.botId),
      cancel,
      { type: 'UnknownCommand', masterId, command: '/help' },
      pressReplyButton(customerMessage),
      reply(customerMessage),
      plainMessage,
    ];

    it.each(everyOtherCommand.map((command) => [command.type, command] as const))(
      'a master who has never sent /start is told to register first (%s)',
      (type, command) => {
        spec.given().when(command).then(rejected(type, 'not_registered'));
      },
    );
  });

  describe('/add', () => {
    it('a master who sends /add from the main menu is asked for a bot token', () => {
      spec.given(...inMain).when(add).then(changed('Main', 'AwaitingBotToken', '/add'));
      expect(spec.given(...inMain).when(add).thenState().fsm).toBe('AwaitingBotToken');
    });

    it('a master who sends /add again while asked for a token is asked again', () => {
      spec.given(...awaitingToken).when(add).then(changed('AwaitingBotToken', 'AwaitingBotToken', '/add'));
    });

    it('a master choosing a bot to remove who sends /add leaves the choice and is asked for a token', () => {
      spec
        .given(...choosingBotToRemove)
        .when(add)
        .then(changed('ChoosingBotToRemove', 'Main', '/add'), changed('Main', 'AwaitingBotToken', '/add'));
    });

    it('a master answering a customer who sends /add stops answering and is asked for a token', () => {
      spec
        .given(...responding)
        .when(add)
        .then(changed('Responding', 'Main', '/add'), changed('Main', 'AwaitingBotToken', '/add'));
      const state = spec.given(...responding).when(add).thenState();
      expect(state).toMatchObject({ fsm: 'AwaitingBotToken', respondingTo: null });
    });
  });

  describe('pasting a bot token', () => {
    const askedForToken = [registered, changed('Main', 'AwaitingBotToken', '/add')];

    it('a master who pastes a valid token gets the bot attached and returns to the main menu', () => {
      spec
        .given(...askedForToken)
        .when(pasteToken(validToken(shop), FREE_PLAN, 77))
        .then(
          {
            type: 'ClientBotAttached',
            data: { masterId, botId: shop.botId, username: shop.username, encryptedToken: `sealed-token-${shop.botId}`, tokenMessageId: 77 },
          },
          changed('AwaitingBotToken', 'Main', 'bot token'),
        );
      const state = spec.given(...askedForToken).when(pasteToken(validToken(shop))).thenState();
      expect(state).toMatchObject({ fsm: 'Main', bots: [shop] });
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
          .when(pasteToken({ valid: false, reason }, FREE_PLAN, 78))
          .then(rejected('token', reason, { messageId: 78, deleteMessage: true }));
        const state = spec.given(...askedForToken).when(pasteToken({ valid: false, reason })).thenState();
        expect(state).toMatchObject({ fsm: 'AwaitingBotToken', bots: [] });
      },
    );

    it('a master who pastes the token of a bot they already have is told so and the token message is deleted', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(shop), PRO_PLAN, 79))
        .then(rejected('token', 'bot_already_attached', { messageId: 79, deleteMessage: true }));
    });

    it('a master on the Free plan who already has a bot is told the limit is reached and the token message is deleted', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(cafe), FREE_PLAN, 80))
        .then(rejected('token', 'bot_limit_reached', { messageId: 80, deleteMessage: true }));
      expect(spec.given(...awaitingToken).when(pasteToken(validToken(cafe), FREE_PLAN)).thenState().bots).toEqual([shop]);
    });

    it('a master whose plan allows more bots gets a second bot attached', () => {
      spec
        .given(...awaitingToken)
        .when(pasteToken(validToken(cafe), PRO_PLAN, 81))
        .then(
          {
            type: 'ClientBotAttached',
            data: { masterId, botId: cafe.botId, username: cafe.username, encryptedToken: `sealed-token-${cafe.botId}`, tokenMessageId: 81 },
          },
          changed('AwaitingBotToken', 'Main', 'bot token'),
        );
    });

    it.each(cases(['Main', 'ChoosingBotToRemove', 'Responding']))(
      'a token that arrives while the master is $where (not asked for one) attaches nothing, but its message is still deleted',
      ({ state }) => {
        spec
          .given(...historyIn[state])
          .when(pasteToken(validToken(cafe), PRO_PLAN, 82))
          .then(rejected('token', 'not_a_reply', { messageId: 82, deleteMessage: true }));
      },
    );
  });

  describe('/remove', () => {
    it('a master with no bots who sends /remove is told there is nothing to remove', () => {
      spec.given(registered).when(remove).then(rejected('/remove', 'no_bots_to_remove'));
    });

    it('a master with one bot who sends /remove gets that bot detached at once', () => {
      spec.given(...inMain).when(remove).then(detached(shop));
      expect(spec.given(...inMain).when(remove).thenState()).toMatchObject({ fsm: 'Main', bots: [] });
    });

    it('a master with several bots who sends /remove is offered a button per bot', () => {
      spec
        .given(registered, attached(shop), attached(cafe))
        .when(remove)
        .then(
          { type: 'RemovalOptionsOffered', data: { masterId, bots: [shop, cafe] } },
          changed('Main', 'ChoosingBotToRemove', '/remove'),
        );
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

    it("a master who presses a bot's button gets that bot detached and returns to the main menu", () => {
      spec
        .given(...choosingBotToRemove)
        .when(pressRemoveButton(cafe.botId))
        .then(detached(cafe), changed('ChoosingBotToRemove', 'Main', 'remove button'));
      const state = spec.given(...choosingBotToRemove).when(pressRemoveButton(cafe.botId)).thenState();
      expect(state).toMatchObject({ fsm: 'Main', bots: [shop] });
    });

    it('a master who presses a stale button for a bot already gone is told so and returns to the main menu', () => {
      spec
        .given(...choosingBotToRemove, detached(cafe))
        .when(pressRemoveButton(cafe.botId))
        .then(changed('ChoosingBotToRemove', 'Main', 'remove button'), rejected('remove button', 'bot_not_attached'));
    });

    it('a master in the main menu who presses an old button for a bot already gone is told so', () => {
      spec
        .given(...inMain, detached(shop))
        .when(pressRemoveButton(shop.botId))
        .then(rejected('remove button', 'bot_not_attached'));
    });
  });

  describe('/cancel', () => {
    it('a master in the main menu who sends /cancel is told there is nothing to cancel', () => {
      spec.given(...inMain).when(cancel).then(rejected('/cancel', 'nothing_to_cancel'));
    });

    it.each(nonMainStates)('a master $where who sends /cancel returns to the main menu', ({ state }) => {
      spec
        .given(...historyIn[state])
        .when(cancel)
        .then(changed(state, 'Main', '/cancel'));
      expect(spec.given(...historyIn[state]).when(cancel).thenState().fsm).toBe('Main');
    });

    it('a master answering a customer who sends /cancel is no longer answering anyone', () => {
      expect(spec.given(...responding).state.respondingTo).toEqual(customerMessage);
      expect(spec.given(...responding).when(cancel).thenState().respondingTo).toBeNull();
    });
  });

  describe('unknown commands', () => {
    it.each(allStates)('a master $where who sends an unknown command is told so and stays where they were', ({ state }) => {
      const command: MasterUserCommand = { type: 'UnknownCommand', masterId, command: '/frobnicate' };
      spec
        .given(...historyIn[state])
        .when(command)
        .then(rejected('/frobnicate', 'unknown_command'));
      expect(spec.given(...historyIn[state]).when(command).thenState().fsm).toBe(state);
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

    it("a master who replies to a relayed message from the main menu sends the answer to that customer", () => {
      spec.given(...inMain).when(reply(customerMessage)).then(replySent(customerMessage));
      expect(spec.given(...inMain).when(reply(customerMessage)).thenState().fsm).toBe('Main');
    });

    it('a master who answers after pressing Reply sends the answer and returns to the main menu', () => {
      spec
        .given(...responding)
        .when(reply(customerMessage))
        .then(replySent(customerMessage), changed('Responding', 'Main', 'reply sent'));
      const state = spec.given(...responding).when(reply(customerMessage)).thenState();
      expect(state).toMatchObject({ fsm: 'Main', respondingTo: null });
    });

    it('a master who pressed Reply and sends something unsupported is told so and may try again', () => {
      spec
        .given(...responding)
        .when(reply(customerMessage, null))
        .then(rejected('reply', 'unsupported_message', { messageId: 88 }));
      const state = spec.given(...responding).when(reply(customerMessage, null)).thenState();
      expect(state).toMatchObject({ fsm: 'Responding', respondingTo: customerMessage });
    });
  });

  describe("the Reply button under a relayed message", () => {
    it('a master who presses Reply is asked for the answer and the customer is remembered', () => {
      spec
        .given(...inMain)
        .when(pressReplyButton(customerMessage))
        .then(replyStarted(customerMessage), changed('Main', 'Responding', 'reply button'));
      const state = spec.given(...inMain).when(pressReplyButton(customerMessage)).thenState();
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
      expect(spec.given(...responding).when(pressReplyButton(other)).thenState().respondingTo).toEqual(other);
    });

    it('a master who presses Reply under a message that is no longer known is told so', () => {
      spec.given(...inMain).when(pressReplyButton(null)).then(rejected('reply', 'reply_target_unknown'));
    });

    it("a master who presses Reply for a bot not attached to them is refused (tenant isolation)", () => {
      spec.given(...inMain).when(pressReplyButton(strangersCustomer)).then(rejected('reply', 'bot_not_attached'));
    });
  });

  describe('plain messages that are neither commands nor replies', () => {
    it('a master in the main menu who just writes something is told to reply to a customer message', () => {
      spec.given(...inMain).when(plainMessage).then(rejected('message', 'not_a_reply'));
    });

    it('a master asked for a token who sends something that is not text is told it is not a token, and the message is deleted in case it held one', () => {
      spec
        .given(...awaitingToken)
        .when(plainMessage)
        .then(rejected('token', 'token_malformed', { messageId: 66, deleteMessage: true }));
      expect(spec.given(...awaitingToken).when(plainMessage).thenState().fsm).toBe('AwaitingBotToken');
    });

    it('a master choosing a bot to remove who just writes something is told to reply to a customer message', () => {
      spec.given(...choosingBotToRemove).when(plainMessage).then(rejected('message', 'not_a_reply'));
    });

    it('a master answering a customer whose message cannot be sent is told it is not supported', () => {
      spec.given(...responding).when(plainMessage).then(rejected('message', 'unsupported_message'));
      expect(spec.given(...responding).when(plainMessage).thenState().fsm).toBe('Responding');
    });
  });

  describe('what the history says about a master', () => {
    it('a bot attached twice (a replayed attach) is listed once, under its latest username', () => {
      const state = spec.given(registered, attached(shop), attached({ ...shop, username: 'shop_support_bot' })).state;
      expect(state.bots).toEqual([{ botId: shop.botId, username: 'shop_support_bot' }]);
    });

    it('a detached bot is no longer listed, and the others stay', () => {
      const state = spec.given(registered, attached(shop), attached(cafe), detached(shop)).state;
      expect(state.bots).toEqual([cafe]);
    });

    it('a fresh master is unregistered, in the main menu, with no bots', () => {
      expect(spec.given().state).toEqual({ registered: false, masterId: null, fsm: 'Main', bots: [], respondingTo: null });
    });

    it('deciding never changes the state it was given', () => {
      const given = spec.given(...responding);
      const before = JSON.parse(JSON.stringify(given.state));
      given.when(start).thenState();
      given.when(remove).thenState();
      expect(given.state).toEqual(before);
    });
  });
});
