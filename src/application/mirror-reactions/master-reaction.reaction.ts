import { Logger } from '@nestjs/common';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, isSettledFailure } from '../ports/telegram.port';

type Reacted = RecordedEvent<MasterUserEventOf<'MasterReacted'>>;

/**
 * M13: the master's reaction on a relayed copy appears on the customer's original, set by the client bot.
 * Run by the delivery reactor in the customer's lane (after the answers before it); idempotent, so a repeat
 * after a crash changes nothing. A refusal (the customer deleted their message, blocked the bot) is logged
 * and dropped: a reaction is not worth a notice.
 */
export class MasterReactionMirror {
  private readonly logger = new Logger('MasterReactions');

  async apply(event: Reacted, client: BotApi | null): Promise<void> {
    const { target, emoji } = event.data;
    if (!client) return;
    await client.setReaction(target.customerId, target.customerMessageId, emoji).catch((error: unknown) => {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`mirroring a reaction on bot ${target.botId}: ${error.message}`);
    });
  }
}
