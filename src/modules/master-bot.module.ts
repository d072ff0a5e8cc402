import { Module } from '@nestjs/common';
import { BotTokenVerifier } from '../application/add-client-bot/bot-token-verifier';
import { RequestAddBotHandler } from '../application/add-client-bot/request-add-bot.handler';
import { CancelHandler } from '../application/cancel/cancel.handler';
import { ConfigureRemindersHandler } from '../application/configure-reminders/configure-reminders.handler';
import { HelpHandler } from '../application/help/help.handler';
import { ListBannedHandler } from '../application/list-banned/list-banned.handler';
import { ListBotsHandler } from '../application/list-bots/list-bots.handler';
import { MasterMessageHandler } from '../application/master-message/master-message.handler';
import { PickBotHandler } from '../application/pick-bot/pick-bot.handler';
import { MasterNotifierReactor } from '../application/reactors/master-notifier.reactor';
import { ReminderReactor } from '../application/reminders/reminder.reactor';
import { RemoveClientBotHandler } from '../application/remove-client-bot/remove-client-bot.handler';
import { RequestGreetingHandler } from '../application/set-greeting/set-greeting.handler';
import { QrCodeReactor } from '../application/show-qr-code/qr-code.reactor';
import { ShowQrCodeHandler } from '../application/show-qr-code/show-qr-code.handler';
import { StartMasterHandler } from '../application/start-master/start-master.handler';
import { UnknownCommandHandler } from '../application/unknown-command/unknown-command.handler';
import { RelayModule } from './relay.module';

const REACTORS = [MasterNotifierReactor, QrCodeReactor, ReminderReactor];

/** The master's conversation with the MasterBot: adding and removing bots, settings, lists, /help, the notices. */
@Module({
  // A master's plain message may be an answer to a customer: it is composed by the relay's ReplyComposer.
  imports: [RelayModule],
  providers: [
    BotTokenVerifier,
    ...REACTORS,
    StartMasterHandler,
    RequestAddBotHandler,
    MasterMessageHandler,
    RemoveClientBotHandler,
    CancelHandler,
    UnknownCommandHandler,
    HelpHandler,
    ListBotsHandler,
    ListBannedHandler,
    ShowQrCodeHandler,
    RequestGreetingHandler,
    PickBotHandler,
    ConfigureRemindersHandler,
  ],
  exports: REACTORS,
})
export class MasterBotModule {}
