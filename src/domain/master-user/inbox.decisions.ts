import { MasterUserEvent } from './master-user.events';
import { backToMain, botRefusal, Command, reject } from './master-user.rules';
import { inboxOf, MasterUserState, ownTopicOfCustomer, ownTopicOfThread } from './master-user.state';

/**
 * M14, inbox modes: where each client bot's customers' messages arrive (the MasterBot chat, the owner's own chat
 * with the client bot, or its team group), and the owner's answers from their own chat with the client bot.
 * Only the bot's own master decides here: every command names a bot, and a bot not attached to this master is
 * refused (an old button, a forged one) or, for what the owner wrote, resolves to nothing.
 */

/** The buttons pressed: the bot must be this master's, and a team group must have been linked once (with /connect). */
export function chooseInboxMode(command: Command<'ChooseInboxMode'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, mode, askedIn } = command;
  const leave = backToMain(state, masterId, 'inbox button');
  const bot = state.bots.find((b) => b.botId === botId);
  const refuse = (reason: Parameters<typeof reject>[2]) => [
    ...leave,
    reject(masterId, 'inbox button', reason, {}, askedIn === 'bot_chat' ? botId : undefined),
  ];
  if (!bot) return refuse('bot_not_attached');
  if (mode === 'team_group' && bot.teamGroupChatId === undefined) return refuse('team_group_not_linked');
  if (inboxOf(bot) === mode) return refuse('inbox_unchanged');
  return [...leave, { type: 'InboxModeChosen', data: { masterId, botId, username: bot.username, mode, askedIn } }];
}

/**
 * The owner wrote to their own client bot: it shows them where its messages arrive, and how to change that. A plain
 * message (the bot relays elsewhere, so it answers nobody) gets the offer only if it was never shown there: an owner
 * who chatted with their bot would otherwise get it on every message. `/start`, `/help`, `/inbox` always get it.
 */
export function offerInbox(command: Command<'OfferInbox'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, asked } = command;
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot || (!asked && bot.offeredInBotChat)) return [];
  return [{ type: 'InboxModeOffered', data: { masterId, botId, username: bot.username, mode: inboxOf(bot), askedIn: 'bot_chat' } }];
}

/** The relay opened a customer's topic in the owner's chat with the bot (recorded once per topic). */
export function recordOwnChatTopic(command: Command<'RecordOwnChatTopic'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, customerId, threadId, replacesThreadId } = command;
  if (state.ownChatTopics[ownTopicOfCustomer(botId, customerId)]?.threadId === threadId) return [];
  const replaces = replacesThreadId !== undefined ? { replacesThreadId } : {};
  return [{ type: 'OwnChatTopicOpened', data: { masterId, botId, customerId, threadId, ...replaces } }];
}

/**
 * The owner's message in their chat with the client bot, for the customer it names: the customer of the topic
 * it was written in (a topic this master's relay opened for this bot), or of the relayed copy it replies to.
 * Answers keep working after the bot was switched to another inbox: old copies and topics stay answerable.
 */
export function answerInOwnChat(command: Command<'AnswerInOwnChat'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, agent, target } = command;
  const refuse = (reason: Parameters<typeof reject>[2]) => [reject(masterId, 'own chat answer', reason, {}, target?.botId)];
  if (!target) return [];
  if (agent.threadId !== undefined) {
    const topic = state.ownChatTopics[ownTopicOfThread(target.botId, agent.threadId)];
    if (topic?.customerId !== target.customerId) return [];
  }
  const refusal = botRefusal(state, target.botId);
  if (refusal) return refuse(refusal);
  if (!command.content) return refuse('unsupported_message');
  const data = { masterId, replyId: command.replyId, target, masterMessageId: agent.messageId, content: command.content, agent };
  return [{ type: 'ReplySent', data }];
}
