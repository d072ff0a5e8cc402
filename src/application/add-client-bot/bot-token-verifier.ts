import { Inject, Injectable } from '@nestjs/common';
import {
  BotOwnedElsewhereError,
  CLAIM_GRACE_MS,
  clientBotRegistryDecider,
  ClientBotRegistryState,
  clientBotRegistryStreamId,
} from '../../domain/client-bot/client-bot-registry';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, MasterUserEvent } from '../../domain/master-user/master-user.events';
import { BotToken } from '../../domain/client-bot/bot-token';
import { CommandOrigin } from '../../domain/shared/decider';
import { TokenVerdict } from '../../domain/master-user/master-user.commands';
import { AggregateStore } from '../command-handling/aggregate-store';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { TOKEN_CIPHER, TokenCipher } from '../ports/crypto.port';
import { TELEGRAM, TelegramApiError, TelegramPort } from '../ports/telegram.port';

/**
 * Everything M2 checks before a token may be attached, in order: its shape, that it is not the
 * MasterBot's own, that Telegram knows it (`getMe`) as a bot, that no other master owns it (a claim on
 * the bot's registry stream, which serialises concurrent attempts), and — in webhook mode — that its
 * webhook could be registered. Telegram outages are thrown (the update is retried), not turned into
 * a verdict.
 */
@Injectable()
export class BotTokenVerifier {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(TELEGRAM) private readonly telegram: TelegramPort,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {}

  async verify(masterId: number, text: string, origin: CommandOrigin): Promise<TokenVerdict> {
    const token = BotToken.parse(text);
    if (!token) return { valid: false, reason: 'token_malformed' };
    if (token.botId === this.settings.masterBotId) return { valid: false, reason: 'token_is_master_bot' };
    let me;
    try {
      me = await this.telegram.bot(token.reveal()).getMe();
    } catch (error) {
      if (error instanceof TelegramApiError && error.tokenRevoked) return { valid: false, reason: 'token_invalid' };
      throw error;
    }
    if (!me.isBot || me.id !== token.botId) return { valid: false, reason: 'token_not_a_bot' };
    try {
      const botId = me.id;
      const now = new Date().toISOString();
      await this.aggregates.handlePrepared(
        clientBotRegistryStreamId(botId),
        clientBotRegistryDecider,
        {
          // Whether the owner still holds the bot is on the owner's own stream: read once, for the owner seen.
          prepare: async (registry) => ({ ...registry, holds: await this.ownerHolds(registry, botId) }),
          // A different owner than the one looked at has just claimed it (another process, meanwhile): it holds.
          decide: (registry, seen) => {
            const same = registry.owner === seen.owner && registry.claimedAt === seen.claimedAt;
            return { type: 'Claim' as const, botId, masterId, ownerHolds: same ? seen.holds : registry.owner !== null, now };
          },
        },
        registryOrigin(origin, 'claim'),
      );
    } catch (error) {
      if (error instanceof BotOwnedElsewhereError) return { valid: false, reason: 'token_attached_elsewhere' };
      throw error;
    }
    if (this.settings.publicUrl) {
      try {
        await this.telegram
          .bot(token.reveal())
          .setWebhook(`${this.settings.publicUrl}/telegram/client/${me.id}`, this.cipher.webhookSecret(String(me.id)));
      } catch (error) {
        await this.release(me.id, masterId, origin);
        if (error instanceof TelegramApiError) return { valid: false, reason: 'webhook_registration_failed' };
        throw error;
      }
    }
    return { valid: true, botId: me.id, username: me.username, encryptedToken: this.cipher.encrypt(token.reveal()) };
  }

  private async ownerHolds(registry: ClientBotRegistryState, botId: number): Promise<boolean> {
    if (registry.owner === null) return false;
    if (registry.claimedAt && Date.parse(registry.claimedAt) > Date.now() - CLAIM_GRACE_MS) return true;
    const state = await this.aggregates.current(masterStreamId(registry.owner), masterUserDecider);
    return state.bots.some((b) => b.botId === botId);
  }

  /**
   * After a detach, the bot is free for any master again. (Its webhook is deleted by the master
   * notifier reacting to ClientBotDetached.)
   */
  async releaseDetached(events: MasterUserEvent[], masterId: number, origin: CommandOrigin): Promise<void> {
    for (const event of events) {
      if (event.type === 'ClientBotDetached') await this.release(event.data.botId, masterId, origin);
    }
  }

  /** Gives a claimed bot back (the attach was refused after the claim, or the bot was removed). */
  async release(botId: number, masterId: number, origin: CommandOrigin): Promise<void> {
    await this.aggregates.handle(
      clientBotRegistryStreamId(botId),
      clientBotRegistryDecider,
      { type: 'Release', botId, masterId },
      registryOrigin(origin, 'release'),
    );
  }
}

/**
 * Registry streams are written on behalf of many masters, whose update ids interleave: the per-stream
 * "already recorded" check on update ids does not apply there; deterministic event ids still make a
 * retried claim or release idempotent.
 */
function registryOrigin(origin: CommandOrigin, step: string): CommandOrigin {
  return { ...origin, causationId: `${origin.causationId}:${step}`, updateId: undefined, updateSource: undefined };
}
