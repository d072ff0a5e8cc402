import { Inject, Injectable, Logger } from '@nestjs/common';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { Reactor } from '../reactors/reactor';

/**
 * 401 from Telegram on a client bot's token means it was revoked in @BotFather: the bot is marked
 * broken on its master's stream (`ClientBotBroken`), which stops its polling, tells the master, and
 * makes intake drop its updates — until the master attaches it again with the new token.
 */
@Injectable()
export class ClientBotHealth {
  private readonly logger = new Logger('ClientBotHealth');

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  /** @param cause what saw the 401 (an event id, a poller run): repeated reports of one cause count once. */
  async reportTokenRevoked(botId: number, cause: string): Promise<void> {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.broken) return;
    this.logger.warn(`client bot ${botId}: token revoked; marking it broken`);
    const causationId = `token-revoked:${botId}:${cause}`;
    await this.aggregates.handle(
      masterStreamId(bot.masterId),
      masterUserDecider,
      { type: 'MarkBotBroken', masterId: bot.masterId, botId },
      { causationId, correlationId: causationId, occurredAt: new Date().toISOString() },
    );
  }
}

type DeliveryFailed = ConversationEventOf<'ReplyDeliveryFailed'>;

/** Deliveries that failed on a revoked token mark their bot broken. */
@Injectable()
export class ClientBotHealthReactor implements Reactor<DeliveryFailed> {
  readonly name = 'client-bot-health';
  readonly handles: TypesOf<DeliveryFailed> = ['ReplyDeliveryFailed'];

  constructor(private readonly health: ClientBotHealth) {}

  key(event: RecordedEvent<DeliveryFailed>): string {
    return `bot:${event.data.botId}`;
  }

  async react(event: RecordedEvent<DeliveryFailed>): Promise<void> {
    if (event.data.reason === 'client_bot_token_revoked') await this.health.reportTokenRevoked(event.data.botId, event.id);
  }
}
