import { CommandOrigin } from '../../domain/shared/decider';
import { TeamGroupLossReason } from '../../domain/master-user/master-user.events';
import { MessageContent } from '../../domain/shared/message-content';
import { TelegramCommand } from '../shared/telegram-origin';

/** M12: `/connect` typed in a group the client bot is in: link that group as the bot's team inbox. */
export class ConnectTeamGroupCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    /** What the message's `chat` says: a supergroup with topics enabled (`is_forum`). */
    readonly isForum: boolean,
    /** Who typed it: only the bot's own master may link it. */
    readonly requestedBy: number,
  ) {
    super(origin);
  }
}

/** M12: a member of the bot's team group wrote in a topic (not a `//` note): the answer to that topic's customer. */
export class AnswerInTopicCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly threadId: number,
    readonly agentId: number,
    readonly messageId: number,
    /** null for kinds that cannot be delivered (a poll, a dice…). */
    readonly content: MessageContent | null,
  ) {
    super(origin);
  }
}

export type TopicAction = 'close' | 'reopen' | 'ban' | 'unban';

/**
 * M12: what a member did to a customer's topic: `/close`, `/reopen`, `/ban`, `/unban` typed in it (`how: 'command'`), or
 * the topic closed or reopened by hand in Telegram (`'by_hand'`, from the service message the bot receives).
 */
export class ManageTopicCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly threadId: number,
    /** Who did it (a member of the group). */
    readonly agentId: number,
    readonly action: TopicAction,
    readonly how: 'command' | 'by_hand',
  ) {
    super(origin);
  }
}

/**
 * M12: Telegram told the bot its membership in a group changed (`my_chat_member`): `loss` null when it may relay
 * there (an administrator allowed to manage topics), else why not.
 */
export class TeamGroupAccessCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly loss: TeamGroupLossReason | null,
  ) {
    super(origin);
  }
}

/** M12: Telegram says a group the bot is in became a supergroup with a new id (the `migrate_…` service messages). */
export class GroupMigratedCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly fromChatId: number,
    readonly toChatId: number,
  ) {
    super(origin);
  }
}

/** M12: the master pressed ✅ Link it / ✖️ No under "link this group?" in the MasterBot chat. */
export class ConfirmTeamGroupCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly botId: number,
    readonly chatId: number,
    readonly accept: boolean,
  ) {
    super(origin);
  }
}

/** The callback data of the confirmation buttons: ids only, well under Telegram's 64 bytes. */
export const teamGroupButton = (botId: number, chatId: number, accept: boolean): string =>
  `team:${botId}:${chatId}:${accept ? 'yes' : 'no'}`;
export const TEAM_GROUP_BUTTON = /^team:(\d+):(-\d+):(yes|no)$/;

/** M12: `/help` typed in a group the client bot is in (in a topic: `threadId`). */
export class TeamGroupHelpCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly threadId: number | null,
  ) {
    super(origin);
  }
}
