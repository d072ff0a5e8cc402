import { Module } from '@nestjs/common';
import { INBOX_HANDLERS } from '../application/own-chat/inbox.handlers';
import { OwnChatRelay } from '../application/own-chat/own-chat-relay';
import { OwnerMessages } from '../application/own-chat/owner-messages';
import { AnswerInTopicHandler } from '../application/team-group/answer-in-topic.handler';
import { ConfirmTeamGroupHandler } from '../application/team-group/confirm-team-group.handler';
import { ConnectTeamGroupHandler } from '../application/team-group/connect-team-group.handler';
import { ManageTopicHandler } from '../application/team-group/manage-topic.handler';
import { GroupMigratedHandler, TeamGroupAccessHandler, TeamGroupHelpHandler } from '../application/team-group/team-group-access.handler';
import { TeamGroupRelay } from '../application/team-group/team-group-relay';
import { TeamGroupReactor } from '../application/team-group/team-group.reactor';

/** The inboxes other than the MasterBot chat: a team group (a topic per customer) and the client bot's own chat. */
@Module({
  providers: [
    TeamGroupRelay,
    OwnChatRelay,
    OwnerMessages,
    TeamGroupReactor,
    ConnectTeamGroupHandler,
    AnswerInTopicHandler,
    ConfirmTeamGroupHandler,
    ManageTopicHandler,
    TeamGroupAccessHandler,
    GroupMigratedHandler,
    TeamGroupHelpHandler,
    ...INBOX_HANDLERS,
  ],
  exports: [TeamGroupRelay, OwnChatRelay, OwnerMessages, TeamGroupReactor],
})
export class InboxModule {}
