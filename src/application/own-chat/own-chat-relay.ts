import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { ownTopicOfCustomer } from '../../domain/master-user/master-user.state';
import { AggregateStore } from '../command-handling/aggregate-store';
import { customerLabel, RelayContent } from '../media/relay-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../ports/read-models.port';
import { BotApi, InlineButton, isTelegramRefusal, PossiblySentError, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { recordRelayFailure, startClientBotRelay, type RelayJob } from '../reactors/relay-job';
import { relayButtonData } from '../reactors/relay-buttons';
import { fitTelegramText, TELEGRAM_TEXT_LIMIT, texts } from '../reactors/texts';
import { inboxTexts } from './inbox.texts';
import { firstEvent } from '../customer-message/conversation-reads';

/** How long what getMe said of a bot's topics is trusted: the owner may turn them on or off in @BotFather. */
const TOPICS_KNOWN_FOR_MS = 10 * 60 * 1000;

/** Telegram's answer for a topic that is gone (the owner deleted it in their chat with the bot). */
const isThreadGone = (error: unknown): boolean =>
  error instanceof TelegramApiError && error.code === 400 && /message thread not found/i.test(error.description);

/**
 * M14: the relay of a bot whose inbox is its owner's own chat with it (as in Livegram). The client bot itself
 * posts into the owner's private chat (the chat id is the master's user id), through the same outbound pacing
 * as every call: its own per-bot budget (~30 messages/s) and 1 message/s into that one chat — not the MasterBot's.
 *
 * With topics on for the bot (getMe `has_topics_enabled`, Bot API 9.3) the customer's first message opens a
 * topic named after them (`OwnChatTopicOpened` on the master's stream) with a short card, and the owner answers
 * by writing in it; a topic the owner deleted is opened again. Without topics (or when Telegram refuses to create
 * one) each message comes with a header line and a 🚫 Ban button whose data names the customer: the owner answers
 * with Reply, and the reply is resolved from that button (the bot's own message: nobody else can forge it).
 *
 * A chat the bot may not post into (the owner never pressed Start, or blocked the bot) is no loss: the caller
 * relays to the MasterBot chat instead, with a line saying why.
 *
 * WARNING: a crash between creating a topic and recording it leaves an empty topic behind (as in a team group).
 */
@Injectable()
export class OwnChatRelay {
  private readonly logger = new Logger('OwnChatRelay');
  private readonly topicsOn = new Map<number, { enabled: boolean; at: number }>();

  constructor(
    readonly aggregates: AggregateStore,
    readonly bots: BotApis,
    @Inject(CONTENT_VAULT) readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) readonly directory: BotDirectory,
  ) {}

  /** 'done' when the relay has its outcome (relayed, or a failure recorded); 'refused' when the owner's chat refused it. */
  async relay(job: RelayJob): Promise<'done' | 'refused'> {
    const { botId, customerId, masterId, messageId } = job.data;
    const start = await startClientBotRelay(this, job);
    if (start === 'done') return 'done';
    const { content, bot, api } = start;
    try {
      const master = await this.aggregates.current(masterStreamId(masterId), masterUserDecider);
      const known = master.ownChatTopics[ownTopicOfCustomer(botId, customerId)]?.threadId;
      let threadId: number | undefined = known ?? (await this.openTopic(job, api, bot, content));
      let copy: number;
      try {
        copy = await this.post(job, api, threadId, content);
      } catch (error) {
        if (threadId === undefined || !isThreadGone(error)) throw error;
        threadId = await this.openTopic(job, api, bot, content, threadId);
        copy = await this.post(job, api, threadId, content);
      }
      await this.aggregates.handle(
        job.stream,
        conversationDecider,
        { type: 'RecordOwnChatRelay', botId, customerId, masterId, messageId, relayedMessageId: copy, ...(threadId ? { threadId } : {}) },
        job.origin,
      );
      return 'done';
    } catch (error) {
      if (error instanceof PossiblySentError) return this.recordFailure(job, 'possibly_sent');
      if (!isTelegramRefusal(error)) throw error;
      this.logger.warn(`relay into the owner's chat with bot ${botId} refused, relayed to the MasterBot chat: ${error.message}`);
      return 'refused';
    }
  }

  /**
   * A topic for the customer when the bot has topics on (undefined otherwise: the reply-based chat). Telegram may
   * refuse to create one (topics turned off since, or not allowed for this bot): this message then goes without.
   */
  private async openTopic(job: RelayJob, api: BotApi, bot: ClientBotRecord, content: RelayContent, replaces?: number) {
    if (!(await this.topicsEnabled(bot.botId, api))) return undefined;
    const { botId, customerId, masterId } = job.data;
    let threadId: number;
    try {
      ({ threadId } = await api.createForumTopic(masterId, fitTopicName(customerLabel(content.customer))));
    } catch (error) {
      if (!(error instanceof TelegramApiError && error.code === 400)) throw error;
      this.logger.warn(`no topic for a customer of bot ${botId} in its owner's chat: ${error.description}`);
      this.topicsOn.set(botId, { enabled: false, at: Date.now() });
      return undefined;
    }
    const step = replaces === undefined ? 'own-topic' : `own-topic-after-${replaces}`;
    await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      {
        type: 'RecordOwnChatTopic',
        masterId,
        botId,
        customerId,
        threadId,
        ...(replaces !== undefined ? { replacesThreadId: replaces } : {}),
      },
      { ...job.origin, causationId: `${job.origin.causationId}:${step}` },
    );
    await api.sendText(masterId, await this.card(job, content), { threadId });
    return threadId;
  }

  private async topicsEnabled(botId: number, api: BotApi): Promise<boolean> {
    const known = this.topicsOn.get(botId);
    if (known && Date.now() - known.at < TOPICS_KNOWN_FOR_MS) return known.enabled;
    const enabled = (await api.getMe()).hasTopicsEnabled === true;
    this.topicsOn.set(botId, { enabled, at: Date.now() });
    return enabled;
  }

  /**
   * In a topic: text as text, anything else copied by the bot that received it (its file ids are valid there).
   * Without topics: a header line (who wrote) and the Ban button, whose data names the customer for a Reply.
   * A relay repeated after a crash (`job.repeat`: a copy may already be there) says so, as in the MasterBot chat: in
   * the header, or in a topic (where the customer's words stand bare, to be edited in place) as a line before them.
   */
  private async post(job: RelayJob, api: BotApi, threadId: number | undefined, content: RelayContent): Promise<number> {
    const { botId, customerId, masterId, messageId } = job.data;
    const buttons: InlineButton[][] | undefined =
      threadId === undefined
        ? [[{ text: inboxTexts.banButton, callbackData: relayButtonData('ban', { botId, customerId, customerMessageId: messageId }) }]]
        : undefined;
    const repeated = job.repeat ? texts.media.repeated : null;
    const header =
      threadId === undefined ? [repeated, inboxTexts.header(customerLabel(content.customer))].filter(Boolean).join('\n') : null;
    if (repeated && threadId !== undefined) await api.sendText(masterId, repeated, { threadId });
    const body = content.content;
    if (body.kind === 'text') {
      const text = header ? `${header}\n\n${body.text}` : body.text;
      if (text.length <= TELEGRAM_TEXT_LIMIT) return (await api.sendText(masterId, text, { threadId, buttons })).messageId;
      if (header) await api.sendText(masterId, header, { buttons });
      return (await api.sendText(masterId, fitTelegramText(body.text), { threadId, buttons })).messageId;
    }
    if (header) await api.sendText(masterId, header, { buttons });
    return (await api.copyMessage(masterId, customerId, messageId, { threadId, buttons })).messageId;
  }

  private async card(job: RelayJob, content: RelayContent): Promise<string> {
    const first = (await firstEvent(this.aggregates, job.stream))?.recordedAt ?? new Date();
    const name = [content.customer.firstName, content.customer.lastName].filter(Boolean).join(' ');
    return inboxTexts.card(name, content.customer.username, `${first.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  }

  private async recordFailure(job: RelayJob, reason: string): Promise<'done'> {
    await recordRelayFailure(this.aggregates, job, reason);
    return 'done';
  }
}

/** Telegram's limit on a topic's name is 128 characters. */
function fitTopicName(name: string): string {
  const chars = [...name];
  return chars.length <= 128 ? name : `${chars.slice(0, 127).join('')}…`;
}
