import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { GroupMigratedCommand, TeamGroupAccessCommand, TeamGroupHelpCommand } from './team-group.commands';

/**
 * M12: the bot was removed from a group, demoted, or promoted again. Decided on its master's stream, where only
 * the group the bot is linked to counts (see `updateTeamGroupAccess`): the link is marked lost or restored once.
 */
@CommandHandler(TeamGroupAccessCommand)
export class TeamGroupAccessHandler implements ICommandHandler<TeamGroupAccessCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, loss }: TeamGroupAccessCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.teamGroupChatId !== chatId) return null;
    return this.aggregates.handle(
      masterStreamId(bot.masterId),
      masterUserDecider,
      { type: 'UpdateTeamGroupAccess', masterId: bot.masterId, botId, chatId, loss },
      origin,
    );
  }
}

/** M12: the bot's linked group became a supergroup: the link follows it to the new id (see `followGroupMigration`). */
@CommandHandler(GroupMigratedCommand)
export class GroupMigratedHandler implements ICommandHandler<GroupMigratedCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, fromChatId, toChatId }: GroupMigratedCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.teamGroupChatId !== fromChatId) return null;
    return this.aggregates.handle(
      masterStreamId(bot.masterId),
      masterUserDecider,
      { type: 'FollowGroupMigration', masterId: bot.masterId, botId, fromChatId, toChatId },
      origin,
    );
  }
}

/** M12: `/help` in the bot's linked group; decided on its master's stream (the reactor posts the text). */
@CommandHandler(TeamGroupHelpCommand)
export class TeamGroupHelpHandler implements ICommandHandler<TeamGroupHelpCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, threadId }: TeamGroupHelpCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.teamGroupChatId !== chatId) return null;
    return this.aggregates.handle(
      masterStreamId(bot.masterId),
      masterUserDecider,
      { type: 'ShowTeamGroupHelp', masterId: bot.masterId, botId, chatId, threadId },
      origin,
    );
  }
}
