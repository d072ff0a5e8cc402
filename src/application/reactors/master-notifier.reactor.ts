import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { InboxNotices } from '../own-chat/inbox-notices';
import { openTypedText } from '../../domain/shared/typed-text';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CLIENT_BOT_COMMANDS } from '../help/master-commands';
import { helpNotice } from '../help/help.notice';
import { listBannedNotice } from '../list-banned/list-banned.notice';
import { listBotsNotice } from '../list-bots/list-bots.notice';
import { setGreetingNotice } from '../set-greeting/set-greeting.notice';
import { setGreetingTexts } from '../set-greeting/set-greeting.texts';
import { MasterNotice } from '../shared/master-notice';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { isEventOf, RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BANNED_CUSTOMERS, BannedCustomers, BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { BotApi, InlineButton, isSettledFailure, isTelegramRefusal } from '../ports/telegram.port';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';
import { teamGroupButton } from '../team-group/team-group.commands';
import { teamGroupTexts } from '../team-group/team-group.texts';
import { texts } from './texts';

/** A notice about something older than this is no longer useful (e.g. after a long outage): skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

type ConversationNotice = ConversationEventOf<
  | 'ReplyDeliveryFailed'
  | 'ReplyEditFailed'
  | 'ReplyDeleted'
  | 'ReplyDeletionFailed'
  | 'CustomerBanned'
  | 'CustomerUnbanned'
  | 'CustomerStarted'
>;
/** The answers rendered by their slices (src/application/<intent>/<intent>.notice.ts). */
const SLICE_NOTICES = [helpNotice, listBotsNotice, listBannedNotice, setGreetingNotice] as const;
type SliceHandled = (typeof SLICE_NOTICES)[number] extends MasterNotice<infer E> ? E : never;
const SLICE_TYPES: TypesOf<SliceHandled> = SLICE_NOTICES.flatMap((notice) => notice.handles);
const NOTICE_OF = new Map<string, MasterNotice<SliceHandled>>(
  SLICE_NOTICES.flatMap((notice) => notice.handles.map((type) => [type, notice] as const)),
);

type Handled =
  | SliceHandled
  | MasterUserEventOf<
      | 'MasterRegistered'
      | 'WelcomeShown'
      | 'StateChanged'
      | 'ClientBotAttached'
      | 'ClientBotDetached'
      | 'ClientBotBroken'
      | 'BotPickerOffered'
      | 'BotChosen'
      | 'CommandRejected'
      | 'TeamGroupLinked'
      | 'TeamGroupLinkRequested'
      | 'TeamGroupLinkDeclined'
      | 'InboxModeOffered'
      | 'InboxModeChosen'
    >
  | ConversationNotice;

/**
 * Everything the MasterBot says in answer to the master, rendered from the recorded events: the slices'
 * notices (SLICE_NOTICES: /help, /bots, /banned, /greeting), and, not yet moved into their slices, welcome, prompts,
 * pickers, confirmations, refusals. Also deletes the message that carried a bot token, sets a newly
 * attached bot's menu, and unregisters a detached bot's webhook.
 *
 * WARNING: notices are at-least-once with no recorded outcome: a crash while a notice is in flight
 * (attempt recorded, finish not) sends it again, unmarked.
 */
@Injectable()
export class MasterNotifierReactor implements Reactor<Handled> {
  readonly name = 'master-notifier';
  readonly handles: TypesOf<Handled> = [
    'MasterRegistered',
    ...SLICE_TYPES,
    'WelcomeShown',
    'StateChanged',
    'ClientBotAttached',
    'ClientBotDetached',
    'ClientBotBroken',
    'BotPickerOffered',
    'BotChosen',
    'CommandRejected',
    'TeamGroupLinked',
    'TeamGroupLinkRequested',
    'TeamGroupLinkDeclined',
    'InboxModeOffered',
    'InboxModeChosen',
    'ReplyDeliveryFailed',
    'ReplyEditFailed',
    'ReplyDeleted',
    'ReplyDeletionFailed',
    'CustomerBanned',
    'CustomerUnbanned',
    'CustomerStarted',
  ];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('MasterNotifier');
  private readonly inbox: InboxNotices;

  constructor(
    private readonly bots: BotApis,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(BANNED_CUSTOMERS) private readonly banned: BannedCustomers,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    private readonly aggregates: AggregateStore,
  ) {
    this.inbox = new InboxNotices(bots);
  }

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(recorded: RecordedEvent<Handled>): Promise<void> {
    if (Date.now() - recorded.recordedAt.getTime() > STALE_AFTER_MS) return;
    const master = this.bots.master();
    try {
      await this.notify(recorded, master);
    } catch (error) {
      // The master blocked the MasterBot, or a message to delete is already gone: nothing to retry.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${recorded.type} for master ${recorded.data.masterId}: ${error.message}`);
    }
  }

  private async notify(event: RecordedEvent<Handled>, master: BotApi): Promise<void> {
    const masterId = event.data.masterId;
    const say = (text: string, buttons?: InlineButton[][]) => master.sendText(masterId, text, { buttons });
    if (isEventOf<SliceHandled>(event, SLICE_TYPES)) {
      const { aggregates, directory, banned, vault } = this;
      return NOTICE_OF.get(event.type)?.render(event, { say, aggregates, directory, banned, vault });
    }
    switch (event.type) {
      case 'ReplyDeliveryFailed':
      case 'ReplyEditFailed':
      case 'ReplyDeleted':
      case 'ReplyDeletionFailed':
      case 'CustomerBanned':
      case 'CustomerUnbanned':
      case 'CustomerStarted':
        return this.notifyConversation(event, say);
      case 'MasterRegistered':
      case 'WelcomeShown':
        await say(texts.welcome);
        return;
      case 'StateChanged':
        if (event.data.to === 'AwaitingBotToken') await say(texts.askForToken);
        else if (event.data.to === 'Responding') await say(texts.respondingPrompt);
        else if (event.data.trigger === '/cancel') await say(texts.cancelled);
        return;
      case 'ClientBotAttached': {
        await this.deleteQuietly(master, masterId, event.data.tokenMessageId);
        await say(texts.attached(event.data.username));
        // The token this very event attached: looking the bot up folded its master's whole history, once
        // per attach (1,000 bots attached while the app was down: a million event decodes at its start).
        await this.bots
          .clientOf(event.data)
          .setCommands(CLIENT_BOT_COMMANDS)
          .catch((error: unknown) => this.logger.warn(`setMyCommands for ${event.data.botId}: ${String(error)}`));
        return;
      }
      case 'ClientBotDetached': {
        const client = await this.bots.client(event.data.botId, event.position);
        await client
          ?.deleteWebhook()
          .catch((error: unknown) => this.logger.warn(`deleteWebhook for ${event.data.botId}: ${String(error)}`));
        await say(texts.detached(event.data.username));
        return;
      }
      case 'ClientBotBroken':
        await say(texts.broken(event.data.username));
        return;
      case 'BotPickerOffered':
        await say(
          texts.chooseBot(event.data.purpose),
          event.data.bots.map((b) => [{ text: `@${b.username}`, callbackData: `pick:${event.data.purpose}:${b.botId}` }]),
        );
        return;
      case 'BotChosen':
        if (event.data.purpose === 'greeting') await say(setGreetingTexts.askForGreeting(event.data.username));
        if (event.data.purpose === 'broadcast') await say(texts.askForBroadcast(event.data.username));
        return;
      case 'InboxModeOffered':
      case 'InboxModeChosen':
        return this.inbox.notify(event);
      case 'TeamGroupLinkRequested': {
        const { botId, chatId, username } = event.data;
        await say(teamGroupTexts.confirmLink(username), [
          [
            { text: teamGroupTexts.confirmButton, callbackData: teamGroupButton(botId, chatId, true) },
            { text: teamGroupTexts.declineButton, callbackData: teamGroupButton(botId, chatId, false) },
          ],
        ]);
        return;
      }
      case 'TeamGroupLinkDeclined': {
        const bot = await this.directory.get(event.data.botId);
        await say(teamGroupTexts.declined(bot?.username ?? String(event.data.botId)));
        return;
      }
      case 'TeamGroupLinked': {
        const { botId, chatId, username } = event.data;
        await say(teamGroupTexts.linkedToMaster(username));
        // The agents hear it in the group itself, from the bot that will post there.
        const client = await this.bots.client(botId, event.position);
        await client
          ?.sendText(chatId, teamGroupTexts.linkedInGroup(username))
          .catch((error: unknown) => this.logger.warn(`team group notice for ${botId}: ${String(error)}`));
        return;
      }
      case 'CommandRejected': {
        const text = texts.answerSyncRefused(event.data.command, event.data.reason) ?? texts.rejected[event.data.reason];
        const { inBotChatOf } = event.data;
        if (inBotChatOf !== undefined) return this.inbox.sayInBotChat(inBotChatOf, masterId, text, event.position);
        if (event.data.deleteMessage && event.data.messageId) await this.deleteQuietly(master, masterId, event.data.messageId);
        await say(text);
        return;
      }
      default:
        return;
    }
  }

  /** Conversation events the master hears about. */
  private async notifyConversation(recorded: RecordedEvent<ConversationNotice>, say: (text: string) => Promise<unknown>): Promise<void> {
    switch (recorded.type) {
      case 'ReplyDeliveryFailed':
        await say(texts.deliveryFailed(recorded.data.reason));
        return;
      case 'ReplyEditFailed': {
        // The master already heard why the reply itself failed; a deleted or textless answer has nothing to edit.
        const notice = texts.editFailed(recorded.data.reason);
        if (notice) await this.sayAboutAnswer(recorded, notice, false);
        return;
      }
      case 'ReplyDeleted':
        await this.sayAboutAnswer(recorded, texts.answerDeleted);
        return;
      case 'ReplyDeletionFailed':
        await this.sayAboutAnswer(recorded, texts.deletionFailed(recorded.data.reason));
        return;
      case 'CustomerBanned':
      case 'CustomerUnbanned': {
        const { botId, customerId } = recorded.data;
        const bot = await this.directory.get(botId);
        const username = bot?.username ?? String(botId);
        // An unban carries no name: it is the one sealed in the ban before it.
        const { recorded: history } = await this.aggregates.load(conversationStreamId(botId, customerId), conversationDecider);
        const [ban] = history.flatMap((e) => (e.type === 'CustomerBanned' && e.position <= recorded.position ? [e.data] : [])).slice(-1);
        const name = ban ? this.vault.open<{ name: string }>(ban.name)?.name : undefined;
        // M14: a ban from the owner's own chat with the client bot is confirmed there, by the bot.
        if (recorded.type === 'CustomerBanned' && recorded.data.inOwnChat) {
          const client = await this.bots.client(botId, recorded.position);
          const { threadId } = recorded.data.inOwnChat;
          await client?.sendText(
            recorded.data.masterId,
            texts.banned(name ?? 'The customer', username),
            threadId !== undefined ? { threadId } : {},
          );
          return;
        }
        await say(
          recorded.type === 'CustomerBanned'
            ? texts.banned(name ?? 'The customer', username)
            : texts.unbanned(name ?? 'The customer', username),
        );
        return;
      }
      case 'CustomerStarted': {
        const { botId, startParameter } = recorded.data;
        const link = startParameter ? openTypedText(startParameter, (sealed) => this.vault.open<{ text: string }>(sealed)) : null;
        if (!link) return; // none, or erased since
        const bot = await this.directory.get(botId);
        await say(texts.newCustomerVia(bot?.username ?? String(botId), link));
        return;
      }
      default:
        return;
    }
  }

  /**
   * A notice about what became of an answer, where the answer stands, replying to it (when the delivery recorded
   * where that is; else in the MasterBot chat). M12: an agent's answer in a team group: the agents are told in the
   * topic (TeamGroupReactor). M14: the owner's answer in their own chat with the client bot: told there, by the bot.
   */
  private async sayAboutAnswer(
    recorded: RecordedEvent<ConversationEventOf<'ReplyDeleted' | 'ReplyDeletionFailed' | 'ReplyEditFailed'>>,
    text: string,
    replying = true,
  ) {
    const { botId, customerId, masterId, replyId } = recorded.data;
    const state = await this.aggregates.current(conversationStreamId(botId, customerId), conversationDecider);
    const answer = state.sync.copies.get(replyId)?.answer;
    if (answer && answer.chatId !== masterId) return;
    const replyTo = (messageId: number) => (replying ? { replyToMessageId: messageId } : {});
    if (answer?.ownChat) {
      const client = await this.bots.client(botId, recorded.position);
      await client?.sendText(masterId, text, {
        ...replyTo(answer.messageId),
        ...(answer.threadId !== undefined ? { threadId: answer.threadId } : {}),
      });
      return;
    }
    await this.bots.master().sendText(masterId, text, answer ? replyTo(answer.messageId) : {});
  }

  private async deleteQuietly(master: BotApi, chatId: number, messageId: number): Promise<void> {
    await master.deleteMessage(chatId, messageId).catch((error: unknown) => {
      if (!isTelegramRefusal(error)) throw error;
    });
  }
}
