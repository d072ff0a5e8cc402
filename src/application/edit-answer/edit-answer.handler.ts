import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { answerWords } from './answer-words';
import { EditAnswerCommand } from './edit-answer.command';

/**
 * M13: an edit of an answer is recorded on the master's stream (`ReplyEdited`), next to the `ReplySent` it
 * amends, so the delivery reactor meets both in one lane, in order: an edit made before the delivery landed
 * is applied after it, and the customer ends up with the final text.
 *
 * The answer is found in the master's own history (never by message id alone across tenants); the I/O
 * (the conversation's delivery outcome, sealing under its key) is done once, and only the pure decision
 * is retried.
 */
@CommandHandler(EditAnswerCommand)
export class EditAnswerHandler implements ICommandHandler<EditAnswerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, masterId, messageId, editedAt, content }: EditAnswerCommand) {
    // Nothing a bot could change on the copy (a live location moving, a sticker): not worth an event.
    if (content === null || answerWords(content) === null) return null;
    return this.aggregates.handlePrepared(
      masterStreamId(masterId),
      masterUserDecider,
      {
        prepare: async (state): Promise<MasterUserCommand | null> => {
          const answer = state.answers.get(messageId);
          if (!answer) return null; // not an answer: masters edit all sorts of messages
          const { botId, customerId, conversationId } = answer.target;
          const conversation = await this.aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
          const deliveryFailed = conversation.deliveryOutcomes.has(answer.replyId) && !conversation.sync.copies.has(answer.replyId);
          return {
            type: 'EditAnswer',
            masterId,
            masterMessageId: messageId,
            replyId: answer.replyId,
            editedAt,
            content: await this.vault.seal(conversationId, { content }),
            deliveryFailed,
          };
        },
        decide: (_state, command) => command,
      },
      origin,
    );
  }
}
