import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { InOwnChat, InTopic, MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { ownChatAnswerKey, topicAnswerKey } from '../../domain/master-user/master-user.state';
import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { answerWords } from './answer-words';
import { EditAnswerCommand, EditAnswerInTopicCommand } from './edit-answer.command';

interface Edit {
  masterId: number;
  messageId: number;
  editedAt: number;
  content: MessageContent | null;
  inTopic?: InTopic;
  /** M14: the owner edited a message in their own chat with this client bot. */
  inOwnChat?: InOwnChat;
}

/**
 * M13: an edit of an answer is recorded on the master's stream (`ReplyEdited`), next to the `ReplySent` it
 * amends, so the delivery reactor meets both in one lane, in order: an edit made before the delivery landed
 * is applied after it, and the customer ends up with the final text.
 *
 * The answer is found in the master's own history (never by message id alone across tenants): their answers in
 * the MasterBot chat, or (M12, `inTopic`) their agents' answers in the team group's topics. The I/O (the
 * conversation's delivery outcome, sealing under its key) is done once, and only the pure decision is retried.
 */
export async function recordEdit(aggregates: AggregateStore, vault: ContentVault, edit: Edit, origin: CommandOrigin) {
  const { masterId, messageId, editedAt, content, inTopic, inOwnChat } = edit;
  // Nothing a bot could change on the copy (a live location moving, a sticker): not worth an event.
  if (content === null || answerWords(content) === null) return null;
  return aggregates.handlePrepared(
    masterStreamId(masterId),
    masterUserDecider,
    {
      prepare: async (state): Promise<MasterUserCommand | null> => {
        const key = inTopic ? topicAnswerKey(inTopic.chatId, messageId) : inOwnChat ? ownChatAnswerKey(inOwnChat.botId, messageId) : null;
        const answer = key !== null ? state.topicAnswers.get(key) : state.answers.get(messageId);
        if (!answer) return null; // not an answer: masters and agents edit all sorts of messages
        const { botId, customerId, conversationId } = answer.target;
        const conversation = await aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
        const deliveryFailed = conversation.deliveryOutcomes.has(answer.replyId) && !conversation.sync.copies.has(answer.replyId);
        return {
          type: 'EditAnswer',
          masterId,
          masterMessageId: messageId,
          replyId: answer.replyId,
          editedAt,
          content: await vault.seal(conversationId, { content }),
          deliveryFailed,
          ...(inTopic ? { inTopic } : {}),
          ...(inOwnChat ? { inOwnChat } : {}),
        };
      },
      decide: (_state, command) => command,
    },
    origin,
  );
}

@CommandHandler(EditAnswerCommand)
export class EditAnswerHandler implements ICommandHandler<EditAnswerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  execute({ origin, masterId, messageId, editedAt, content }: EditAnswerCommand) {
    return recordEdit(this.aggregates, this.vault, { masterId, messageId, editedAt, content }, origin);
  }
}

/** M12: decided on the stream of the bot's master (the group is their inbox), whichever agent edited. */
@CommandHandler(EditAnswerInTopicCommand)
export class EditAnswerInTopicHandler implements ICommandHandler<EditAnswerInTopicCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, threadId, agentId, messageId, editedAt, content }: EditAnswerInTopicCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.teamGroupChatId !== chatId) return null;
    const inTopic = { botId, chatId, threadId, agentId };
    return recordEdit(this.aggregates, this.vault, { masterId: bot.masterId, messageId, editedAt, content, inTopic }, origin);
  }
}
