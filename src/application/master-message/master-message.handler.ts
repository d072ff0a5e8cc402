import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { MasterUserCommand, TokenVerdict } from '../../domain/master-user/master-user.commands';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { BotTokenVerifier } from '../add-client-bot/bot-token-verifier';
import { AggregateStore } from '../command-handling/aggregate-store';
import { uuidV5 } from '../command-handling/deterministic-id';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { ReplyComposer } from '../reply-to-customer/reply-composer';
import { MasterMessageCommand } from './master-message.command';
import { MessageSituation, sameSituation, situationOf } from './message-situation';

/** The key a client bot's greeting is sealed under (it is the master's text, not a customer's). */
export const greetingKeyId = (botId: number): string => `bot-${botId}`;
/** The key a broadcast's content is sealed under: erasing it erases that broadcast's content only. */
export const broadcastKeyId = (broadcastId: string): string => `broadcast-${broadcastId}`;
/** The key for what a master types that is neither a reply nor a greeting: a /qr link parameter, an unknown command's name. */
export const masterKeyId = (masterId: number): string => `master-${masterId}`;

/**
 * A message to the MasterBot that is neither a command nor a reply. What it means depends on the
 * master's state (see MessageSituation): a bot token while adding a bot, an answer after pressing "Reply",
 * a greeting or a broadcast after choosing the bot for one, otherwise nothing.
 *
 * The message is read once, in the master's turn, with the I/O that takes (a token's verification with
 * Telegram and its claim, sealing); only the pure decision is retried on a version conflict.
 *
 * WARNING: if another process moves the master to another situation between that reading and the append
 * (a second writer on the master's stream — none in a single-instance deployment), the message is decided
 * as a plain one (refused as not expected) rather than read again.
 */
@CommandHandler(MasterMessageCommand)
export class MasterMessageHandler implements ICommandHandler<MasterMessageCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly verifier: BotTokenVerifier,
    private readonly composer: ReplyComposer,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {}

  async execute(message: MasterMessageCommand) {
    const { origin, masterId, messageId, content } = message;
    const text = content?.kind === 'text' ? content.text : null;
    const plain: MasterUserCommand = { type: 'PlainMessage', masterId, messageId };
    const token: { verdict?: TokenVerdict } = {};
    const result = await this.aggregates.handlePrepared(
      masterStreamId(masterId),
      masterUserDecider,
      {
        prepare: async (state) => {
          const situation = situationOf(state, text);
          const command = await this.read(situation, message);
          if (command.type === 'SubmitBotToken') token.verdict = command.verdict;
          return { situation, command };
        },
        decide: (state, read) => (sameSituation(situationOf(state, text), read.situation) ? read.command : plain),
      },
      origin,
    );
    // A bot claimed for this master that the decision did not leave attached (the plan's limit, …): give it back.
    const verdict = token.verdict;
    if (verdict?.valid && !result.duplicate && !result.state.bots.some((b) => b.botId === verdict.botId && b.status !== 'broken')) {
      await this.verifier.release(verdict.botId, masterId, origin);
    }
    return result;
  }

  /** The message as the command its situation makes of it, with the I/O that takes. */
  private async read(
    situation: MessageSituation,
    { origin, masterId, messageId, content }: MasterMessageCommand,
  ): Promise<MasterUserCommand> {
    const text = content?.kind === 'text' ? content.text : null;
    switch (situation.kind) {
      case 'token': {
        const verdict = await this.verifier.verify(masterId, situation.text, origin);
        return { type: 'SubmitBotToken', masterId, messageId, verdict, limits: this.settings.planLimits };
      }
      case 'reply':
        return this.composer.compose(origin, masterId, messageId, situation.target, content);
      case 'greeting': {
        const greeting = text === null ? null : await this.vault.seal(greetingKeyId(situation.botId), { text });
        return { type: 'SetGreeting', masterId, greeting, length: text?.length ?? 0 };
      }
      case 'broadcast': {
        const broadcastId = uuidV5(`broadcast|${origin.causationId}`);
        const sealed = content === null ? null : await this.vault.seal(broadcastKeyId(broadcastId), { content });
        return { type: 'SubmitBroadcast', masterId, broadcastId, content: sealed };
      }
      case 'plain':
        return { type: 'PlainMessage', masterId, messageId };
    }
  }
}
