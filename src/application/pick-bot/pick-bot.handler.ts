import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { BotTokenVerifier } from '../add-client-bot/bot-token-verifier';
import { AggregateStore } from '../command-handling/aggregate-store';
import { PickBotCommand } from './pick-bot.command';

@CommandHandler(PickBotCommand)
export class PickBotHandler implements ICommandHandler<PickBotCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly verifier: BotTokenVerifier,
  ) {}

  async execute({ origin, masterId, purpose, botId }: PickBotCommand) {
    const result = await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'PickBot', masterId, purpose, botId },
      origin,
    );
    await this.verifier.releaseDetached(result.events, masterId, origin);
    return result;
  }
}
