import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { readRelayContent, RelayContent } from '../media/relay-content';
import { ContentVault } from '../ports/crypto.port';
import { BotDirectory, ClientBotRecord } from '../ports/read-models.port';
import { BotApi } from '../ports/telegram.port';
import { BotApis } from './client-bot-apis';

type Received = ConversationEventOf<'CustomerMessageReceived'>['data'];

/** What recording a relay outcome needs: the conversation, and the event that caused it. */
export interface RelayJob {
  data: Received;
  stream: string;
  origin: CommandOrigin;
  position: bigint;
  /** A crash interrupted an earlier run of this relay (see ReactionRun): the copy says it may be a second one. */
  repeat: boolean;
  /** M12: the bot's team group refused it (bot removed, rights taken away): it comes to the MasterBot chat instead, saying why. */
  teamGroupRefused?: boolean;
  /** M14: the owner's chat with the client bot refused it (never started, bot blocked): it comes to the MasterBot chat, saying why. */
  ownChatRefused?: boolean;
}

/** Records that the relay of `job` failed for `reason` (MasterBot chat and team group alike). */
export async function recordRelayFailure(aggregates: AggregateStore, job: RelayJob, reason: string): Promise<void> {
  const { botId, customerId, masterId, messageId } = job.data;
  await aggregates.handle(
    job.stream,
    conversationDecider,
    { type: 'RecordRelayFailure', botId, customerId, masterId, messageId, reason },
    job.origin,
  );
}

/** What a relay posted by the client bot itself (team group, the owner's own chat) starts from. */
export interface ClientBotRelayStart {
  content: RelayContent;
  bot: ClientBotRecord;
  api: BotApi;
}

/**
 * The common start of a relay the client bot posts itself (M12 team group, M14 the owner's chat): 'done' when
 * the message already has its outcome (a repeat) or its failure was recorded now (content erased, bot unknown);
 * else its opened content, the bot and the bot's API.
 */
export async function startClientBotRelay(
  deps: { aggregates: AggregateStore; vault: ContentVault; directory: BotDirectory; bots: BotApis },
  job: RelayJob,
): Promise<ClientBotRelayStart | 'done'> {
  const conversation = await deps.aggregates.current(job.stream, conversationDecider);
  if (conversation.relayOutcomes.has(job.data.messageId)) return 'done';
  const content = readRelayContent(deps.vault.open(job.data.content));
  const bot = await deps.directory.get(job.data.botId, job.position);
  if (!content || !bot) {
    await recordRelayFailure(deps.aggregates, job, content ? 'client_bot_unknown' : 'content_erased');
    return 'done';
  }
  return { content, bot, api: deps.bots.clientOf(bot) };
}
