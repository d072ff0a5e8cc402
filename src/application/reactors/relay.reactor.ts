import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { isMediaKind, TELEGRAM_LIMITS } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ContentSender, FileTooBigError, SendResult } from '../media/content-sender';
import { megabytes } from '../media/file-too-big.error';
import { customerLabel, readRelayContent, RelayContent } from '../media/relay-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { isTelegramRefusal, PossiblySentError } from '../ports/telegram.port';
import { AlbumRelay } from '../media/album-relay';
import { EditRelay } from '../media/edit-relay';
import { Reactor, ReactionRun } from './reactor';
import { relayButtons } from './relay-buttons';
import { TeamGroupRelay, teamGroupOf } from '../team-group/team-group-relay';
import { BotApis } from './client-bot-apis';
import { OwnChatRelay } from '../own-chat/own-chat-relay';
import { inboxTexts } from '../own-chat/inbox.texts';
import { teamGroupTexts } from '../team-group/team-group.texts';
import { texts } from './texts';
import { recordRelayFailure, type RelayJob } from './relay-job';

export type { RelayJob } from './relay-job';

type Handled = ConversationEventOf<'CustomerMessageReceived' | 'CustomerMessageEdited'>;

/**
 * C2/C3: relays each recorded customer message (any kind) to its master through the MasterBot, with a
 * header naming the customer and the bot; album items go as one album where the Bot API allows; edits
 * reach the master as a notice on the relayed message. Each outcome is recorded on the conversation, and
 * a message whose outcome is already recorded is never relayed again.
 *
 * Every copy carries its customer message in its buttons (relay-buttons.ts), so the master can answer a
 * copy whose message id was never recorded. A relay the runner re-runs after a crash interrupted it
 * (`run.repeat`) may follow a copy already in the master's chat: it is marked as sent again.
 */
@Injectable()
export class RelayReactor implements Reactor<Handled> {
  readonly name = 'relay';
  readonly handles: TypesOf<Handled> = ['CustomerMessageReceived', 'CustomerMessageEdited'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('Relay');
  private readonly albums: AlbumRelay;
  private readonly edits: EditRelay;

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly sender: ContentSender,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    private readonly teamGroups: TeamGroupRelay,
    bots: BotApis,
    private readonly ownChat: OwnChatRelay,
  ) {
    this.albums = new AlbumRelay(aggregates, sender, vault, this);
    this.edits = new EditRelay(aggregates, sender, vault, bots);
  }

  key(event: RecordedEvent<Handled>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<Handled>, run: ReactionRun = { repeat: false }): Promise<void> {
    const origin = { causationId: event.id, correlationId: event.metadata.correlationId, occurredAt: new Date().toISOString() };
    if (event.type === 'CustomerMessageEdited') return this.edits.relay(event.data, origin);
    const { data } = event;
    const job: RelayJob = {
      data,
      stream: conversationStreamId(data.botId, data.customerId),
      origin,
      position: event.position,
      repeat: run.repeat,
    };
    // M12: a bot linked to a team group relays there, one topic per customer (album items one by one); if the
    // group refuses the bot, the message is not lost: it comes here, to the MasterBot chat.
    const bot = await this.directory.get(data.botId, event.position);
    const teamGroup = teamGroupOf(bot);
    if (teamGroup !== null) {
      const outcome = await this.teamGroups.relay(job, teamGroup);
      if (outcome === 'done') return;
      // A lost group was just recorded, and the master is told so once: the copy says nothing more.
      job.teamGroupRefused = outcome === 'refused';
    } else if (bot?.inbox === 'bot_chat') {
      // M14: the owner's own chat with the client bot; if the bot may not post there, the MasterBot chat, saying why.
      if ((await this.ownChat.relay(job)) === 'done') return;
      job.ownChatRefused = true;
    }
    if (data.mediaGroupId && (await this.albums.relay(job, event.recordedAt))) return;
    const state = await this.aggregates.current(job.stream, conversationDecider);
    if (state.relayOutcomes.has(data.messageId)) return;
    await this.relayOne(job);
  }

  async header(job: RelayJob, content: RelayContent): Promise<string> {
    const bot = await this.directory.get(job.data.botId, job.position);
    const header = texts.media.header(customerLabel(content.customer), bot?.username);
    const refused = job.teamGroupRefused
      ? `${teamGroupTexts.refusedRelay(bot?.username ?? 'your bot')}\n`
      : job.ownChatRefused
        ? `${inboxTexts.refusedRelay(bot?.username ?? 'your bot')}\n`
        : '';
    return `${refused}${job.repeat ? `${texts.media.repeated}\n` : ''}${header}`;
  }

  async relayOne(job: RelayJob): Promise<void> {
    const content = readRelayContent(this.vault.open(job.data.content));
    if (!content) return this.recordFailure(job, 'content_erased');
    const header = await this.header(job, content);
    const to = { botId: 'master' as const, chatId: job.data.masterId };
    const { botId, customerId, messageId } = job.data;
    const buttons = relayButtons({ botId, customerId, customerMessageId: messageId });
    try {
      const sent = await this.sender
        .send({ botId: job.data.botId }, to, content.content, { header, buttons })
        .catch(async (error: unknown) => {
          if (!(error instanceof FileTooBigError)) throw error;
          // Nothing to relay but the fact: the master can still reply to the notice and ask for less.
          const caption = 'caption' in content.content ? content.content.caption : undefined;
          const notice = tooBigNotice(content, error);
          return this.sender.send(
            { botId: 'master' },
            to,
            { kind: 'text', text: caption ? `${notice}\n\n${caption}` : notice },
            { header, buttons },
          );
        });
      await this.recordRelay(job, sent);
    } catch (error) {
      await this.recordRefusal(job, error);
    }
  }

  recordRelay(job: RelayJob, sent: SendResult): Promise<unknown> {
    const { botId, customerId, masterId, messageId } = job.data;
    return this.aggregates.handle(
      job.stream,
      conversationDecider,
      {
        type: 'RecordRelay',
        botId,
        customerId,
        masterId,
        messageId,
        relayedMessageId: sent.messageId,
        extraMessageIds: sent.extraMessageIds,
        uploaded: sent.uploaded,
      },
      job.origin,
    );
  }

  /**
   * Telegram refused (4xx), or the message was possibly sent (the connection broke after the request went
   * out, twice): recorded, not retried, so the master sees at most one extra copy. A 5xx or a network error
   * is thrown, so the relay is retried.
   */
  async recordRefusal(job: RelayJob, error: unknown): Promise<void> {
    if (error instanceof PossiblySentError) {
      this.logger.warn(`relay to master ${job.data.masterId} possibly sent, not repeated: ${error.reason}`);
      return this.recordFailure(job, 'possibly_sent');
    }
    if (!isTelegramRefusal(error)) throw error;
    this.logger.warn(`relay to master ${job.data.masterId} failed: ${error.message}`);
    await this.recordFailure(job, error.blockedByUser ? 'master_blocked_masterbot' : `telegram_${error.code}`);
  }

  private async recordFailure(job: RelayJob, reason: string): Promise<void> {
    await recordRelayFailure(this.aggregates, job, reason);
  }
}

function tooBigNotice(content: RelayContent, error: FileTooBigError): string {
  const kind = isMediaKind(error.kind) ? (texts.media.kindNames[error.kind] ?? error.kind) : error.kind;
  const size = error.size !== undefined ? megabytes(error.size) : null;
  const limit = (error.limit === 'download' ? TELEGRAM_LIMITS.downloadBytes : TELEGRAM_LIMITS.uploadBytes) / (1024 * 1024);
  return texts.media.tooBigToRelay(customerLabel(content.customer), kind, size, limit);
}
