import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/**
 * M13: the master changed their reaction on a message of the MasterBot chat. If it is a relayed copy, the
 * reaction is mirrored on the customer's original by the client bot.
 */
export class MasterReactionCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly messageId: number,
    /** The first standard emoji of the master's new reactions (a bot sets one); null: none left. */
    readonly emoji: string | null,
  ) {
    super(origin);
  }
}

/**
 * M13: a customer changed their reaction on a message of their chat with a client bot. If it is an answer,
 * the reaction is mirrored on the master's answer by the MasterBot.
 */
export class CustomerReactionCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly customerId: number,
    readonly messageId: number,
    readonly emoji: string | null,
  ) {
    super(origin);
  }
}

/**
 * M12/M13: an agent changed their reaction on a message of a team group. If it is the copy of a customer's
 * message relayed there by this bot, the reaction is mirrored on the customer's original by the client bot.
 */
export class AgentReactionCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly botId: number,
    readonly chatId: number,
    readonly agentId: number,
    readonly messageId: number,
    readonly emoji: string | null,
  ) {
    super(origin);
  }
}
