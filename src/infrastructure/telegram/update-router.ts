import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_SETTINGS, AppSettings } from '../../application/ports/app-settings.port';
import { BotApis } from '../../application/reactors/client-bot-apis';
import { AppMetrics } from '../observability/app-metrics';
import { countPolledUpdate } from '../observability/update-metrics';
import { parseUpdate, TgUpdate } from './telegram-update';
import { translateClientUpdate, translateMasterUpdate } from './update-translator';

export type UpdateSource = { kind: 'master' } | { kind: 'client'; botId: number };

/**
 * One path from a Telegram update to recorded events, shared by webhooks and long polling. It
 * resolves only once the command's events are durably appended (or the update was judged a duplicate
 * or irrelevant); any failure rejects, so the webhook answers 5xx and polling does not confirm the offset.
 */
@Injectable()
export class UpdateRouter {
  private readonly logger = new Logger('Updates');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly bots: BotApis,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    private readonly metrics: AppMetrics,
  ) {}

  /**
   * Without PUBLIC_URL every update arrives by polling and is counted here; with it, webhooks are
   * counted at the HTTP response (see update-metrics.ts), rejections before this router included.
   */
  async record(source: UpdateSource, body: unknown): Promise<void> {
    if (this.settings.publicUrl) return this.recordUpdate(source, body);
    return countPolledUpdate(this.metrics, source.kind, () => this.recordUpdate(source, body));
  }

  private async recordUpdate(source: UpdateSource, body: unknown): Promise<void> {
    const update = parseUpdate(body);
    const command =
      source.kind === 'master' ? translateMasterUpdate(this.settings.masterBotId, update) : translateClientUpdate(source.botId, update);
    if (command) await this.commandBus.execute(command);
    else this.logger.debug(`update ${update.update_id} from ${source.kind} ignored`);
    this.acknowledgeButton(source, update);
  }

  /**
   * Stops the button's spinner. Best effort and not recorded: the button's effect is already durable,
   * and a lost acknowledgement only leaves the spinner to time out.
   */
  private acknowledgeButton(source: UpdateSource, update: TgUpdate): void {
    const query = update.callback_query;
    if (!query) return;
    // M14: a client bot's buttons (the inbox offer, 🚫 Ban in the owner's chat with it) are answered by that bot.
    const api = source.kind === 'master' ? Promise.resolve(this.bots.master()) : this.bots.client(source.botId);
    api.then((bot) => bot?.answerCallback(query.id)).catch((error: unknown) => this.logger.warn(`answerCallbackQuery: ${String(error)}`));
  }
}
