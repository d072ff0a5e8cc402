import { Inject, Injectable, Logger } from '@nestjs/common';
import { addClientBotNotice } from '../add-client-bot/add-client-bot.notice';
import { banCustomerNotice } from '../ban-customer/ban-customer.notice';
import { cancelNotice } from '../cancel/cancel.notice';
import { AggregateStore } from '../command-handling/aggregate-store';
import { deleteAnswerNotice } from '../delete-answer/delete-answer.notice';
import { editAnswerNotice } from '../edit-answer/edit-answer.notice';
import { helpNotice } from '../help/help.notice';
import { listBannedNotice } from '../list-banned/list-banned.notice';
import { listBotsNotice } from '../list-bots/list-bots.notice';
import { inboxNotice } from '../own-chat/inbox.notice';
import { pickBotNotice } from '../pick-bot/pick-bot.notice';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BANNED_CUSTOMERS, BannedCustomers, BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { InlineButton, isSettledFailure } from '../ports/telegram.port';
import { refusalsNotice } from '../refusals/refusals.notice';
import { removeClientBotNotice } from '../remove-client-bot/remove-client-bot.notice';
import { replyToCustomerNotice } from '../reply-to-customer/reply-to-customer.notice';
import { setGreetingNotice } from '../set-greeting/set-greeting.notice';
import { MasterNotice, MasterNoticeContext } from '../shared/master-notice';
import { showQrCodeNotice } from '../show-qr-code/show-qr-code.notice';
import { startBroadcastNotice } from '../start-broadcast/start-broadcast.notice';
import { startMasterNotice } from '../start-master/start-master.notice';
import { teamGroupNotice } from '../team-group/team-group.notice';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';

/** A notice about something older than this is no longer useful (e.g. after a long outage): skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Every MasterBot answer, each rendered by its slice (src/application/<intent>/<intent>.notice.ts). An event type
 * several slices handle (`StateChanged`: /add, ✍ Reply, /cancel; `BotChosen`: /greeting, /broadcast) runs them in
 * this order, each saying only its own case.
 */
const SLICE_NOTICES = [
  startMasterNotice,
  helpNotice,
  addClientBotNotice,
  removeClientBotNotice,
  replyToCustomerNotice,
  cancelNotice,
  pickBotNotice,
  listBotsNotice,
  listBannedNotice,
  setGreetingNotice,
  startBroadcastNotice,
  showQrCodeNotice,
  editAnswerNotice,
  deleteAnswerNotice,
  banCustomerNotice,
  teamGroupNotice,
  inboxNotice,
  refusalsNotice,
] as const;
type Handled = (typeof SLICE_NOTICES)[number] extends MasterNotice<infer E> ? E : never;
const NOTICES_OF = new Map<string, MasterNotice<Handled>[]>();
for (const notice of SLICE_NOTICES as readonly MasterNotice<Handled>[]) {
  for (const type of notice.handles) NOTICES_OF.set(type, [...(NOTICES_OF.get(type) ?? []), notice]);
}

/**
 * The MasterBot's answers to the master, rendered from the recorded events by the slices' notices: a thin
 * dispatcher giving each its context (the master's chat, the bots, the lookups) in the master's lane.
 *
 * WARNING: notices are at-least-once with no recorded outcome: a crash while a notice is in flight
 * (attempt recorded, finish not) sends it again, unmarked.
 */
@Injectable()
export class MasterNotifierReactor implements Reactor<Handled> {
  readonly name = 'master-notifier';
  readonly handles: TypesOf<Handled> = [...NOTICES_OF.keys()] as TypesOf<Handled>;
  readonly recordsAttempts = true;
  private readonly logger = new Logger('MasterNotifier');

  constructor(
    private readonly bots: BotApis,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(BANNED_CUSTOMERS) private readonly banned: BannedCustomers,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    private readonly aggregates: AggregateStore,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(recorded: RecordedEvent<Handled>): Promise<void> {
    if (Date.now() - recorded.recordedAt.getTime() > STALE_AFTER_MS) return;
    const master = this.bots.master();
    const masterId = recorded.data.masterId;
    const context: MasterNoticeContext = {
      say: (text: string, buttons?: InlineButton[][]) => master.sendText(masterId, text, { buttons }),
      master,
      bots: this.bots,
      aggregates: this.aggregates,
      directory: this.directory,
      banned: this.banned,
      vault: this.vault,
      warn: (message) => this.logger.warn(message),
    };
    try {
      for (const notice of NOTICES_OF.get(recorded.type) ?? []) await notice.render(recorded, context);
    } catch (error) {
      // The master blocked the MasterBot, or a message to delete is already gone: nothing to retry.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${recorded.type} for master ${masterId}: ${error.message}`);
    }
  }
}
