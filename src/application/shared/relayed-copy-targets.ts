import { Inject, Injectable } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationId, conversationStreamId } from '../../domain/conversation/conversation.events';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BOT_DIRECTORY, BotDirectory, REPLY_TARGETS, ReplyTargetLookup } from '../ports/read-models.port';
import { RelayedFrom } from '../reactors/relay-buttons';

/**
 * Which customer message a relayed copy in the master's chat stands for — for a reply to it, its ✍ Reply
 * and its 🚫 Ban. A copy with relay buttons says so itself (`relayedFrom`, see relay-buttons.ts), so every
 * copy is answerable, also one whose message id was never recorded (sent twice across a broken connection
 * or a crash). Copies without them (album items, edit notices, the first release's copies) are found by
 * their message id in this master's chat (REPLY_TARGETS).
 *
 * The buttons come back through Telegram, so they are believed only when the history agrees: the bot is
 * this master's and its conversation with that customer holds that message. A master can never reach
 * another tenant's customer by editing callback data.
 */
@Injectable()
export class RelayedCopyTargets {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(REPLY_TARGETS) private readonly byMessageId: ReplyTargetLookup,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  /** @param copyId the copy's message id in the master's chat (where the reply's reaction goes). */
  async find(masterId: number, copyId: number, relayedFrom: RelayedFrom | null): Promise<ReplyTarget | null> {
    if (!relayedFrom) return this.byMessageId.find(masterId, copyId);
    const { botId, customerId, customerMessageId } = relayedFrom;
    const bot = await this.directory.get(botId);
    if (!bot || bot.masterId !== masterId) return null;
    const conversation = await this.aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
    if (!conversation.received.has(customerMessageId)) return null;
    return { botId, customerId, conversationId: conversationId(botId, customerId), customerMessageId, relayedMessageId: copyId };
  }
}
