import { Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isSettledFailure, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { reactionRefusal, recordReactionFailure } from './reaction-failure';

type Handled = ConversationEventOf<'CustomerReacted'>;

/**
 * M13: a customer's reaction on an answer appears on the master's answer in the MasterBot chat, set by the
 * MasterBot (`setMessageReaction`) — or, for an agent's answer in a team group (M12), on the agent's message
 * there, set by the client bot (the group's member), where a reaction taken back brings the 👍 marker back. In
 * the master's lane, in order, so a reaction changed twice ends as the last one. Setting a reaction is
 * idempotent: a repeat after a crash shows nothing twice. A refusal is recorded (`ReactionNotMirrored`).
 *
 * The 👍 "answered" marker is the MasterBot's reaction on the *relayed copy*; a mirrored reaction goes on the
 * master's *answer*, a different message, so it never replaces the marker (and the master's own reactions
 * are theirs, beside the bot's).
 */
@Injectable()
export class CustomerReactionReactor implements Reactor<Handled> {
  readonly name = 'customer-reactions';
  readonly handles: TypesOf<Handled> = ['CustomerReacted'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('CustomerReactions');

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly bots: BotApis,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    const { botId, customerId, replyId, emoji } = event.data;
    const state = await this.aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
    // Deliveries recorded before M13 do not say where their answer is: nothing to mirror onto.
    const answer = state.sync.copies.get(replyId)?.answer;
    if (!answer) return;
    // M12: an agent's answer stands in the team group, where the client bot (not the MasterBot) is a member. The
    // bot's reaction there is also the 👍 "answered" marker (a bot sets one): taking a reaction back restores it.
    // M14: the owner's answer in their own chat with the client bot is there too (the chat id is the master's).
    const inGroup = answer.chatId !== event.data.masterId || answer.ownChat === true;
    const api = inGroup ? await this.bots.client(botId, event.position) : this.bots.master();
    if (!api) return;
    try {
      await api.setReaction(answer.chatId, answer.messageId, inGroup ? (emoji ?? '👍') : emoji);
    } catch (error) {
      // The master deleted their answer, or blocked the MasterBot: nothing to retry, but recorded.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`mirroring a reaction to chat ${answer.chatId}: ${error.message}`);
      if (!(error instanceof TelegramApiError)) return;
      const origin = { causationId: event.id, correlationId: event.metadata.correlationId, occurredAt: new Date().toISOString() };
      const failure = { towards: 'inbox' as const, chatId: answer.chatId, messageId: answer.messageId, reason: reactionRefusal(error) };
      await recordReactionFailure(this.aggregates, { botId, customerId, masterId: event.data.masterId }, failure, origin);
    }
  }
}
