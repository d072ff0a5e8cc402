import { Decider } from '../shared/decider';
import { MasterUserCommand } from './master-user.commands';
import { MasterUserEvent } from './master-user.events';
import { evolveMasterUser, initialMasterUserState, MasterUserState } from './master-user.state';
import { markBotBroken, requestAddBot, submitBotToken } from './add-client-bot.decision';
import { deleteAnswer, editAnswer, mirrorReaction } from './answer-sync.decisions';
import { cancel } from './cancel.decision';
import { configureReminders } from './configure-reminders.decision';
import { answerInOwnChat, chooseInboxMode, offerInbox, recordOwnChatTopic } from './inbox.decisions';
import { backToMain, reject } from './master-user.rules';
import { plainMessage } from './master-message.decision';
import { pickBot, requestForBot } from './pick-bot.decision';
import { reply, startResponding } from './reply-to-customer.decision';
import { setGreeting } from './set-greeting.decision';
import { requestQr } from './show-qr-code.decision';
import { requestBroadcast, submitBroadcast } from './start-broadcast.decision';
import { startMaster } from './start-master.decision';
import { answerCheckout, expirePro, recordPayment, subscribe, unsubscribe } from './subscription.decision';
import { followGroupMigration, markConversation, updateTeamGroupAccess } from './team-group.decisions';
import { answerInTopic, confirmTeamGroup, linkTeamGroup, recordCustomerTopic, showTeamGroupHelp } from './team-group-link.decision';

/**
 * The MasterUser state machine. Every transition is an explicit `StateChanged {from, to, trigger}`;
 * every answer the master gets is an event too, so the reactors that talk to Telegram can be
 * replayed after a crash. Repeated Telegram updates never reach `decide` (the command handling
 * mechanism drops an update id it has already recorded), and repeated *intents* are no-ops or
 * idempotent answers here (a second /start only shows the welcome again).
 *
 * Each intent's part of the decision is a pure function in its own file (`<intent>.decision.ts`, or
 * `<context>.decisions.ts` for a context's several intents: answer sync, inbox, team group), named after the
 * intent's slice in src/application; here the switch stays exhaustive over every command, and only one-line
 * cases stay inline. They live in the domain, not in the slices, so the domain imports no application code.
 */
export function decideMasterUser(command: MasterUserCommand, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (command.type === 'Start') return startMaster(command, state);
  // Telegram waits for an answer to every checkout, registered master or not.
  if (command.type === 'AnswerCheckout') return answerCheckout(command, state);
  if (command.type === 'RecordPayment') return recordPayment(command, state);
  if (!state.registered) return [reject(masterId, command.type, 'not_registered')];

  switch (command.type) {
    case 'Help':
      return [...backToMain(state, masterId, '/help'), { type: 'HelpShown', data: { masterId } }];
    case 'RequestAddBot':
      return requestAddBot(command, state);
    case 'SubmitBotToken':
      return submitBotToken(command, state);
    case 'MarkBotBroken':
      return markBotBroken(command, state);
    case 'RequestRemoveBot':
      return requestForBot(state, masterId, 'remove', null);
    case 'RequestQr':
      return requestQr(command, state);
    case 'RequestGreeting':
      return requestForBot(state, masterId, 'greeting', null);
    case 'SetGreeting':
      return setGreeting(command, state);
    case 'RequestBroadcast':
      return requestBroadcast(command, state);
    case 'SubmitBroadcast':
      return submitBroadcast(command, state);
    case 'PickBot':
      return pickBot(command, state);
    case 'Cancel':
      return cancel(command, state);
    case 'UnknownCommand':
      return [{ type: 'CommandRejected', data: { masterId, command: 'unknown', reason: 'unknown_command', typed: command.command } }];
    case 'Refuse':
      return [reject(masterId, command.command, command.reason, {}, command.inBotChatOf)];
    case 'StartResponding':
      return startResponding(command, state);
    case 'Reply':
      return reply(command, state);
    case 'PlainMessage':
      return plainMessage(command, state);
    case 'EditAnswer':
      return editAnswer(command, state);
    case 'DeleteAnswer':
      return deleteAnswer(command, state);
    case 'MirrorReaction':
      return mirrorReaction(command, state);
    case 'ListBots':
      return [...backToMain(state, masterId, '/bots'), { type: 'BotListRequested', data: { masterId } }];
    case 'ListBanned':
      return [...backToMain(state, masterId, '/banned'), { type: 'BannedListRequested', data: { masterId } }];
    case 'ConfigureReminders':
      return configureReminders(command, state);
    case 'Subscribe':
      return subscribe(command, state);
    case 'Unsubscribe':
      return unsubscribe(command, state);
    case 'ExpirePro':
      return expirePro(command, state);
    case 'RequestInbox':
      return requestForBot(state, masterId, 'inbox', null);
    case 'OfferInbox':
      return offerInbox(command, state);
    case 'ChooseInboxMode':
      return chooseInboxMode(command, state);
    case 'RecordOwnChatTopic':
      return recordOwnChatTopic(command, state);
    case 'AnswerInOwnChat':
      return answerInOwnChat(command, state);
    case 'LinkTeamGroup':
      return linkTeamGroup(command, state);
    case 'ConfirmTeamGroup':
      return confirmTeamGroup(command, state);
    case 'RecordCustomerTopic':
      return recordCustomerTopic(command, state);
    case 'AnswerInTopic':
      return answerInTopic(command, state);
    case 'ShowTeamGroupHelp':
      return showTeamGroupHelp(command, state);
    case 'MarkConversation':
      return markConversation(command, state);
    case 'UpdateTeamGroupAccess':
      return updateTeamGroupAccess(command, state);
    case 'FollowGroupMigration':
      return followGroupMigration(command, state);
  }
}

export const masterUserDecider: Decider<MasterUserCommand, MasterUserEvent, MasterUserState> = {
  name: 'master-user',
  decide: decideMasterUser,
  evolve: evolveMasterUser,
  initialState: initialMasterUserState,
};
