import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { BannedInOwnChat, BannedInTopic, conversationStreamId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, RejectionReason } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { RelayedCopyTargets } from '../shared/relayed-copy-targets';
import { BanCustomerCommand, UnbanCustomerCommand } from './ban-customer.command';
import { receivedMessage } from '../customer-message/conversation-reads';

type Profile = { firstName: string; lastName?: string; username?: string };

/** "Bob Smith (@bob)": how /banned names a customer, from their last message's sealed profile. */
function displayName(profile: Profile | undefined, customerId: number): string {
  if (!profile) return `customer ${customerId}`;
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  return profile.username ? `${name} (@${profile.username})` : name;
}

async function refuse(aggregates: AggregateStore, masterId: number, command: string, reason: RejectionReason, origin: CommandOrigin) {
  return aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'Refuse', masterId, command, reason }, origin);
}

/**
 * M6/C4: a ban is recorded on the customer's conversation, so the intake of their next message (which
 * decides on that stream anyway) drops it without reading anything else. The relayed message is found
 * in this master's chat only: a master can never ban another tenant's customer.
 */
@CommandHandler(BanCustomerCommand)
export class BanCustomerHandler implements ICommandHandler<BanCustomerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly targets: RelayedCopyTargets,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, masterId, relayedMessageId, relayedFrom }: BanCustomerCommand) {
    if (relayedMessageId === null) return refuse(this.aggregates, masterId, '/ban', 'ban_needs_reply', origin);
    const target = await this.targets.find(masterId, relayedMessageId, relayedFrom);
    if (!target) return refuse(this.aggregates, masterId, '/ban', 'reply_target_unknown', origin);
    return banCustomer(this.aggregates, this.vault, { masterId, ...target }, origin);
  }
}

/**
 * The ban itself, wherever it was typed (M6 in the MasterBot chat, M12 in the customer's topic: `topic`): the
 * customer is named in it (sealed) from their last message, so `/banned` can list them.
 */
export async function banCustomer(
  aggregates: AggregateStore,
  vault: ContentVault,
  target: { masterId: number; botId: number; customerId: number; conversationId: string },
  origin: CommandOrigin,
  topic?: BannedInTopic,
  inOwnChat?: BannedInOwnChat,
) {
  const { masterId, botId, customerId } = target;
  const stream = conversationStreamId(botId, customerId);
  const state = await aggregates.current(stream, conversationDecider);
  const last = (await receivedMessage(aggregates, stream, state, 'last'))?.data;
  const opened = last ? vault.open<{ customer?: Profile }>(last.content) : null;
  const name = await vault.seal(target.conversationId, { name: displayName(opened?.customer, customerId) });
  return aggregates.handle(
    stream,
    conversationDecider,
    { type: 'Ban', botId, customerId, masterId, name, ...(topic ? { topic } : {}), ...(inOwnChat ? { inOwnChat } : {}) },
    origin,
  );
}

@CommandHandler(UnbanCustomerCommand)
export class UnbanCustomerHandler implements ICommandHandler<UnbanCustomerCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, masterId, botId, customerId }: UnbanCustomerCommand) {
    // The button's data came from Telegram: only the bot's owner may lift a ban on its customers.
    const bot = await this.directory.get(botId);
    if (!bot || bot.masterId !== masterId || bot.status !== 'attached') {
      return refuse(this.aggregates, masterId, 'unban button', 'bot_not_attached', origin);
    }
    return this.aggregates.handle(
      conversationStreamId(botId, customerId),
      conversationDecider,
      { type: 'Unban', botId, customerId, masterId },
      origin,
    );
  }
}
