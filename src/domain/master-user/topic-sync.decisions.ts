import { InTopic } from './master-user.commands';
import { MasterUserEvent, RejectionReason, TopicAnswer, TopicCommand } from './master-user.events';
import { botRefusal, Command } from './master-user.rules';
import { Answer, MasterUserState, topicAnswerKey } from './master-user.state';
import { linkedTopic } from './team-group.decisions';

/**
 * M12/M13, keeping a conversation in sync from a team group: an agent's edit of their answer in a customer's
 * topic, `/delete` typed there, and an agent's reaction on a relayed copy there. Everything is resolved in the
 * master's own history: the topic must be one this master's relay opened for the very bot whose update it is,
 * in the group that bot is linked to now, and the answer one written in that topic to that customer. Another
 * tenant's agents (or another bot of the same group) resolve nothing, and decide nothing.
 */

const refused = (masterId: number, where: InTopic, command: TopicCommand, reason: RejectionReason): MasterUserEvent => ({
  type: 'TopicCommandRefused',
  data: { masterId, botId: where.botId, chatId: where.chatId, threadId: where.threadId, agentId: where.agentId, command, reason },
});

/** The agent's answer `messageId` in the topic `where`, if it is one to that topic's customer through that bot. */
function topicAnswer(state: MasterUserState, where: InTopic, messageId: number): Answer | null {
  const topic = linkedTopic(state, where.botId, where.chatId, where.threadId);
  const answer = state.topicAnswers.get(topicAnswerKey(where.chatId, messageId));
  if (!topic || !answer || answer.target.botId !== where.botId || answer.target.customerId !== topic.customerId) return null;
  return answer;
}

const agentOf = (where: InTopic, messageId: number): TopicAnswer => ({
  agentId: where.agentId,
  chatId: where.chatId,
  threadId: where.threadId,
  messageId,
});

/**
 * An edit of anything but an answer (a `//` note, the card, chatter) changes nothing and says nothing: a note
 * never became an answer, so editing it (even into words without `//`) sends nothing to the customer.
 */
export function editTopicAnswer(command: Command<'EditAnswer'>, where: InTopic, state: MasterUserState): MasterUserEvent[] {
  const { masterId, masterMessageId, replyId, editedAt, content } = command;
  const answer = topicAnswer(state, where, masterMessageId);
  if (!answer || answer.replyId !== replyId || answer.deleted) return [];
  if (command.deliveryFailed) return [refused(masterId, where, 'edit', 'reply_not_delivered')];
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return [refused(masterId, where, 'edit', refusal)];
  const agent = agentOf(where, masterMessageId);
  return [{ type: 'ReplyEdited', data: { masterId, replyId, target: answer.target, masterMessageId, editedAt, content, agent } }];
}

/** `/delete` in a customer's topic, replying to an answer written there (by any agent); anything else is told why not. */
export function deleteTopicAnswer(command: Command<'DeleteAnswer'>, where: InTopic, state: MasterUserState): MasterUserEvent[] {
  const { masterId, masterMessageId } = command;
  // Outside a customer's topic of this bot (General, an unlinked group, another bot's topic) it is not ours to answer.
  if (!linkedTopic(state, where.botId, where.chatId, where.threadId)) return [];
  if (masterMessageId === null) return [refused(masterId, where, '/delete', 'delete_needs_reply')];
  const answer = topicAnswer(state, where, masterMessageId);
  if (!answer) return [refused(masterId, where, '/delete', 'not_an_answer')];
  if (answer.deleted) return [refused(masterId, where, '/delete', 'answer_already_deleted')];
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return [refused(masterId, where, '/delete', refusal)];
  const agent = agentOf(where, masterMessageId);
  return [{ type: 'ReplyDeletionRequested', data: { masterId, replyId: answer.replyId, target: answer.target, masterMessageId, agent } }];
}

/** An agent's reaction on a relayed copy in the group: only a copy of the bot linked to that very group counts. */
export function mirrorGroupReaction(
  command: Command<'MirrorReaction'>,
  inGroup: NonNullable<Command<'MirrorReaction'>['inGroup']>,
  state: MasterUserState,
): MasterUserEvent[] {
  const { masterId, target, emoji } = command;
  const bot = state.bots.find((b) => b.botId === inGroup.botId);
  if (target.botId !== inGroup.botId || bot?.teamGroupChatId !== inGroup.chatId) return [];
  return [{ type: 'MasterReacted', data: { masterId, target, emoji, agent: { agentId: inGroup.agentId, chatId: inGroup.chatId } } }];
}
