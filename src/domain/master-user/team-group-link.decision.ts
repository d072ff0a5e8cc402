import { MasterUserEvent } from './master-user.events';
import { botRefusal, Command, reject } from './master-user.rules';
import { MasterUserState, topicOfCustomer, topicOfThread } from './master-user.state';

/** M12: `/connect` in a group asks the master to confirm linking it as the bot's inbox, if they typed it and the group fits. */
export function linkTeamGroup(command: Command<'LinkTeamGroup'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId } = command;
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot) return [reject(masterId, '/connect', 'bot_not_attached')];
  if (command.requestedBy !== masterId) return [reject(masterId, '/connect', 'team_group_not_owner')];
  if (!command.isForum) return [reject(masterId, '/connect', 'team_group_not_forum')];
  if (!command.canManageTopics) return [reject(masterId, '/connect', 'team_group_missing_right')];
  if (bot.teamGroupChatId === chatId && !bot.teamGroupLost) return [];
  return [{ type: 'TeamGroupLinkRequested', data: { masterId, botId, username: bot.username, chatId } }];
}

/** M12: the master's answer to the link question; only the current question is answered. */
export function confirmTeamGroup(command: Command<'ConfirmTeamGroup'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId } = command;
  const pending = state.pendingTeamGroup;
  // An old button must not link a group later.
  if (pending?.botId !== botId || pending.chatId !== chatId) return [reject(masterId, 'team group button', 'picker_expired')];
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot) return [reject(masterId, 'team group button', 'bot_not_attached')];
  if (!command.accept) return [{ type: 'TeamGroupLinkDeclined', data: { masterId, botId, chatId } }];
  return [{ type: 'TeamGroupLinked', data: { masterId, botId, username: bot.username, chatId, linkedBy: masterId } }];
}

/** M12: the topic the relay opened (or opened again) for a customer; the same topic again records nothing. */
export function recordCustomerTopic(command: Command<'RecordCustomerTopic'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, customerId, chatId, threadId, replacesThreadId } = command;
  const known = state.topics[topicOfCustomer(botId, customerId)];
  if (known?.chatId === chatId && known.threadId === threadId) return [];
  const replaces = replacesThreadId !== undefined ? { replacesThreadId } : {};
  return [{ type: 'CustomerTopicOpened', data: { masterId, botId, customerId, chatId, threadId, ...replaces } }];
}

/**
 * M12: an agent's message in a customer's topic is the answer to that customer. Tenant isolation: the topic
 * must be one this master's relay opened, for a bot attached here and still linked to that very group.
 */
export function answerInTopic(command: Command<'AnswerInTopic'>, state: MasterUserState): MasterUserEvent[] {
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

/** M12: /help in the linked group; elsewhere the bot stays silent. */
export function showTeamGroupHelp(command: Command<'ShowTeamGroupHelp'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId, threadId } = command;
  if (state.bots.find((b) => b.botId === botId)?.teamGroupChatId !== chatId) return [];
  return [{ type: 'TeamGroupHelpShown', data: { masterId, botId, chatId, ...(threadId !== null ? { threadId } : {}) } }];
}
