import { Logger } from '@nestjs/common';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, isSettledFailure, TelegramApiError } from '../ports/telegram.port';
import { reactionRefusal, recordReactionFailure } from './reaction-failure';

type Reacted = RecordedEvent<MasterUserEventOf<'MasterReacted'>>;

/**
 * M13: the master's reaction on a relayed copy (or, M12, an agent's on the copy in the customer's topic) appears
 * on the customer's original, set by the client bot. Run by the delivery reactor in the customer's lane (after
 * the answers before it); idempotent, so a repeat after a crash changes nothing. A refusal (the customer
 * deleted their message, blocked the bot) is recorded (`ReactionNotMirrored`), not retried, not told.
 */
export class MasterReactionMirror {
  private readonly logger = new Logger('MasterReactions');

  constructor(private readonly aggregates: AggregateStore) {}

  async apply(event: Reacted, client: BotApi | null, origin: CommandOrigin): Promise<void> {
    const { masterId, target, emoji } = event.data;
    if (!client) return;
    try {
      await client.setReaction(target.customerId, target.customerMessageId, emoji);
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`mirroring a reaction on bot ${target.botId}: ${error.message}`);
      if (!(error instanceof TelegramApiError)) return;
      const who = { botId: target.botId, customerId: target.customerId, masterId };
      const failure = { towards: 'customer' as const, chatId: target.customerId, messageId: target.customerMessageId };
      await recordReactionFailure(this.aggregates, who, { ...failure, reason: reactionRefusal(error) }, origin);
    }
  }
}
