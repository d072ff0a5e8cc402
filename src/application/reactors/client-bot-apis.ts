import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_CIPHER, TokenCipher } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../ports/read-models.port';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { BotApi, TELEGRAM, TelegramPort } from '../ports/telegram.port';

/** Bot API handles for the MasterBot and for client bots (tokens decrypted only here, only in memory). */
@Injectable()
export class BotApis {
  constructor(
    @Inject(TELEGRAM) private readonly telegram: TelegramPort,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {}

  master(): BotApi {
    return this.telegram.bot(this.settings.masterBotToken);
  }

  /** The bot as already read (a listed record): no lookup, no fold of its history. */
  clientOf(bot: Pick<ClientBotRecord, 'encryptedToken'>): BotApi {
    return this.telegram.bot(this.cipher.decrypt(bot.encryptedToken));
  }

  /** null when the bot is unknown. Detached bots are still returned (to unregister their webhook). */
  async client(botId: number, atLeast?: bigint): Promise<BotApi | null> {
    const bot = await this.directory.get(botId, atLeast);
    return bot ? this.clientOf(bot) : null;
  }
}
