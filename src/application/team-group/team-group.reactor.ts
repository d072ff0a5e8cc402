import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { isSettledFailure, isTelegramRefusal, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { teamGroupTexts } from './team-group.texts';

type Handled =
  | MasterUserEventOf<'ConversationClosed' | 'ConversationReopened' | 'TeamGroupLost' | 'TeamGroupRestored'>
  | ConversationEventOf<'CustomerBanned'>;

/** Closing a closed topic (or reopening an open one): it already is what we wanted. */
const isUnchanged = (error: unknown): boolean => error instanceof TelegramApiError && /TOPIC_NOT_MODIFIED/i.test(error.description);

/**
 * M12: what the team group sees of `/close`, `/reopen` and `/ban` typed in a customer's topic: the topic closed
 * or reopened in Telegram (by the client bot, which is an administrator allowed to manage topics) and a line in
 * the topic saying so. What happened by hand (a member closed the topic in Telegram) or by the relay (the
 * customer wrote again) is already visible there: nothing to do.
 *
 * The line is posted before closing (members without "Manage topics" could not read a reply in a closed
 * topic otherwise, and the bot keeps the right to post in it) and after reopening.
 * It also tells the master, in the MasterBot chat, once when the bot can no longer relay into its team group
 * (with what to do) and once when it is back.
 *
 * WARNING: at-least-once, like every notice: a crash in flight may repeat the line; a refusal (the bot removed,
 * the topic deleted) is logged and dropped, the recorded state stands.
 */
@Injectable()
export class TeamGroupReactor implements Reactor<Handled> {
  readonly name = 'team-group';
  readonly handles: TypesOf<Handled> = [
    'ConversationClosed',
    'ConversationReopened',
    'CustomerBanned',
    'TeamGroupLost',
    'TeamGroupRestored',
  ];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('TeamGroup');

  constructor(
    private readonly bots: BotApis,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    try {
      await this.act(event);
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${event.type} in the team group of bot ${event.data.botId}: ${error.message}`);
    }
  }

  private async act(event: RecordedEvent<Handled>): Promise<void> {
    if (event.type === 'CustomerBanned') {
      const { topic } = event.data;
      if (!topic) return; // banned from the MasterBot chat: the master-notifier answers there
      const api = await this.bots.client(event.data.botId, event.position);
      const name = this.vault.open<{ name: string }>(event.data.name)?.name ?? 'The customer';
      await api?.sendText(topic.chatId, teamGroupTexts.bannedInTopic(name), { threadId: topic.threadId });
      return;
    }
    if (event.type === 'TeamGroupLost' || event.type === 'TeamGroupRestored') {
      const { masterId, username } = event.data;
      const text = event.type === 'TeamGroupLost' ? teamGroupTexts.lost(username, event.data.reason) : teamGroupTexts.restored(username);
      await this.bots.master().sendText(masterId, text);
      return;
    }
    if (event.data.how !== 'command') return;
    const { botId, chatId, threadId } = event.data;
    const api = await this.bots.client(botId, event.position);
    if (!api) return;
    if (event.type === 'ConversationClosed') {
      await api.sendText(chatId, teamGroupTexts.closed, { threadId });
      await settle(api.closeForumTopic(chatId, threadId));
    } else {
      await settle(api.reopenForumTopic(chatId, threadId));
      await api.sendText(chatId, teamGroupTexts.reopened, { threadId });
    }
  }
}

async function settle(call: Promise<void>): Promise<void> {
  await call.catch((error: unknown) => {
    if (!(isTelegramRefusal(error) && isUnchanged(error))) throw error;
  });
}
