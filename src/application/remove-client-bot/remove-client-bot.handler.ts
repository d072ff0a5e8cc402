import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { BotTokenVerifier } from '../add-client-bot/bot-token-verifier';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RemoveClientBotCommand } from './remove-client-bot.command';

@CommandHandler(RemoveClientBotCommand)
export class RemoveClientBotHandler implements ICommandHandler<RemoveClientBotCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly verifier: BotTokenVerifier,
  ) {}

  async execute({ origin, masterId, botId }: RemoveClientBotCommand) {
    const result = await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      botId === null ? { type: 'RequestRemoveBot', masterId } : { type: 'ChooseBotToRemove', masterId, botId },
      origin,
    );
    // The webhook is deleted by the master notifier reacting to ClientBotDetached; ownership is released here.
    for (const event of result.events) {
      if (event.type === 'ClientBotDetached') await this.verifier.release(event.data.botId, masterId, origin);
    }
    return result;
  }
}
