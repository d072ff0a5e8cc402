import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isTelegramRefusal, PossiblySentError } from '../ports/telegram.port';
import { ContentSender, FileTooBigError } from '../media/content-sender';
import { readReplyContent } from '../media/relay-content';
import { AnswerDeletionReaction } from '../delete-answer/answer-deletion.reaction';
import { AnswerEditReaction } from '../edit-answer/answer-edit.reaction';
import { MasterReactionMirror } from '../mirror-reactions/master-reaction.reaction';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';

type Handled = MasterUserEventOf<'ReplySent' | 'ReplyEdited' | 'ReplyDeletionRequested' | 'MasterReacted'>;

/**
 * M5: delivers each recorded reply (any kind: files go from the MasterBot to the client bot) to its
 * customer through the client bot the customer wrote to, records the outcome on the conversation, and
 * marks the relayed message answered with a reaction. The reply answers the customer's message, and still
 * arrives when the customer has deleted it.
 *
 * M13: what the master later does to an answer (an edit, `/delete`) or to a relayed copy (a reaction) is handled here too, in the same customer lane:
 * lanes order events within one reactor only, so this is what makes an edit recorded before its delivery
 * landed reach the customer after it.
 */
@Injectable()
export class DeliveryReactor implements Reactor<Handled> {
  readonly name = 'delivery';
  readonly handles: TypesOf<Handled> = ['ReplySent', 'ReplyEdited', 'ReplyDeletionRequested', 'MasterReacted'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('Delivery');
  private readonly edits: AnswerEditReaction;
  private readonly deletions: AnswerDeletionReaction;
  private readonly reactions: MasterReactionMirror;

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly bots: BotApis,
    private readonly sender: ContentSender,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {
    this.edits = new AnswerEditReaction(aggregates, vault);
    this.deletions = new AnswerDeletionReaction(aggregates);
    this.reactions = new MasterReactionMirror(aggregates);
  }

  key(event: RecordedEvent<Handled>): string {
    const { target } = event.data;
    return `chat:${target.botId}:${target.customerId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    const origin = { causationId: event.id, correlationId: event.metadata.correlationId, occurredAt: new Date().toISOString() };
    switch (event.type) {
      case 'ReplySent':
        return this.deliver(event);
      case 'ReplyEdited':
        return this.edits.apply(event, await this.bots.client(event.data.target.botId, event.position), origin);
      case 'ReplyDeletionRequested':
        return this.deletions.apply(event, await this.bots.client(event.data.target.botId, event.position), origin);
      case 'MasterReacted':
        return this.reactions.apply(event, await this.bots.client(event.data.target.botId, event.position), origin);
    }
  }

  private async deliver(event: RecordedEvent<MasterUserEventOf<'ReplySent'>>): Promise<void> {
    const { masterId, replyId, target, content, agent } = event.data;
    const stream = conversationStreamId(target.botId, target.customerId);
    const state = await this.aggregates.current(stream, conversationDecider);
    if (state.deliveryOutcomes.has(replyId)) return;

    const origin = { causationId: event.id, correlationId: event.metadata.correlationId, occurredAt: new Date().toISOString() };
    const base = { botId: target.botId, customerId: target.customerId, masterId, replyId };
    const fail = (reason: string) =>
      this.aggregates.handle(stream, conversationDecider, { type: 'RecordDeliveryFailure', ...base, reason }, origin);

    const reply = readReplyContent(this.vault.open(content));
    const api = await this.bots.client(target.botId, event.position);
    if (!reply) return void (await fail('content_erased'));
    if (!api) return void (await fail('client_bot_unknown'));
    try {
      // M12/M14: an answer from a team group or the owner's chat with the bot was written where the client bot reads
      // it: its files are that bot's.
      const from = { botId: agent ? target.botId : ('master' as const) };
      const sent = await this.sender.send(from, { botId: target.botId, chatId: target.customerId }, reply.content, {
        replyToMessageId: target.customerMessageId || undefined,
      });
      await this.aggregates.handle(
        stream,
        conversationDecider,
        {
          type: 'RecordDelivery',
          ...base,
          relayedMessageId: target.relayedMessageId,
          deliveredMessageId: sent.messageId,
          uploaded: sent.uploaded,
          // Where the answer stands in the inbox: the master's message, or the agent's in the customer's topic.
          // M14: or the owner's in their own chat with the client bot (the same chat id as the MasterBot chat's).
          answer: agent
            ? 'ownChat' in agent
              ? {
                  chatId: agent.chatId,
                  messageId: agent.messageId,
                  ownChat: true as const,
                  ...(agent.threadId !== undefined ? { threadId: agent.threadId } : {}),
                }
              : { chatId: agent.chatId, messageId: agent.messageId, threadId: agent.threadId }
            : { chatId: masterId, messageId: event.data.masterMessageId },
        },
        origin,
      );
    } catch (error) {
      if (error instanceof FileTooBigError) return void (await fail('file_too_big'));
      // The connection broke after the reply went out, twice: it may have arrived; repeating could show a third copy.
      if (error instanceof PossiblySentError) return void (await fail('possibly_sent'));
      if (!isTelegramRefusal(error)) throw error;
      this.logger.warn(`delivery on bot ${target.botId} failed: ${error.message}`);
      await fail(error.blockedByUser ? 'customer_blocked_bot' : error.tokenRevoked ? 'client_bot_token_revoked' : `telegram_${error.code}`);
      return;
    }
    // Marked answered where it was answered: the relayed copy in the master's chat, or the agent's (owner's) message.
    const marked = agent
      ? api.setReaction(agent.chatId, agent.messageId, '👍')
      : this.bots.master().setReaction(masterId, target.relayedMessageId, '👍');
    await marked.catch((error: unknown) => this.logger.warn(`could not mark message answered: ${String(error)}`));
  }
}
