import { BadRequestException, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { TOKEN_CIPHER, TokenCipher } from '../../application/ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../../application/ports/read-models.port';
import { BoundedMap } from '../../application/shared/bounded-map';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares secrets in constant time (hashing first makes the lengths equal, as timingSafeEqual needs). */
export function secretsMatch(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** Expected secrets kept (any well-formed bot id asked about takes a place: bounded, least recently used out first). */
const EXPECTED_KEPT = 10_000;

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
  /**
   * Each webhook's expected secret (its bytes), by `master` or bot id: derived from the fixed key, so computed
   * once instead of an HMAC on every update.
   */
  private readonly expected = new BoundedMap<string, Buffer>(EXPECTED_KEPT);

  constructor(
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async admit(target: WebhookTarget, secret: string | undefined): Promise<Admitted> {
    if (target.kind === 'master') {
      if (!this.secretMatches(secret, 'master')) throw new UnauthorizedException('wrong or missing secret token');
      return { kind: 'master' };
    }
    const { rawBotId } = target;
    if (!/^\d{1,15}$/.test(rawBotId)) throw new BadRequestException('botId must be a number');
    // The secret first: only Telegram (who holds it) learns whether a bot id is known here.
    if (!this.secretMatches(secret, rawBotId)) throw new UnauthorizedException('wrong or missing secret token');
    const botId = Number(rawBotId);
    const bot = await this.directory.get(botId);
    if (!bot) throw new NotFoundException(`unknown client bot ${botId}`);
    return { kind: 'client', botId, bot };
  }

  /**
   * In constant time over the bytes. Every webhook secret has the same length, the scheme's (a public fact, not a
   * secret), so a given secret of another length is refused at once and no hash is needed to even the lengths
   * out: that was a SHA-256 of the header on every update.
   */
  private secretMatches(given: string | undefined, botRef: string): boolean {
    if (given === undefined) return false;
    let expected = this.expected.get(botRef);
    if (!expected) {
      expected = Buffer.from(this.cipher.webhookSecret(botRef), 'utf8');
      this.expected.set(botRef, expected);
    }
    const bytes = Buffer.from(given, 'utf8');
    return bytes.length === expected.length && timingSafeEqual(bytes, expected);
  }
}
