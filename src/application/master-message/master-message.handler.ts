import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { MasterUserState } from '../../domain/master-user/master-user.state';
import { BotTokenVerifier } from '../add-client-bot/bot-token-verifier';
import { AggregateStore } from '../command-handling/aggregate-store';
import { Inject } from '@nestjs/common';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { ReplyComposer } from '../reply-to-customer/reply-composer';
import { MasterMessageCommand } from './master-message.command';

@CommandHandler(MasterMessageCommand)
export class MasterMessageHandler implements ICommandHandler<MasterMessageCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly verifier: BotTokenVerifier,
    private readonly composer: ReplyComposer,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {}

  async execute({ origin, masterId, messageId, text }: MasterMessageCommand) {
    let claimed: number | null = null;
    const result = await this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      async (state: MasterUserState): Promise<MasterUserCommand> => {
        if (state.registered && state.fsm === 'AwaitingBotToken' && text !== null) {
          const verdict = await this.verifier.verify(masterId, text, origin);
          claimed = verdict.valid && !state.bots.some((b) => b.botId === verdict.botId) ? verdict.botId : null;
          return { type: 'SubmitBotToken', masterId, messageId, verdict, botLimit: this.settings.botLimit };
        }
        if (state.registered && state.fsm === 'Responding' && state.respondingTo) {
          return this.composer.compose(origin, masterId, messageId, state.respondingTo, text);
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
