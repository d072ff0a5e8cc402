import { Inject, Injectable } from '@nestjs/common';
import { conversationId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, ReplyTarget } from '../../domain/master-user/master-user.events';
import { MasterUserState, ownTopicOfThread } from '../../domain/master-user/master-user.state';
import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { banCustomer } from '../ban-customer/ban-customer.handler';
import { AggregateStore } from '../command-handling/aggregate-store';
import { recordEdit } from '../edit-answer/edit-answer.handler';
import { PrivatePlace } from '../customer-message/customer-message.command';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { ClientBotRecord } from '../ports/read-models.port';

/** A message starting with this stays in the owner's chat: a note, never sent to a customer (as in a team group). */
const NOTE_PREFIX = '//';
/** What the owner may type to their own bot to see (and change) where its messages arrive. */
const OFFER_WORDS = new Set(['start', 'help', 'inbox']);

/** The owner's edit of one of their messages in their chat with the bot. */
export interface OwnerEdit {
  messageId: number;
  editedAt: number;
  content: MessageContent;
}

/** The words typed: a text's, or a caption's. */
const typedIn = (content: MessageContent): string =>
  content.kind === 'text' ? content.text.trim() : 'caption' in content ? (content.caption?.trim() ?? '') : '';

export interface OwnerMessage {
  messageId: number;
  content: MessageContent;
  place: PrivatePlace;
}

/**
 * M14: what the bot's owner writes to their own client bot (recognised by Telegram user id = the bot's master):
 * never a customer's message. Where the chat is the bot's inbox, a message in a customer's topic, or replying to
 * a relayed copy, answers that customer (`ReplySent` with the owner as the one who answered); `//…` is a note;
 * `/ban` there bans that customer. `/start` (and anything else while the bot relays elsewhere) shows the owner
 * where its messages arrive, with buttons to change it. Every decision is the bot's master's, on their stream.
 */
@Injectable()
export class OwnerMessages {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  /** The owner's /start to their own bot. */
  start(bot: ClientBotRecord, origin: CommandOrigin) {
    return this.offer(bot, origin, true);
  }

  /**
   * The owner edited one of their messages in their chat with the bot: if it is an answer, the customer's copy is
   * edited too (the MasterBot chat's mechanism, `recordEdit`, with the answer found by this bot's message id). An
   * answer edited into a `//` note is left as the customer got it: words marked internal never leave the chat.
   */
  async edit(bot: ClientBotRecord, edit: OwnerEdit, origin: CommandOrigin) {
    if (typedIn(edit.content).startsWith(NOTE_PREFIX)) return null;
    const { masterId, botId } = bot;
    return recordEdit(this.aggregates, this.vault, { masterId, ...edit, inOwnChat: { botId } }, origin);
  }

  async message(bot: ClientBotRecord, message: OwnerMessage, origin: CommandOrigin) {
    const { masterId, botId } = bot;
    const { content } = message;
    const typed = typedIn(content);
    if (typed.startsWith(NOTE_PREFIX)) return null;
    const word = /^\/([a-z]+)(@\w+)?(\s|$)/i.exec(content.kind === 'text' ? typed : '')?.[1].toLowerCase() ?? null;
    if (word !== null && OFFER_WORDS.has(word)) return this.offer(bot, origin, true);
    if (word === 'delete') return this.delete(bot, message.place, origin);
    const stream = masterStreamId(masterId);
    const state = await this.aggregates.current(stream, masterUserDecider);
    const target = targetOf(state, botId, message.place);
    if (word === 'ban') {
      if (!target) return this.refuse(bot, '/ban', 'ban_needs_reply', origin);
      const { threadId } = message.place;
      const inOwnChat = threadId !== null ? { threadId } : {};
      return banCustomer(this.aggregates, this.vault, { masterId, ...target }, origin, undefined, inOwnChat);
    }
    if (word !== null) return this.refuse(bot, 'own chat command', 'unknown_command', origin);
    if (!target) {
      const inbox = state.bots.find((b) => b.botId === botId)?.inbox;
      return inbox === 'bot_chat' ? this.refuse(bot, 'own chat message', 'own_chat_not_a_reply', origin) : this.offer(bot, origin, false);
    }
    const sealed = await this.vault.seal(target.conversationId, { content });
    const { threadId } = message.place;
    const agent = {
      ownChat: true as const,
      agentId: masterId,
      chatId: masterId,
      messageId: message.messageId,
      ...(threadId !== null ? { threadId } : {}),
    };
    return this.aggregates.handle(
      stream,
      masterUserDecider,
      { type: 'AnswerInOwnChat', masterId, replyId: origin.causationId, agent, target, content: sealed },
      origin,
    );
  }

  /** `asked`: /start, /help, /inbox; else a plain message while the bot relays elsewhere (offered once). */
  private offer(bot: ClientBotRecord, origin: CommandOrigin, asked: boolean) {
    const { masterId, botId } = bot;
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'OfferInbox', masterId, botId, asked }, origin);
  }

  /**
   * `/delete` replying to the owner's answer in this chat: the customer's copy is deleted (the MasterBot chat's
   * `DeleteAnswer`, with the answer found by this bot's message id). In a topic, replying to nothing shows as
   * replying to the topic's first message (the bot's): that counts as no reply.
   */
  private delete(bot: ClientBotRecord, place: PrivatePlace, origin: CommandOrigin) {
    const { masterId, botId } = bot;
    const inOwnChat = { botId, ...(place.threadId !== null ? { threadId: place.threadId } : {}) };
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'DeleteAnswer', masterId, masterMessageId: place.repliedToOwn ?? null, inOwnChat },
      origin,
    );
  }

  private refuse(
    bot: ClientBotRecord,
    command: string,
    reason: 'ban_needs_reply' | 'own_chat_not_a_reply' | 'unknown_command',
    origin: CommandOrigin,
  ) {
    const { masterId, botId } = bot;
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'Refuse', masterId, command, reason, inBotChatOf: botId },
      origin,
    );
  }
}

/**
 * The customer an owner's message is for: the one whose topic (opened by this master's relay for this bot) it was
 * written in, else the one named by the bot's own copy it replies to. Never anything from another bot or tenant.
 */
function targetOf(
  state: MasterUserState,
  botId: number,
  place: PrivatePlace,
): (Omit<ReplyTarget, 'relayedMessageId'> & { relayedMessageId: 0 }) | null {
  const topic = place.threadId !== null ? state.ownChatTopics[ownTopicOfThread(botId, place.threadId)] : undefined;
  const customer = topic
    ? { customerId: topic.customerId, customerMessageId: 0 }
    : place.repliedTo?.botId === botId
      ? { customerId: place.repliedTo.customerId, customerMessageId: place.repliedTo.customerMessageId }
      : null;
  if (!customer) return null;
  // The copy's id is one of the owner's chat with the bot, not of the MasterBot chat: not recorded as one.
  return { botId, ...customer, conversationId: conversationId(botId, customer.customerId), relayedMessageId: 0 };
}
