import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isSettledFailure, isTelegramRefusal, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { teamGroupTexts } from './team-group.texts';
import { bannedName } from '../customer-message/conversation-reads';

type AnswerOutcome = ConversationEventOf<'ReplyEditFailed' | 'ReplyDeleted' | 'ReplyDeletionFailed'>;
type Handled =
  | MasterUserEventOf<
      'ConversationClosed' | 'ConversationReopened' | 'TeamGroupLost' | 'TeamGroupRestored' | 'TopicCommandRefused' | 'TeamGroupHelpShown'
    >
  | ConversationEventOf<'CustomerBanned' | 'CustomerUnbanned'>
  | AnswerOutcome;

/** Closing a closed topic (or reopening an open one): it already is what we wanted. */
const isUnchanged = (error: unknown): boolean => error instanceof TelegramApiError && /TOPIC_NOT_MODIFIED/i.test(error.description);

/**
 * M12: what the team group sees of `/close`, `/reopen`, `/ban` and `/unban` typed in a customer's topic: the topic closed
 * or reopened in Telegram (by the client bot, which is an administrator allowed to manage topics) and a line in
 * the topic saying so. What happened by hand (a member closed the topic in Telegram) or by the relay (the
 * customer wrote again) is already visible there: nothing to do.
 *
 * The line is posted before closing (members without "Manage topics" could not read a reply in a closed
 * topic otherwise, and the bot keeps the right to post in it) and after reopening.
 * It also tells the master, in the MasterBot chat, once when the bot can no longer relay into its team group
 * (with what to do) and once when it is back; and (M13) the agents, in the topic, what became of an agent's
 * edit or `/delete` when it did not simply work, and why a command typed there was refused.
 *
 * WARNING: at-least-once, like every notice: a crash in flight may repeat the line; a refusal (the bot removed,
 * the topic deleted) is logged and dropped, the recorded state stands.
 */
@Injectable()
export class TeamGroupReactor implements Reactor<Handled> {
  readonly name = 'team-group';
  readonly handles: TypesOf<Handled> = [
    'ConversationClosed',
    'ConversationReopened',
    'CustomerBanned',
    'TeamGroupLost',
    'TeamGroupRestored',
    'TopicCommandRefused',
    'TeamGroupHelpShown',
    'CustomerUnbanned',
    'ReplyEditFailed',
    'ReplyDeleted',
    'ReplyDeletionFailed',
  ];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('TeamGroup');

  constructor(
    private readonly bots: BotApis,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    private readonly aggregates: AggregateStore,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    try {
      await this.act(event);
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${event.type} in the team group of bot ${event.data.botId}: ${error.message}`);
    }
  }

  private async act(event: RecordedEvent<Handled>): Promise<void> {
    if (event.type === 'CustomerBanned' || event.type === 'CustomerUnbanned') return this.banInTopic(event);
    if (event.type === 'ReplyEditFailed' || event.type === 'ReplyDeleted' || event.type === 'ReplyDeletionFailed') {
      return this.answerOutcome(event);
    }
    if (event.type === 'TeamGroupHelpShown') {
      const { botId, chatId, threadId } = event.data;
      const api = await this.bots.client(botId, event.position);
      await api?.sendText(chatId, teamGroupTexts.help(), { threadId });
      return;
    }
    if (event.type === 'TopicCommandRefused') {
      const { botId, chatId, threadId, command, reason } = event.data;
      const api = await this.bots.client(botId, event.position);
      await api?.sendText(chatId, teamGroupTexts.refused(command, reason), { threadId });
      return;
    }
    if (event.type === 'TeamGroupLost' || event.type === 'TeamGroupRestored') {
      const { masterId, username } = event.data;
      const text = event.type === 'TeamGroupLost' ? teamGroupTexts.lost(username, event.data.reason) : teamGroupTexts.restored(username);
      await this.bots.master().sendText(masterId, text);
      return;
    }
    if (event.type !== 'ConversationClosed' && event.type !== 'ConversationReopened') return;
    if (event.data.how !== 'command') return;
    const { botId, chatId, threadId } = event.data;
    const api = await this.bots.client(botId, event.position);
    if (!api) return;
    if (event.type === 'ConversationClosed') {
      await api.sendText(chatId, teamGroupTexts.closed, { threadId });
      await settle(api.closeForumTopic(chatId, threadId));
    } else {
      await settle(api.reopenForumTopic(chatId, threadId));
      await api.sendText(chatId, teamGroupTexts.reopened, { threadId });
    }
  }

  /** A ban or unban typed in a topic is said there (one from the MasterBot chat is answered there). */
  private async banInTopic(event: RecordedEvent<ConversationEventOf<'CustomerBanned' | 'CustomerUnbanned'>>): Promise<void> {
    const { topic, botId } = event.data;
    if (!topic) return;
    const api = await this.bots.client(botId, event.position);
    const name = await bannedName(this.aggregates, this.vault, event);
    if (event.type === 'CustomerBanned') {
      await api?.sendText(topic.chatId, teamGroupTexts.bannedInTopic(name), { threadId: topic.threadId });
      return;
    }
    await api?.sendText(topic.chatId, teamGroupTexts.unbannedInTopic(name), { threadId: topic.threadId });
  }

  /**
   * M13: what became of an agent's edit or `/delete`, told briefly in the topic, replying to their answer. An
   * answer of the MasterBot chat is the master-notifier's to tell.
   */
  private async answerOutcome(event: RecordedEvent<AnswerOutcome>): Promise<void> {
    const { botId, customerId, masterId, replyId } = event.data;
    const state = await this.aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
    const answer = state.sync.copies.get(replyId)?.answer;
    if (!answer || answer.chatId === masterId) return;
    const text = outcomeText(event);
    if (!text) return;
    const api = await this.bots.client(botId, event.position);
    await api?.sendText(answer.chatId, text, { threadId: answer.threadId, replyToMessageId: answer.messageId });
  }
}

/** The text told in the topic about what became of an agent's edit or `/delete`; null: nothing to tell. */
function outcomeText(event: RecordedEvent<AnswerOutcome>): string | null {
  if (event.type === 'ReplyDeleted') return teamGroupTexts.deletedForCustomer;
  if (event.type === 'ReplyDeletionFailed') return teamGroupTexts.deletionFailed(event.data.reason);
  return teamGroupTexts.editFailed(event.data.reason);
}

async function settle(call: Promise<void>): Promise<void> {
  await call.catch((error: unknown) => {
    if (!(isTelegramRefusal(error) && isUnchanged(error))) throw error;
  });
}
