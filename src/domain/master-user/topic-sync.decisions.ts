import { InOwnChat, InTopic } from './master-user.commands';
import { MasterUserEvent, OwnChatAnswer, RejectionReason, TopicAnswer, TopicCommand } from './master-user.events';
import { botRefusal, Command, reject } from './master-user.rules';
import { Answer, MasterUserState, ownChatAnswerKey, ownTopicOfThread, topicAnswerKey } from './master-user.state';
import { linkedTopic } from './team-group.decisions';

/**
 * Keeping a conversation in sync from an inbox other than the MasterBot chat: a team group's topic (M12/M13) or the
 * owner's own chat with the client bot (M14). An edit of an answer written there, `/delete` typed there, and a
 * reaction on a relayed copy there. Everything is resolved in the master's own history: the place must be one this
 * master's relay serves for the very bot whose update it is (a topic it opened, in the group that bot is linked to
 * now; or the owner's chat with a bot of theirs), and the answer one written there to that customer. Another tenant's
 * agents (or another bot of the same group, or chat) resolve nothing, and decide nothing. What differs per inbox is
 * only the *finding* (`InboxPlace`) and where a refusal is told; the events are the MasterBot chat's.
 */

/** Where an answer was edited or deleted, as the decisions below need it. */
interface InboxPlace {
  /** The place is one this master's relay serves for that bot; elsewhere nothing is decided and nothing said. */
  served: boolean;
  /** The answer `messageId` written in this place, if it is one to a customer of this place through its bot. */
  answer(messageId: number): Answer | null;
  /** Who acted, on the answer `messageId` (recorded on the event). */
  agent(messageId: number): TopicAnswer | OwnChatAnswer;
  refused(command: TopicCommand, reason: RejectionReason): MasterUserEvent;
}

/** A customer's topic in the bot's team group: refusals are told in the topic. */
function topicPlace(state: MasterUserState, masterId: number, where: InTopic): InboxPlace {
  const topic = linkedTopic(state, where.botId, where.chatId, where.threadId);
  const { botId, chatId, threadId, agentId } = where;
  return {
    served: topic !== null,
    answer: (messageId) => {
      const answer = state.topicAnswers.get(topicAnswerKey(chatId, messageId));
      if (!topic || !answer || answer.target.botId !== botId || answer.target.customerId !== topic.customerId) return null;
      return answer;
    },
    agent: (messageId) => ({ agentId, chatId, threadId, messageId }),
    refused: (command, reason) => ({
      type: 'TopicCommandRefused',
      data: { masterId, botId, chatId, threadId, agentId, command, reason },
    }),
  };
}

/**
 * M14: the owner's own chat with client bot `botId` (only the owner writes there: the chat is the master's). Its
 * message ids are that bot's, never the MasterBot chat's nor another bot's: answers are keyed by the bot. In a
 * customer's topic, only that customer's answers count. Refusals are told there, by the bot.
 */
function ownChatPlace(state: MasterUserState, masterId: number, where: InOwnChat): InboxPlace {
  const { botId, threadId } = where;
  const topic = threadId !== undefined ? state.ownChatTopics[ownTopicOfThread(botId, threadId)] : undefined;
  return {
    served: state.bots.some((b) => b.botId === botId),
    answer: (messageId) => {
      const answer = state.topicAnswers.get(ownChatAnswerKey(botId, messageId));
      if (!answer || answer.target.botId !== botId) return null;
      if (topic && answer.target.customerId !== topic.customerId) return null;
      return answer;
    },
    agent: (messageId) => ({
      ownChat: true,
      agentId: masterId,
      chatId: masterId,
      messageId,
      ...(threadId !== undefined ? { threadId } : {}),
    }),
    refused: (command, reason) => reject(masterId, command, reason, {}, botId),
  };
}

const placeOf = (state: MasterUserState, masterId: number, where: { inTopic?: InTopic; inOwnChat?: InOwnChat }): InboxPlace | null =>
  where.inTopic ? topicPlace(state, masterId, where.inTopic) : where.inOwnChat ? ownChatPlace(state, masterId, where.inOwnChat) : null;

/** The edit or `/delete` was made in a team group's topic or the owner's own chat (else: the MasterBot chat's rules). */
export const inInbox = (command: { inTopic?: InTopic; inOwnChat?: InOwnChat }): boolean =>
  command.inTopic !== undefined || command.inOwnChat !== undefined;

/**
 * An edit of anything but an answer (a `//` note, the card, chatter) changes nothing and says nothing: a note
 * never became an answer, so editing it (even into words without `//`) sends nothing to the customer.
 */
export function editInboxAnswer(command: Command<'EditAnswer'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, masterMessageId, replyId, editedAt, content } = command;
  const place = placeOf(state, masterId, command);
  const answer = place?.answer(masterMessageId);
  if (!place || !answer || answer.replyId !== replyId || answer.deleted) return [];
  if (command.deliveryFailed) return [place.refused('edit', 'reply_not_delivered')];
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return [place.refused('edit', refusal)];
  const agent = place.agent(masterMessageId);
  return [{ type: 'ReplyEdited', data: { masterId, replyId, target: answer.target, masterMessageId, editedAt, content, agent } }];
}

/** `/delete` replying to an answer written in that place (by any agent); anything else is told why not. */
export function deleteInboxAnswer(command: Command<'DeleteAnswer'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, masterMessageId } = command;
  const place = placeOf(state, masterId, command);
  // Outside a place this master's relay serves (General, an unlinked group, another bot's topic) it is not ours to answer.
  if (!place?.served) return [];
  if (masterMessageId === null) return [place.refused('/delete', 'delete_needs_reply')];
  const answer = place.answer(masterMessageId);
  if (!answer) return [place.refused('/delete', 'not_an_answer')];
  if (answer.deleted) return [place.refused('/delete', 'answer_already_deleted')];
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return [place.refused('/delete', refusal)];
  const agent = place.agent(masterMessageId);
  return [{ type: 'ReplyDeletionRequested', data: { masterId, replyId: answer.replyId, target: answer.target, masterMessageId, agent } }];
}

/**
 * A reaction on a relayed copy in a team group (only a copy of the bot linked to that very group counts) or in the
 * owner's own chat with the bot (only a copy that bot relayed, for a bot of this master's).
 */
export function mirrorInboxReaction(command: Command<'MirrorReaction'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, target, emoji, inGroup, inOwnChat } = command;
  if (inOwnChat) {
    if (target.botId !== inOwnChat.botId || !state.bots.some((b) => b.botId === inOwnChat.botId)) return [];
    return [{ type: 'MasterReacted', data: { masterId, target, emoji, agent: { agentId: masterId, chatId: masterId, ownChat: true } } }];
  }
  if (!inGroup) return [];
  const bot = state.bots.find((b) => b.botId === inGroup.botId);
  if (target.botId !== inGroup.botId || bot?.teamGroupChatId !== inGroup.chatId) return [];
  return [{ type: 'MasterReacted', data: { masterId, target, emoji, agent: { agentId: inGroup.agentId, chatId: inGroup.chatId } } }];
}
