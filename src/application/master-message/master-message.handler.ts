import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { MasterUserState } from '../../domain/master-user/master-user.state';
import { BotTokenVerifier } from '../add-client-bot/bot-token-verifier';
import { AggregateStore } from '../command-handling/aggregate-store';
import { uuidV5 } from '../command-handling/deterministic-id';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { ReplyComposer } from '../reply-to-customer/reply-composer';
import { MasterMessageCommand } from './master-message.command';

/** The key a client bot's greeting is sealed under (it is the master's text, not a customer's). */
export const greetingKeyId = (botId: number): string => `bot-${botId}`;
/** The key a broadcast's content is sealed under: erasing it erases that broadcast's content only. */
export const broadcastKeyId = (broadcastId: string): string => `broadcast-${broadcastId}`;
/** The key for what a master types that is neither a reply nor a greeting: a /qr link parameter, an unknown command's name. */
export const masterKeyId = (masterId: number): string => `master-${masterId}`;

/**
 * A message to the MasterBot that is neither a command nor a reply. What it means depends on the
 * master's state: a bot token while adding a bot, an answer after pressing "Reply", a greeting or a
 * broadcast after choosing the bot for one, otherwise nothing.
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

  async execute({ origin, masterId, messageId, content }: MasterMessageCommand) {
    let claimed: number | null = null;
    const text = content?.kind === 'text' ? content.text : null;
    const result = await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      async (state: MasterUserState): Promise<MasterUserCommand> => {
        if (!state.registered) return { type: 'PlainMessage', masterId, messageId };
        switch (state.fsm) {
          case 'AwaitingBotToken': {
            if (text === null) return { type: 'PlainMessage', masterId, messageId };
            const verdict = await this.verifier.verify(masterId, text, origin);
            claimed = verdict.valid && !state.bots.some((b) => b.botId === verdict.botId && b.status !== 'broken') ? verdict.botId : null;
            return { type: 'SubmitBotToken', masterId, messageId, verdict, limits: this.settings.planLimits };
          }
          case 'Responding':
            if (!state.respondingTo) break;
            return this.composer.compose(origin, masterId, messageId, state.respondingTo, content);
          case 'AwaitingGreeting':
            if (!state.chosenBot) break;
            return {
              type: 'SetGreeting',
              masterId,
              greeting: text === null ? null : await this.vault.seal(greetingKeyId(state.chosenBot.botId), { text }),
              length: text?.length ?? 0,
            };
          case 'Main':
          case 'ChoosingBot':
            break; // a plain message: nothing is being asked for (a picker waits for a button)
          case 'AwaitingBroadcast': {
            const broadcastId = uuidV5(`broadcast|${origin.causationId}`);
            return {
              type: 'SubmitBroadcast',
              masterId,
              broadcastId,
              content: content === null ? null : await this.vault.seal(broadcastKeyId(broadcastId), { content }),
            };
          }
        }
        return { type: 'PlainMessage', masterId, messageId };
      },
      origin,
    );
    // The bot was claimed for this master but the decision refused it (e.g. the plan's limit): give it back.
    if (claimed !== null && !result.duplicate && !result.events.some((e) => e.type === 'ClientBotAttached')) {
      await this.verifier.release(claimed, masterId, origin);
    }
    return result;
  }
}
