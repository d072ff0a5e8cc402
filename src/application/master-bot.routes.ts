import { requestAddBotRoute } from './add-client-bot/request-add-bot.route';
import { cancelRoute } from './cancel/cancel.route';
import { configureRemindersRoute } from './configure-reminders/configure-reminders.route';
import { deleteAnswerRoute } from './delete-answer/delete-answer.route';
import { helpRoute } from './help/help.route';
import { listBannedRoute } from './list-banned/list-banned.route';
import { listBotsRoute } from './list-bots/list-bots.route';
import { removeClientBotRoute } from './remove-client-bot/remove-client-bot.route';
import { requestGreetingRoute } from './set-greeting/set-greeting.route';
import { MasterCommandRoute } from './shared/master-command-route';
import { showQrCodeRoute } from './show-qr-code/show-qr-code.route';
import { requestBroadcastRoute } from './start-broadcast/start-broadcast.route';
import { startMasterRoute } from './start-master/start-master.route';
import { subscribeRoute } from './subscription/subscribe.route';
import { unsubscribeRoute } from './subscription/unsubscribe.route';

/**
 * The MasterBot slash commands their slices route (see docs/architecture.md, "Code layout"). Still in the
 * update translator's switch: `/inbox` (own chat) and `/ban` (reads the relayed copy's buttons, an edge concern).
 */
export const MASTER_COMMAND_ROUTES: readonly MasterCommandRoute[] = [
  startMasterRoute,
  helpRoute,
  requestAddBotRoute,
  removeClientBotRoute,
  cancelRoute,
  listBotsRoute,
  showQrCodeRoute,
  requestGreetingRoute,
  requestBroadcastRoute,
  listBannedRoute,
  deleteAnswerRoute,
  configureRemindersRoute,
  subscribeRoute,
  unsubscribeRoute,
];
