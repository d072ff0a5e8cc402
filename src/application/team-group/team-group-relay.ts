import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, TeamGroupLossReason } from '../../domain/master-user/master-user.events';
import { topicOfCustomer } from '../../domain/master-user/master-user.state';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { customerLabel, RelayContent } from '../media/relay-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../ports/read-models.port';
import { BotApi, isTelegramRefusal, PossiblySentError, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { recordRelayFailure, startClientBotRelay, type RelayJob } from '../reactors/relay-job';
import { teamGroupTexts } from './team-group.texts';
import { firstEvent } from '../customer-message/conversation-reads';

/** Telegram's answer for a topic that was deleted (by hand, or never existed). */
const isThreadGone = (error: unknown): boolean =>
  error instanceof TelegramApiError && error.code === 400 && /message thread not found/i.test(error.description);

/** Telegram's refusal to post into a closed topic (a bot without "Manage topics"; see the fake's README). */
const isTopicClosed = (error: unknown): boolean =>
  error instanceof TelegramApiError && error.code === 400 && /TOPIC_CLOSED/i.test(error.description);

/** A refusal that says the bot cannot use the group at all (not one message's problem), and why. */
function teamGroupLossOf(error: TelegramApiError): TeamGroupLossReason | null {
  if (error.code === 403 || /chat not found/i.test(error.description)) return 'bot_removed';
  if (/not enough rights|CHAT_ADMIN_REQUIRED/i.test(error.description)) return 'missing_rights';
  if (/not a forum/i.test(error.description)) return 'topics_off';
  return null;
}

/**
 * M12: the relay of a bot in team-group mode. The client bot itself posts into the group (not the MasterBot:
 * see docs/architecture.md, "Team group"): the customer's first message opens a topic named after them and
 * the bot (`CustomerTopicOpened` on the master's stream), a customer card, then the message, copied by the
 * bot that received it (its file ids are valid there, nothing is downloaded). Later messages go to the same
 * topic; a closed one is reopened first (closed with /close or by hand: the customer writing again reopens the
 * conversation), and so is one Telegram refuses to post into (TOPIC_CLOSED: a close the bot did not hear of).
 * A topic deleted by hand ("message thread not found") is opened again, with a line saying so, and
 * the message goes there; a group that refuses the bot altogether (removed, rights taken away) sends the
 * message to the MasterBot chat instead, with a line saying why: the relay is not lost.
 *
 * WARNING: a crash between creating a topic and recording it leaves an empty topic behind (the repeat opens
 * another); Telegram has no idempotency key for createForumTopic.
 */
@Injectable()
export class TeamGroupRelay {
  private readonly logger = new Logger('TeamGroupRelay');

  constructor(
    readonly aggregates: AggregateStore,
    readonly bots: BotApis,
    @Inject(CONTENT_VAULT) readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) readonly directory: BotDirectory,
  ) {}

  /**
   * 'done' when the relay has its outcome (relayed, or a failure recorded); 'lost' when the group refused the bot
   * itself (403: removed from it; 400: rights or topics gone), now recorded on the link (`TeamGroupLost`, the
   * master is told once); 'refused' for any other refusal (a message Telegram would not copy…). On both the
   * caller relays to the MasterBot chat instead.
   */
  async relay(job: RelayJob, chatId: number): Promise<'done' | 'refused' | 'lost'> {
    const { botId, customerId, masterId, messageId } = job.data;
    const start = await startClientBotRelay(this, job);
    if (start === 'done') return 'done';
    const { content, bot, api } = start;
    try {
      const master = await this.aggregates.current(masterStreamId(masterId), masterUserDecider);
      const known = master.topics[topicOfCustomer(botId, customerId)];
      const current = known?.chatId === chatId ? known : null;
      let threadId = current ? current.threadId : await this.openTopic(job, api, chatId, content, bot.username);
      // A closed conversation opens again when the customer writes (closed with /close, or by hand).
      if (current?.closed) await this.reopen(job, api, chatId, threadId);
      let copy: number;
      try {
        copy = await this.post(job, api, chatId, threadId, content);
      } catch (error) {
        if (isTopicClosed(error)) {
          // Closed by hand without the bot hearing of it, and the bot may not post into closed topics.
          await this.reopen(job, api, chatId, threadId);
        } else if (isThreadGone(error)) {
          threadId = await this.openTopic(job, api, chatId, content, bot.username, threadId);
        } else throw error;
        copy = await this.post(job, api, chatId, threadId, content);
      }
      await this.aggregates.handle(
        job.stream,
        conversationDecider,
        { type: 'RecordTopicRelay', botId, customerId, masterId, messageId, chatId, threadId, relayedMessageId: copy },
        job.origin,
      );
      return 'done';
    } catch (error) {
      if (error instanceof PossiblySentError) return this.recordFailure(job, 'possibly_sent');
      if (!isTelegramRefusal(error)) throw error;
      const movedTo = error.migrateToChatId;
      if (movedTo !== undefined && movedTo !== chatId) return this.followMigration(job, chatId, movedTo);
      this.logger.warn(`relay into team group ${chatId} of bot ${botId} refused, relayed to the MasterBot chat: ${error.message}`);
      const loss = teamGroupLossOf(error);
      if (!loss) return 'refused';
      await this.aggregates.handle(
        masterStreamId(masterId),
        masterUserDecider,
        { type: 'UpdateTeamGroupAccess', masterId, botId, chatId, loss },
        { ...job.origin, causationId: `${job.origin.causationId}:team-group-lost` },
      );
      return 'lost';
    }
  }

  /**
   * Text is sent as text (from the sealed content: the customer may have deleted their message since); any other
   * kind is copied by the bot that received it (`copyMessage`: its file ids are valid there, nothing is moved).
   * A copy of a message the customer deleted is refused: that relay then goes to the MasterBot chat (see `relay`).
   */
  private async post(job: RelayJob, api: BotApi, chatId: number, threadId: number, content: RelayContent): Promise<number> {
    const { customerId, messageId } = job.data;
    if (content.content.kind === 'text') return (await api.sendText(chatId, content.content.text, { threadId })).messageId;
    return (await api.copyMessage(chatId, customerId, messageId, { threadId })).messageId;
  }

  /**
   * Telegram answered that the group is now a supergroup with another id: the link moves there
   * (`TeamGroupMoved`, once), and this relay goes there. Later relays read the new id from the bot's record.
   */
  private async followMigration(job: RelayJob, fromChatId: number, toChatId: number): Promise<'done' | 'refused' | 'lost'> {
    const { botId, masterId } = job.data;
    await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'FollowGroupMigration', masterId, botId, fromChatId, toChatId },
      { ...job.origin, causationId: `${job.origin.causationId}:moved-to-${toChatId}` },
    );
    return this.relay(job, toChatId);
  }

  /**
   * Reopens the customer's topic in Telegram (already open: fine), then records it on the master's stream
   * (nothing is recorded when the conversation was not marked closed). A bot that may neither manage topics nor
   * created this one is refused: the relay then goes to the MasterBot chat, as for any refusal.
   */
  private async reopen(job: RelayJob, api: BotApi, chatId: number, threadId: number): Promise<void> {
    const { botId, customerId, masterId } = job.data;
    await api.reopenForumTopic(chatId, threadId).catch((error: unknown) => {
      if (!(error instanceof TelegramApiError && /TOPIC_NOT_MODIFIED/i.test(error.description))) throw error;
    });
    await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'MarkConversation', masterId, botId, chatId, threadId, by: customerId, closed: false, how: 'customer_wrote' },
      { ...job.origin, causationId: `${job.origin.causationId}:reopen-${threadId}` },
    );
  }

  private async openTopic(
    job: RelayJob,
    api: BotApi,
    chatId: number,
    content: RelayContent,
    botUsername: string,
    replacesThreadId?: number,
  ): Promise<number> {
    const { botId, customerId, masterId } = job.data;
    const { threadId } = await api.createForumTopic(chatId, teamGroupTexts.topicName(customerLabel(content.customer), botUsername));
    const step = replacesThreadId === undefined ? 'topic' : `topic-after-${replacesThreadId}`;
    const origin: CommandOrigin = { ...job.origin, causationId: `${job.origin.causationId}:${step}` };
    await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'RecordCustomerTopic', masterId, botId, customerId, chatId, threadId, ...(replacesThreadId ? { replacesThreadId } : {}) },
      origin,
    );
    await api.sendText(chatId, await this.card(job, content, botUsername, replacesThreadId !== undefined), { threadId });
    return threadId;
  }

  private async card(job: RelayJob, content: RelayContent, botUsername: string, replacesDeletedTopic: boolean): Promise<string> {
    const state = await this.aggregates.current(job.stream, conversationDecider);
    // Read at once: the fold moves on after an await.
    const { size: messages } = state.received;
    const { delivered: answers, banned } = state;
    const first = (await firstEvent(this.aggregates, job.stream))?.recordedAt ?? new Date();
    return teamGroupTexts.card({
      name: [content.customer.firstName, content.customer.lastName].filter(Boolean).join(' '),
      username: content.customer.username,
      ...(content.customer.languageCode ? { language: content.customer.languageCode } : {}),
      botUsername,
      firstSeen: `${first.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      messages,
      answers,
      banned,
      replacesDeletedTopic,
    });
  }

  private async recordFailure(job: RelayJob, reason: string): Promise<'done'> {
    await recordRelayFailure(this.aggregates, job, reason);
    return 'done';
  }
}

/**
 * The team group a bot relays into, or null: not linked, switched to another inbox (M14: the link is kept, but
 * relays go elsewhere), or lost — a group the bot was removed from (or lost its rights in) is not tried again until
 * it is back. From the bot's record, which the relay reads anyway.
 */
export function teamGroupOf(bot: ClientBotRecord | null): number | null {
  if (bot?.inbox !== 'team_group') return null;
  return bot.teamGroupChatId !== undefined && !bot.teamGroupLost ? bot.teamGroupChatId : null;
}
