import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { isTelegramRefusal } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { ConnectTeamGroupCommand } from './team-group.commands';

/**
 * M12: links a team group. The decision is the bot's master's (their stream, whoever typed /connect), so a
 * stranger's attempt is refused and the master hears of it. What Telegram says of the bot's rights is asked
 * once, before deciding (never inside the retried decision).
 */
@CommandHandler(ConnectTeamGroupCommand)
export class ConnectTeamGroupHandler implements ICommandHandler<ConnectTeamGroupCommand> {
  private readonly logger = new Logger('TeamGroup');

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly bots: BotApis,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, isForum, requestedBy }: ConnectTeamGroupCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached') return null;
    const canManageTopics = await this.bots
      .clientOf(bot)
      .getChatMember(chatId, botId)
      .then((member) => member.canManageTopics)
      .catch((error: unknown) => {
        // Kicked or not a member any more: it cannot manage anything there.
        if (!isTelegramRefusal(error)) throw error;
        this.logger.warn(`getChatMember in ${chatId} for bot ${botId}: ${error.message}`);
        return false;
      });
    return this.aggregates.handle(
      masterStreamId(bot.masterId),
      masterUserDecider,
      { type: 'LinkTeamGroup', masterId: bot.masterId, botId, chatId, requestedBy, isForum, canManageTopics },
      origin,
    );
  }
}
