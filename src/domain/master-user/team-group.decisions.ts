import { MasterUserCommand } from './master-user.commands';
import { MasterUserEvent } from './master-user.events';
import { CustomerTopic, MasterUserState, topicOfThread } from './master-user.state';

type Command<T extends MasterUserCommand['type']> = Extract<MasterUserCommand, { type: T }>;

/**
 * M12: the customer topic a team-group command names, if it is one this master's relay opened, for a bot of
 * theirs still linked to that very group. Anything else (another tenant's group, an unlinked group, General, a
 * topic the agents opened themselves) resolves to nothing, and a command there decides nothing.
 */
export function linkedTopic(state: MasterUserState, botId: number, chatId: number, threadId: number): CustomerTopic | null {
  const topic = state.topics[topicOfThread(botId, chatId, threadId)];
  const bot = state.bots.find((b) => b.botId === botId);
  return topic && bot?.teamGroupChatId === chatId ? topic : null;
}

/**
 * M12: `/close` and `/reopen` in a customer's topic, the topic closed or reopened by hand, or reopened because
 * the customer wrote again. Marking what it already is records nothing (a repeated /close, the service message
 * of a close the bot itself made).
 */
export function markConversation(command: Command<'MarkConversation'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId, threadId, by, closed } = command;
  const topic = linkedTopic(state, botId, chatId, threadId);
  if (!topic || (topic.closed === true) === closed) return [];
  const data = { masterId, botId, customerId: topic.customerId, chatId, threadId, by };
  if (closed) return command.how === 'customer_wrote' ? [] : [{ type: 'ConversationClosed', data: { ...data, how: command.how } }];
  return [{ type: 'ConversationReopened', data: { ...data, how: command.how } }];
}

/**
 * M12: the bot lost (or got back) what relaying into its linked team group needs. Only the linked group counts
 * (a bot kicked from some other group changes nothing), and only a change is recorded: the master is told once
 * per loss and once per return, however many updates or refused relays say the same.
 */
export function updateTeamGroupAccess(command: Command<'UpdateTeamGroupAccess'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, chatId, loss } = command;
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot || bot.teamGroupChatId !== chatId) return [];
  const { username } = bot;
  if (loss && !bot.teamGroupLost) return [{ type: 'TeamGroupLost', data: { masterId, botId, username, chatId, reason: loss } }];
  if (!loss && bot.teamGroupLost) return [{ type: 'TeamGroupRestored', data: { masterId, botId, username, chatId } }];
  return [];
}

/** M12: the linked group was migrated to a supergroup: the link moves to its new id, once. */
export function followGroupMigration(command: Command<'FollowGroupMigration'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, botId, fromChatId, toChatId } = command;
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot || bot.teamGroupChatId !== fromChatId || fromChatId === toChatId) return [];
  return [{ type: 'TeamGroupMoved', data: { masterId, botId, username: bot.username, fromChatId, toChatId } }];
}
