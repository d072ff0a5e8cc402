import { BadRequestException, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { TOKEN_CIPHER, TokenCipher } from '../../application/ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../../application/ports/read-models.port';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Compares secrets in constant time (hashing first makes the lengths equal, as timingSafeEqual needs). */
export function secretsMatch(given: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** Which webhook a request is for: the MasterBot's, or a client bot's by the id in its path (unchecked text). */
export type WebhookTarget = { kind: 'master' } | { kind: 'client'; rawBotId: string };

/** Let in: the master's webhook, or a known client bot's (with its directory record, attached or not). */
export type Admitted = { kind: 'master' } | { kind: 'client'; botId: number; bot: ClientBotRecord };

/**
 * Who may post to a webhook, decided from the path and the secret header alone — never from the body, so
 * it runs before the body is read (see WebhookGate). 400 for a bot id that is not one, 401 for a wrong or
 * missing secret (each bot has its own), 404 for a bot that is not attached here; thrown as Nest exceptions.
 */
@Injectable()
export class WebhookAdmission {
  constructor(
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async admit(target: WebhookTarget, secret: string | undefined): Promise<Admitted> {
    if (target.kind === 'master') {
      if (!secretsMatch(secret, this.cipher.webhookSecret('master'))) throw new UnauthorizedException('wrong or missing secret token');
      return { kind: 'master' };
    }
    const { rawBotId } = target;
    if (!/^\d{1,15}$/.test(rawBotId)) throw new BadRequestException('botId must be a number');
    // The secret first: only Telegram (who holds it) learns whether a bot id is known here.
    if (!secretsMatch(secret, this.cipher.webhookSecret(rawBotId))) throw new UnauthorizedException('wrong or missing secret token');
    const botId = Number(rawBotId);
    const bot = await this.directory.get(botId);
    if (!bot) throw new NotFoundException(`unknown client bot ${botId}`);
    return { kind: 'client', botId, bot };
  }
}
