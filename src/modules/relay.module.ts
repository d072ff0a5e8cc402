import { Module } from '@nestjs/common';
import { BanCustomerHandler, UnbanCustomerHandler } from '../application/ban-customer/ban-customer.handler';
import {
  CustomerBlockedBotHandler,
  CustomerStartHandler,
  EditCustomerMessageHandler,
  ReceiveCustomerMessageHandler,
} from '../application/customer-message/customer-message.handler';
import { DeleteAnswerHandler, DeleteAnswerInTopicHandler } from '../application/delete-answer/delete-answer.handler';
import { EditAnswerHandler, EditAnswerInTopicHandler } from '../application/edit-answer/edit-answer.handler';
import { CustomerReactionReactor } from '../application/mirror-reactions/customer-reaction.reactor';
import { AgentReactionHandler, CustomerReactionHandler, MasterReactionHandler } from '../application/mirror-reactions/reaction.handlers';
import { CustomerNoticesReactor } from '../application/reactors/customer-notices.reactor';
import { DeliveryReactor } from '../application/reactors/delivery.reactor';
import { RelayReactor } from '../application/reactors/relay.reactor';
import { ReplyComposer } from '../application/reply-to-customer/reply-composer';
import { ReplyToCustomerHandler, StartRespondingHandler } from '../application/reply-to-customer/reply-to-customer.handler';
import { RelayedCopyTargets } from '../application/shared/relayed-copy-targets';
import { InboxModule } from './inbox.module';

const REACTORS = [RelayReactor, DeliveryReactor, CustomerNoticesReactor, CustomerReactionReactor];

/**
 * The relay both ways: a customer's message into the master's inbox, the answer back (with its edits,
 * deletions and reactions), and bans. Relays into a team group or the own chat go through the inbox module.
 */
@Module({
  imports: [InboxModule],
  providers: [
    RelayedCopyTargets,
    ReplyComposer,
    ...REACTORS,
    ReceiveCustomerMessageHandler,
    EditCustomerMessageHandler,
    CustomerStartHandler,
    CustomerBlockedBotHandler,
    ReplyToCustomerHandler,
    StartRespondingHandler,
    EditAnswerHandler,
    EditAnswerInTopicHandler,
    DeleteAnswerHandler,
    DeleteAnswerInTopicHandler,
    MasterReactionHandler,
    CustomerReactionHandler,
    AgentReactionHandler,
    BanCustomerHandler,
    UnbanCustomerHandler,
  ],
  exports: [RelayedCopyTargets, ReplyComposer, ...REACTORS],
})
export class RelayModule {}
