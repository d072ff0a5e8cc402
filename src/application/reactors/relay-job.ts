import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';

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
