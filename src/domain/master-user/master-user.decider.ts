import { Decider } from '../shared/decider';
import { TypedText } from '../shared/typed-text';
import { GREETING_MAX_LENGTH, MasterUserCommand, REMINDER_HOURS, START_PARAMETER } from './master-user.commands';
import { BotPurpose, MasterUserEvent, proPayload, RejectionReason } from './master-user.events';
import {
  AttachedBot,
  evolveMasterUser,
  inboxOf,
  initialMasterUserState,
  MasterUserState,
  topicOfCustomer,
  topicOfThread,
} from './master-user.state';
import { deleteAnswer, editAnswer, mirrorReaction } from './answer-sync.decisions';
import { backToMain, botRefusal, Command, reject, transition } from './master-user.rules';
import { followGroupMigration, markConversation, updateTeamGroupAccess } from './team-group.decisions';
import { answerInOwnChat, chooseInboxMode, offerInbox, recordOwnChatTopic } from './inbox.decisions';

/**
 * The MasterUser state machine. Every transition is an explicit `StateChanged {from, to, trigger}`;
 * every answer the master gets is an event too, so the reactors that talk to Telegram can be
 * replayed after a crash. Repeated Telegram updates never reach `decide` (the command handling
 * mechanism drops an update id it has already recorded), and repeated *intents* are no-ops or
 * idempotent answers here (a second /start only shows the welcome again).
 */
export function decideMasterUser(command: MasterUserCommand, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (command.type === 'Start') return start(command, state);
  // Telegram waits for an answer to every checkout, registered master or not.
  if (command.type === 'AnswerCheckout') return answerCheckout(command, state);
  if (command.type === 'RecordPayment') return recordPayment(command, state);
  if (!state.registered) return [reject(masterId, command.type, 'not_registered')];

  switch (command.type) {
    case 'Help':
      return [...backToMain(state, masterId, '/help'), { type: 'HelpShown', data: { masterId } }];
    case 'RequestAddBot':
      return state.fsm === 'AwaitingBotToken'
        ? [transition(masterId, 'AwaitingBotToken', 'AwaitingBotToken', '/add')]
        : [...backToMain(state, masterId, '/add'), transition(masterId, 'Main', 'AwaitingBotToken', '/add')];
    case 'SubmitBotToken':
      return submitToken(command, state);
    case 'RequestRemoveBot':
      return requestForBot(state, masterId, 'remove', null);
    case 'RequestQr': {
      const parameter = command.startParameter;
      if (parameter !== null && !START_PARAMETER.test(parameter.text)) return [reject(masterId, '/qr', 'bad_start_parameter')];
      return requestForBot(state, masterId, 'qr', parameter?.sealed ?? null);
    }
    case 'RequestGreeting':
      return requestForBot(state, masterId, 'greeting', null);
    case 'RequestBroadcast':
      if (state.plan.kind !== 'pro') return [...backToMain(state, masterId, '/broadcast'), reject(masterId, '/broadcast', 'pro_required')];
      return requestForBot(state, masterId, 'broadcast', null);
    case 'PickBot':
      return pickBot(command, state);
    case 'Cancel':
      return state.fsm === 'Main'
        ? [reject(masterId, '/cancel', 'nothing_to_cancel')]
        : [transition(masterId, state.fsm, 'Main', '/cancel')];
    case 'UnknownCommand':
      return [{ type: 'CommandRejected', data: { masterId, command: 'unknown', reason: 'unknown_command', typed: command.command } }];
    case 'StartResponding': {
      if (!command.target) return [reject(masterId, 'reply', 'reply_target_unknown')];
      const refusal = botRefusal(state, command.target.botId);
      if (refusal) return [reject(masterId, 'reply', refusal)];
      return [
        ...backToMain(state, masterId, 'reply button'),
        { type: 'ReplyStarted', data: { masterId, target: command.target } },
        transition(masterId, 'Main', 'Responding', 'reply button'),
      ];
    }
    case 'Reply':
      return reply(command, state);
    case 'EditAnswer':
      return editAnswer(command, state);
    case 'DeleteAnswer':
      return deleteAnswer(command, state);
    case 'MirrorReaction':
      return mirrorReaction(command, state);
    case 'PlainMessage':
      if (state.fsm === 'AwaitingBotToken') {
        return [reject(masterId, 'token', 'token_malformed', { messageId: command.messageId, deleteMessage: true })];
      }
      return [reject(masterId, 'message', state.fsm === 'Responding' ? 'unsupported_message' : 'not_a_reply')];
    case 'SetGreeting':
      return setGreeting(command, state);
    case 'SubmitBroadcast':
      return submitBroadcast(command, state);
    case 'ListBots':
      return [...backToMain(state, masterId, '/bots'), { type: 'BotListRequested', data: { masterId } }];
    case 'ListBanned':
      return [...backToMain(state, masterId, '/banned'), { type: 'BannedListRequested', data: { masterId } }];
    case 'ConfigureReminders': {
      const { hours } = command;
      if (hours !== null && !(hours >= REMINDER_HOURS.min && hours <= REMINDER_HOURS.max)) {
        return [reject(masterId, '/reminders', 'bad_reminder_hours')];
      }
      return [...backToMain(state, masterId, '/reminders'), { type: 'RemindersConfigured', data: { masterId, hours } }];
    }
    case 'Subscribe':
      if (state.plan.kind === 'pro' && state.plan.renewing) return [reject(masterId, '/subscribe', 'already_pro')];
      return [
        ...backToMain(state, masterId, '/subscribe'),
        {
          type: 'SubscriptionOffered',
          data: { masterId, payload: proPayload(masterId), stars: command.stars, periodSeconds: command.periodSeconds },
        },
      ];
    case 'Unsubscribe':
      if (state.plan.kind !== 'pro') return [reject(masterId, '/unsubscribe', 'not_on_pro')];
      if (!state.plan.renewing) return [reject(masterId, '/unsubscribe', 'renewal_already_cancelled')];
      return [
        ...backToMain(state, masterId, '/unsubscribe'),
        { type: 'ProRenewalCancelled', data: { masterId, chargeId: state.plan.chargeId, until: state.plan.until } },
      ];
    case 'ExpirePro':
      return expirePro(command, state);
    case 'Refuse':
      return [reject(masterId, command.command, command.reason, {}, command.inBotChatOf)];
    case 'RequestInbox':
      return requestForBot(state, masterId, 'inbox', null);
    case 'OfferInbox':
      return offerInbox(command, state);
    case 'ChooseInboxMode':
      return chooseInboxMode(command, state);
    case 'RecordOwnChatTopic':
      return recordOwnChatTopic(command, state);
    case 'AnswerInOwnChat':
      return answerInOwnChat(command, state);
    case 'LinkTeamGroup':
      return linkTeamGroup(command, state);
    case 'RecordCustomerTopic': {
      const { botId, customerId, chatId, threadId, replacesThreadId } = command;
      const known = state.topics[topicOfCustomer(botId, customerId)];
      if (known?.chatId === chatId && known.threadId === threadId) return [];
      const replaces = replacesThreadId !== undefined ? { replacesThreadId } : {};
      return [{ type: 'CustomerTopicOpened', data: { masterId, botId, customerId, chatId, threadId, ...replaces } }];
    }
    case 'AnswerInTopic':
      return answerInTopic(command, state);
    case 'ShowTeamGroupHelp': {
      const { botId, chatId, threadId } = command;
      // Only in the group the bot is linked to: elsewhere the bot stays silent.
      if (state.bots.find((b) => b.botId === botId)?.teamGroupChatId !== chatId) return [];
      return [{ type: 'TeamGroupHelpShown', data: { masterId, botId, chatId, ...(threadId !== null ? { threadId } : {}) } }];
    }
    case 'MarkConversation':
      return markConversation(command, state);
    case 'UpdateTeamGroupAccess':
      return updateTeamGroupAccess(command, state);
    case 'FollowGroupMigration':
      return followGroupMigration(command, state);
    case 'ConfirmTeamGroup': {
      const { botId, chatId } = command;
      const pending = state.pendingTeamGroup;
      // Only the current question is answered: an old button must not link a group later.
      if (pending?.botId !== botId || pending.chatId !== chatId) return [reject(masterId, 'team group button', 'picker_expired')];
      const bot = state.bots.find((b) => b.botId === botId);
      if (!bot) return [reject(masterId, 'team group button', 'bot_not_attached')];
      if (!command.accept) return [{ type: 'TeamGroupLinkDeclined', data: { masterId, botId, chatId } }];
      return [{ type: 'TeamGroupLinked', data: { masterId, botId, username: bot.username, chatId, linkedBy: masterId } }];
    }
    case 'MarkBotBroken': {
      const bot = state.bots.find((b) => b.botId === command.botId);
      if (!bot || bot.status === 'broken') return [];
      return [{ type: 'ClientBotBroken', data: { masterId, botId: bot.botId, username: bot.username, reason: 'token_revoked' } }];
    }
  }
}

function start(command: Command<'Start'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (!state.registered) return [{ type: 'MasterRegistered', data: { masterId, firstName: command.firstName } }];
  return [...backToMain(state, masterId, '/start'), { type: 'WelcomeShown', data: { masterId } }];
}

function submitToken(command: Command<'SubmitBotToken'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, messageId, verdict, limits } = command;
  // A token is a secret: whatever happens, the message that carried it is deleted from the chat.
  const rejectToken = (reason: RejectionReason) => reject(masterId, 'token', reason, { messageId, deleteMessage: true });
  if (state.fsm !== 'AwaitingBotToken') return [rejectToken('not_a_reply')];
  if (!verdict.valid) return [rejectToken(verdict.reason)];
  const existing = state.bots.find((b) => b.botId === verdict.botId);
  // A broken bot (token revoked) comes back with its new token; any other bot is only attached once.
  if (existing && existing.status !== 'broken') return [rejectToken('bot_already_attached')];
  const limit = state.plan.kind === 'pro' ? limits.pro : limits.free;
  // A new bot counts against every attached one; a broken bot coming back only against the running ones
  // (it may be one the plan had paused — it must not come back running past the limit).
  const counted = existing ? state.bots.filter((b) => b.status === 'active').length : state.bots.length;
  if (counted >= limit) return [rejectToken(state.plan.kind === 'pro' ? 'pro_bot_limit_reached' : 'bot_limit_reached')];
  return [
    {
      type: 'ClientBotAttached',
      data: {
        masterId,
        botId: verdict.botId,
        username: verdict.username,
        encryptedToken: verdict.encryptedToken,
        tokenMessageId: messageId,
      },
    },
    transition(masterId, 'AwaitingBotToken', 'Main', 'bot token'),
  ];
}

/** Which bots a purpose can act on: a broadcast needs a bot that is running. */
const eligible = (state: MasterUserState, purpose: BotPurpose): AttachedBot[] =>
  purpose === 'broadcast' ? state.bots.filter((b) => b.status === 'active') : state.bots;

/**
 * /remove, /qr, /greeting, /broadcast: with one bot, act on it; with several, offer an inline keyboard
 * (ChoosingBot) and act on the button pressed (PickBot).
 */
function requestForBot(state: MasterUserState, masterId: number, purpose: BotPurpose, startParameter: TypedText | null): MasterUserEvent[] {
  const trigger = `/${purpose}`;
  const leave = backToMain(state, masterId, trigger);
  const bots = eligible(state, purpose);
  if (bots.length === 0) return [...leave, reject(masterId, trigger, purpose === 'remove' ? 'no_bots_to_remove' : 'no_bots')];
  if (bots.length === 1) return [...leave, ...actOn(masterId, purpose, bots[0], startParameter)];
  return [
    ...leave,
    {
      type: 'BotPickerOffered',
      data: {
        masterId,
        purpose,
        bots: bots.map(({ botId, username }) => ({ botId, username })),
        ...(purpose === 'qr' ? { startParameter } : {}),
      },
    },
    transition(masterId, 'Main', 'ChoosingBot', trigger),
  ];
}

function pickBot(command: Command<'PickBot'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, purpose } = command;
  const trigger = `${purpose} button`;
  const leave = backToMain(state, masterId, trigger);
  // A button of a keyboard that is no longer the current question (answered, cancelled, or replaced by
  // another command) is answered, not obeyed: an old /remove keyboard must not detach a bot later.
  if (state.fsm !== 'ChoosingBot' || state.picking?.purpose !== purpose) return [reject(masterId, trigger, 'picker_expired')];
  const bot = state.bots.find((b) => b.botId === command.botId);
  if (!bot) return [...leave, reject(masterId, trigger, 'bot_not_attached')];
  if (purpose === 'broadcast') {
    if (state.plan.kind !== 'pro') return [...leave, reject(masterId, trigger, 'pro_required')];
    const refusal = botRefusal(state, bot.botId);
    if (refusal) return [...leave, reject(masterId, trigger, refusal)];
  }
  const startParameter = state.picking?.purpose === 'qr' ? state.picking.startParameter : null;
  return [...leave, ...actOn(masterId, purpose, bot, startParameter)];
}

/** The effect of a purpose on one bot, from Main. */
function actOn(masterId: number, purpose: BotPurpose, bot: AttachedBot, startParameter: TypedText | null): MasterUserEvent[] {
  const { botId, username } = bot;
  switch (purpose) {
    case 'remove':
      return [{ type: 'ClientBotDetached', data: { masterId, botId, username } }];
    case 'qr':
      return [{ type: 'QrCodeRequested', data: { masterId, botId, username, startParameter } }];
    case 'greeting':
      return [
        { type: 'BotChosen', data: { masterId, purpose, botId, username } },
        transition(masterId, 'Main', 'AwaitingGreeting', '/greeting'),
      ];
    case 'broadcast':
      return [
        { type: 'BotChosen', data: { masterId, purpose, botId, username } },
        transition(masterId, 'Main', 'AwaitingBroadcast', '/broadcast'),
      ];
    case 'inbox':
      return [{ type: 'InboxModeOffered', data: { masterId, botId, username, mode: inboxOf(bot), askedIn: 'master_bot' } }];
  }
}

function reply(command: Command<'Reply'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, target } = command;
  if (!target) return [reject(masterId, 'reply', 'reply_target_unknown', { messageId: command.masterMessageId })];
  // Tenant isolation: a reply only ever goes out through a bot this master has attached right now.
  const refusal = botRefusal(state, target.botId);
  if (refusal) return [reject(masterId, 'reply', refusal, { messageId: command.masterMessageId })];
  if (!command.content) return [reject(masterId, 'reply', 'unsupported_message', { messageId: command.masterMessageId })];
  const sent: MasterUserEvent = {
    type: 'ReplySent',
    data: { masterId, replyId: command.replyId, target, masterMessageId: command.masterMessageId, content: command.content },
  };
  return state.fsm === 'Responding' ? [sent, transition(masterId, 'Responding', 'Main', 'reply sent')] : [sent];
}

/** M12: `/connect` in a group asks the master to confirm linking it as the bot's inbox, if they typed it and the group fits. */
function linkTeamGroup(command: Command<'LinkTeamGroup'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId } = command;
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot) return [reject(masterId, '/connect', 'bot_not_attached')];
  if (command.requestedBy !== masterId) return [reject(masterId, '/connect', 'team_group_not_owner')];
  if (!command.isForum) return [reject(masterId, '/connect', 'team_group_not_forum')];
  if (!command.canManageTopics) return [reject(masterId, '/connect', 'team_group_missing_right')];
  if (bot.teamGroupChatId === chatId && !bot.teamGroupLost) return [];
  return [{ type: 'TeamGroupLinkRequested', data: { masterId, botId, username: bot.username, chatId } }];
}

/**
 * M12: an agent's message in a customer's topic is the answer to that customer. Tenant isolation: the topic
 * must be one this master's relay opened, for a bot attached here and still linked to that very group.
 */
function answerInTopic(command: Command<'AnswerInTopic'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, agent, target } = command;
  if (!target) return [];
  const topic = state.topics[topicOfThread(target.botId, agent.chatId, agent.threadId)];
  const bot = state.bots.find((b) => b.botId === target.botId);
  if (!topic || topic.customerId !== target.customerId || bot?.teamGroupChatId !== agent.chatId) return [];
  const refusal = botRefusal(state, target.botId);
  if (refusal) return [reject(masterId, 'topic answer', refusal)];
  if (!command.content) return [reject(masterId, 'topic answer', 'unsupported_message')];
  const data = { masterId, replyId: command.replyId, target, masterMessageId: agent.messageId, content: command.content, agent };
  return [{ type: 'ReplySent', data }];
}

function setGreeting(command: Command<'SetGreeting'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const bot = state.chosenBot;
  if (state.fsm !== 'AwaitingGreeting' || !bot) return [reject(masterId, 'message', 'not_a_reply')];
  if (!command.greeting) return [reject(masterId, 'greeting', 'greeting_not_text')];
  if (command.length > GREETING_MAX_LENGTH) return [reject(masterId, 'greeting', 'greeting_too_long')];
  return [
    { type: 'GreetingSet', data: { masterId, botId: bot.botId, username: bot.username, greeting: command.greeting } },
    transition(masterId, 'AwaitingGreeting', 'Main', 'greeting text'),
  ];
}

function submitBroadcast(command: Command<'SubmitBroadcast'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const bot = state.chosenBot;
  if (state.fsm !== 'AwaitingBroadcast' || !bot) return [reject(masterId, 'message', 'not_a_reply')];
  if (!command.content) return [reject(masterId, 'broadcast', 'broadcast_unsupported_message')];
  const refusal = state.plan.kind !== 'pro' ? 'pro_required' : botRefusal(state, bot.botId);
  if (refusal) return [transition(masterId, 'AwaitingBroadcast', 'Main', 'broadcast message'), reject(masterId, 'broadcast', refusal)];
  return [
    {
      type: 'BroadcastRequested',
      data: { masterId, botId: bot.botId, username: bot.username, broadcastId: command.broadcastId, content: command.content },
    },
    transition(masterId, 'AwaitingBroadcast', 'Main', 'broadcast message'),
  ];
}

function answerCheckout(command: Command<'AnswerCheckout'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, queryId } = command;
  const error = !state.registered
    ? 'Please send /start to the bot first.'
    : command.payload !== proPayload(masterId)
      ? 'This invoice is not for your account.'
      : command.currency !== 'XTR' || command.totalAmount !== command.stars
        ? 'This invoice is out of date. Send /subscribe for a new one.'
        : undefined;
  return [{ type: 'CheckoutAnswered', data: { masterId, queryId, ok: error === undefined, ...(error ? { error } : {}) } }];
}

function recordPayment(command: Command<'RecordPayment'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, chargeId } = command;
  if (state.charges.includes(chargeId)) return [];
  // Paused bots run again, as many as Pro allows (in attach order).
  const resumedBotIds = state.bots
    .slice(0, command.limits.pro)
    .filter((b) => b.status === 'paused')
    .map((b) => b.botId);
  return [
    {
      type: 'ProActivated',
      data: { masterId, chargeId, stars: command.stars, until: command.until, renewal: state.plan.kind === 'pro', resumedBotIds },
    },
  ];
}

function expirePro(command: Command<'ExpirePro'>, state: MasterUserState): MasterUserEvent[] {
  const { plan } = state;
  if (plan.kind !== 'pro' || Date.parse(plan.until) > Date.parse(command.now)) return [];
  // The first bots (in attach order) keep running on Free; the rest are paused, not deleted.
  const running = state.bots.filter((b) => b.status === 'active');
  const pausedBotIds = running.slice(command.limits.free).map((b) => b.botId);
  return [{ type: 'ProExpired', data: { masterId: command.masterId, pausedBotIds } }];
}

export const masterUserDecider: Decider<MasterUserCommand, MasterUserEvent, MasterUserState> = {
  decide: decideMasterUser,
  evolve: evolveMasterUser,
  initialState: initialMasterUserState,
};
