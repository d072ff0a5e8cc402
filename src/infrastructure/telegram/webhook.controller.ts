import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { TOKEN_CIPHER, TokenCipher } from '../../application/ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../../application/ports/read-models.port';
import { BadUpdateError } from './telegram-update';
import { UpdateRouter } from './update-router';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Compares secrets in constant time (hashing first makes the lengths equal, as timingSafeEqual needs). */
export function secretsMatch(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/**
 * Telegram webhooks. 200 only after the update is durably recorded; a recording failure surfaces as
 * 500 so Telegram retries (it keeps retrying, in order, for up to 24 h). Bad input gets a 4xx and
 * writes nothing.
 */
@Controller('telegram')
export class TelegramWebhookController {
  private readonly logger = new Logger('Webhook');

  constructor(
    private readonly router: UpdateRouter,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  @Post('master')
  @HttpCode(200)
  async master(@Headers(SECRET_HEADER) secret: string | undefined, @Body() body: unknown): Promise<{ ok: true }> {
    if (!secretsMatch(secret, this.cipher.webhookSecret('master'))) throw new UnauthorizedException('wrong or missing secret token');
    await this.record(() => this.router.record({ kind: 'master' }, body));
    return { ok: true };
  }

  @Post('client/:botId')
  @HttpCode(200)
  async client(
    @Param('botId') rawBotId: string,
    @Headers(SECRET_HEADER) secret: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    if (!/^\d{1,15}$/.test(rawBotId)) throw new BadRequestException('botId must be a number');
    const botId = Number(rawBotId);
    if (!secretsMatch(secret, this.cipher.webhookSecret(rawBotId))) throw new UnauthorizedException('wrong or missing secret token');
    const bot = await this.directory.get(botId);
    if (!bot) throw new NotFoundException(`unknown client bot ${botId}`);
    // A detached bot's webhook may still fire until Telegram processes deleteWebhook: accept and drop.
    if (bot.status === 'attached') await this.record(() => this.router.record({ kind: 'client', botId }, body));
    return { ok: true };
  }

  private async record(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (error instanceof BadUpdateError) throw new BadRequestException(error.message);
      this.logger.error(`update not recorded, Telegram will retry: ${String(error)}`);
      throw error;
    }
  }
}
