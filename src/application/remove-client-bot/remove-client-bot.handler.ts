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

  async execute({ origin, masterId }: RemoveClientBotCommand) {
    const result = await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'RequestRemoveBot', masterId },
      origin,
    );
    await this.verifier.releaseDetached(result.events, masterId, origin);
    return result;
  }
}
