import { unknownEvent } from '../shared/decider';
import { TypedText } from '../shared/typed-text';
import {
  BotPurpose,
  InboxMode,
  MasterFsmState,
  MasterUserEvent,
  OwnChatAnswer,
  ReplyTarget,
  TeamGroupLossReason,
  TopicAnswer,
} from './master-user.events';

export type BotStatus = 'active' | 'paused' | 'broken';

export interface AttachedBot {
  botId: number;
  username: string;
  status: BotStatus;
  /** M12: the team group (supergroup chat id) the bot relays into; absent: the MasterBot chat. */
  teamGroupChatId?: number;
  /** M12: why the bot cannot relay into that group now (TeamGroupLost); absent: it can. */
  teamGroupLost?: TeamGroupLossReason;
  /** M14: where its customers' messages arrive (InboxModeChosen; TeamGroupLinked sets `team_group`); absent: the MasterBot chat. */
  inbox?: InboxMode;
  /** M14: the bot has shown its owner the inbox offer in their chat with it (InboxModeOffered, askedIn `bot_chat`). */
  offeredInBotChat?: true;
}

/** M14: the inbox a bot relays into now. */
export const inboxOf = (bot: Pick<AttachedBot, 'inbox'>): InboxMode => bot.inbox ?? 'master_chat';

/** M14: a customer's topic in the owner's private chat with the client bot. */
export interface OwnChatTopic {
  botId: number;
  customerId: number;
  threadId: number;
}

/** Keys of `MasterUserState.ownChatTopics`: by customer (where to relay) and by topic (whom an answer is for). */
export const ownTopicOfCustomer = (botId: number, customerId: number): string => `c:${botId}:${customerId}`;
export const ownTopicOfThread = (botId: number, threadId: number): string => `t:${botId}:${threadId}`;

/** M12: a customer's topic in their bot's team group. */
export interface CustomerTopic {
  botId: number;
  customerId: number;
  chatId: number;
  threadId: number;
  /** The conversation was marked closed (ConversationClosed) and not reopened since. */
  closed?: boolean;
}

/** Keys of `MasterUserState.topics`: by customer (where to relay) and by topic (whom an answer is for). */
export const topicOfCustomer = (botId: number, customerId: number): string => `c:${botId}:${customerId}`;
export const topicOfThread = (botId: number, chatId: number, threadId: number): string => `t:${botId}:${chatId}:${threadId}`;

/** M13: an answer in the master's chat: the reply it became and its customer. */
export interface Answer {
  replyId: string;
  target: ReplyTarget;
  /** `/delete` was asked for it (whatever Telegram then said: a refusal stands, it is not asked twice). */
  deleted: boolean;
}

export type Plan = { kind: 'free' } | { kind: 'pro'; until: string; chargeId: string; renewing: boolean };

export interface MasterUserState {
  registered: boolean;
  masterId: number | null;
  fsm: MasterFsmState;
  /** In attach order: when Pro ends, the first ones stay active. */
  bots: AttachedBot[];
  respondingTo: ReplyTarget | null;
  /** ChoosingBot: what the picker is for; AwaitingGreeting/AwaitingBroadcast: the bot chosen. */
  picking: { purpose: BotPurpose; startParameter: TypedText | null } | null;
  chosenBot: { botId: number; username: string } | null;
  plan: Plan;
  /** Charge ids already recorded: a payment message delivered twice counts once. */
  charges: string[];
  reminderHours: number | null;
  /**
   * M12: every customer topic, under both keys (`topicOfCustomer`, `topicOfThread`). WARNING: one entry per
   * customer who wrote while their bot was in team-group mode, folded with the master's stream (cached).
   */
  topics: Record<string, CustomerTopic>;
  /**
   * M14: every customer topic in the owner's chats with their client bots, under both keys. WARNING: one entry per
   * customer who wrote while their bot relayed into the owner's chat with topics on.
   */
  ownChatTopics: Record<string, OwnChatTopic>;
  /** M12: the team group link waiting for the master's confirmation (the last /connect wins). */
  pendingTeamGroup: { botId: number; chatId: number } | null;
  /**
   * M13: the master's answers by their message id in the MasterBot chat, so an edit of one (or a /delete
   * replying to one) finds its customer. Grown in place, one small entry per reply ever sent.
   * WARNING: never pruned: a master with 100,000 replies holds 100,000 entries (a few MB) in the cached state.
   */
  answers: Map<number, Answer>;
  /**
   * M12/M13: agents' answers written in customer topics, by `topicAnswerKey(chatId, messageId)` (a group's
   * message ids are its own: never mixed with the MasterBot chat's). Same growth and WARNING as `answers`.
   */
  topicAnswers: Map<string, Answer>;
}

export const topicAnswerKey = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;
/**
 * M14: key of `topicAnswers` for the owner's answer in their chat with client bot `botId`. That chat's id is the
 * master's for every bot of theirs (and the MasterBot's), each bot with its own message ids: keyed by the bot.
 */
export const ownChatAnswerKey = (botId: number, messageId: number): string => `own:${botId}:${messageId}`;
/** Where an agent's (or the owner's, M14) answer `messageId` is kept in `topicAnswers`, for a reply through `botId`. */
export const agentAnswerKey = (agent: TopicAnswer | OwnChatAnswer, botId: number, messageId = agent.messageId): string =>
  'ownChat' in agent ? ownChatAnswerKey(botId, messageId) : topicAnswerKey(agent.chatId, messageId);

export const initialMasterUserState = (): MasterUserState => ({
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

const setStatus = (bots: AttachedBot[], ids: number[], status: BotStatus): AttachedBot[] =>
  bots.map((b) => (ids.includes(b.botId) ? { ...b, status } : b));

function withoutLoss(bot: AttachedBot): AttachedBot {
  const { teamGroupLost: _lost, ...rest } = bot;
  return rest;
}

export function evolveMasterUser(state: MasterUserState, event: MasterUserEvent): MasterUserState {
  switch (event.type) {
    case 'MasterRegistered':
      return { ...state, registered: true, masterId: event.data.masterId };
    case 'StateChanged': {
      const to = event.data.to;
      return {
        ...state,
        fsm: to,
        respondingTo: to === 'Responding' ? state.respondingTo : null,
        picking: to === 'ChoosingBot' ? state.picking : null,
        chosenBot: to === 'AwaitingGreeting' || to === 'AwaitingBroadcast' ? state.chosenBot : null,
      };
    }
    case 'ClientBotAttached': {
      const existing = state.bots.find((b) => b.botId === event.data.botId);
      const bot: AttachedBot = { botId: event.data.botId, username: event.data.username, status: 'active' };
      if (existing?.teamGroupChatId !== undefined) bot.teamGroupChatId = existing.teamGroupChatId;
      if (existing?.inbox !== undefined) bot.inbox = existing.inbox;
      // A broken bot re-attached with its new token keeps its place.
      return { ...state, bots: existing ? state.bots.map((b) => (b.botId === bot.botId ? bot : b)) : [...state.bots, bot] };
    }
    case 'ClientBotDetached':
      return { ...state, bots: state.bots.filter((b) => b.botId !== event.data.botId) };
    case 'ClientBotBroken':
      return { ...state, bots: setStatus(state.bots, [event.data.botId], 'broken') };
    case 'BotPickerOffered':
      return { ...state, picking: { purpose: event.data.purpose, startParameter: event.data.startParameter ?? null } };
    case 'BotChosen':
      return { ...state, chosenBot: { botId: event.data.botId, username: event.data.username } };
    case 'ReplyStarted':
      return { ...state, respondingTo: event.data.target };
    case 'TeamGroupLinkRequested':
      return { ...state, pendingTeamGroup: { botId: event.data.botId, chatId: event.data.chatId } };
    case 'TeamGroupLinkDeclined':
      return { ...state, pendingTeamGroup: null };
    case 'TeamGroupLinked':
      return {
        ...state,
        pendingTeamGroup: null,
        bots: state.bots.map((b) =>
          b.botId === event.data.botId ? withoutLoss({ ...b, teamGroupChatId: event.data.chatId, inbox: 'team_group' }) : b,
        ),
      };
    case 'InboxModeChosen':
      return { ...state, bots: state.bots.map((b) => (b.botId === event.data.botId ? { ...b, inbox: event.data.mode } : b)) };
    case 'OwnChatTopicOpened': {
      const { botId, customerId, threadId, replacesThreadId } = event.data;
      const topic: OwnChatTopic = { botId, customerId, threadId };
      const ownChatTopics = {
        ...state.ownChatTopics,
        [ownTopicOfCustomer(botId, customerId)]: topic,
        [ownTopicOfThread(botId, threadId)]: topic,
      };
      if (replacesThreadId !== undefined) delete ownChatTopics[ownTopicOfThread(botId, replacesThreadId)];
      return { ...state, ownChatTopics };
    }
    case 'TeamGroupLost':
      return {
        ...state,
        bots: state.bots.map((b) => (b.botId === event.data.botId ? { ...b, teamGroupLost: event.data.reason } : b)),
      };
    case 'TeamGroupMoved':
      return {
        ...state,
        bots: state.bots.map((b) =>
          b.botId === event.data.botId && b.teamGroupChatId === event.data.fromChatId ? { ...b, teamGroupChatId: event.data.toChatId } : b,
        ),
      };
    case 'TeamGroupRestored':
      return { ...state, bots: state.bots.map((b) => (b.botId === event.data.botId ? withoutLoss(b) : b)) };
    case 'CustomerTopicOpened': {
      const { botId, customerId, chatId, threadId, replacesThreadId } = event.data;
      const topic: CustomerTopic = { botId, customerId, chatId, threadId };
      const topics = { ...state.topics, [topicOfCustomer(botId, customerId)]: topic, [topicOfThread(botId, chatId, threadId)]: topic };
      if (replacesThreadId !== undefined) delete topics[topicOfThread(botId, chatId, replacesThreadId)];
      return { ...state, topics };
    }
    case 'ConversationClosed':
    case 'ConversationReopened': {
      const { botId, customerId, chatId, threadId } = event.data;
      const known = state.topics[topicOfThread(botId, chatId, threadId)];
      if (!known) return state;
      const topic: CustomerTopic = { ...known, closed: event.type === 'ConversationClosed' };
      const topics = { ...state.topics, [topicOfThread(botId, chatId, threadId)]: topic };
      const current = state.topics[topicOfCustomer(botId, customerId)];
      if (current?.chatId === chatId && current.threadId === threadId) topics[topicOfCustomer(botId, customerId)] = topic;
      return { ...state, topics };
    }
    case 'RemindersConfigured':
      return { ...state, reminderHours: event.data.hours };
    case 'ProActivated':
      return {
        ...state,
        plan: { kind: 'pro', until: event.data.until, chargeId: event.data.chargeId, renewing: true },
        charges: [...state.charges, event.data.chargeId],
        bots: setStatus(state.bots, event.data.resumedBotIds, 'active'),
      };
    case 'ProRenewalCancelled':
      return state.plan.kind === 'pro' ? { ...state, plan: { ...state.plan, renewing: false } } : state;
    case 'ProExpired':
      return { ...state, plan: { kind: 'free' }, bots: setStatus(state.bots, event.data.pausedBotIds, 'paused') };
    // Each of these only records what the master asked or was shown (reactors act on it); the state keeps nothing.
    case 'WelcomeShown':
      return state;
    case 'HelpShown':
      return state;
    case 'QrCodeRequested':
      return state;
    case 'GreetingSet':
      return state;
    case 'BroadcastRequested':
      return state;
    case 'BotListRequested':
      return state;
    case 'InboxModeOffered': {
      if (event.data.askedIn !== 'bot_chat') return state;
      const { botId } = event.data;
      return { ...state, bots: state.bots.map((b) => (b.botId === botId ? { ...b, offeredInBotChat: true as const } : b)) };
    }
    case 'BannedListRequested':
      return state;
    case 'ReplySent':
      // In place: a fold owns its state (the aggregate store folds each event once into the state it caches).
      // An agent's (M12) message id is the team group's, another chat: kept apart.
      if (event.data.agent) {
        state.topicAnswers.set(agentAnswerKey(event.data.agent, event.data.target.botId), {
          replyId: event.data.replyId,
          target: event.data.target,
          deleted: false,
        });
      } else state.answers.set(event.data.masterMessageId, { replyId: event.data.replyId, target: event.data.target, deleted: false });
      return state;
    case 'ReplyDeletionRequested': {
      const { agent, masterMessageId, target } = event.data;
      const key = agent ? agentAnswerKey(agent, target.botId, masterMessageId) : null;
      const answer = key !== null ? state.topicAnswers.get(key) : state.answers.get(masterMessageId);
      if (answer && key !== null) state.topicAnswers.set(key, { ...answer, deleted: true });
      else if (answer) state.answers.set(masterMessageId, { ...answer, deleted: true });
      return state;
    }
    case 'ReplyEdited':
      return state;
    case 'MasterReacted':
      return state;
    case 'TopicCommandRefused':
      return state;
    case 'TeamGroupHelpShown':
      return state;
    case 'SubscriptionOffered':
      return state;
    case 'CheckoutAnswered':
      return state;
    case 'CommandRejected':
      return state;
    default: {
      const _exhaustive: never = event;
      return unknownEvent(_exhaustive);
    }
  }
}
