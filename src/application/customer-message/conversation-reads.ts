import { Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationState } from '../../domain/conversation/conversation.state';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { Sealed } from '../../domain/shared/sealed';
import { ContentVault } from '../ports/crypto.port';
import { RecordedEvent } from '../ports/event-store.port';

type Received = ConversationEventOf<'CustomerMessageReceived'>;
type Banned = ConversationEventOf<'CustomerBanned'>;
type Unbanned = ConversationEventOf<'CustomerUnbanned'>;

const logger = new Logger('Conversation');

/*
 * Events of a conversation read alone, from where its fold says they are (ConversationState's revisions): one
 * event read whatever the conversation's length, not a `load()` of the whole stream on the thread every tenant
 * shares (~7 µs per event: 0.1 s at 8,000 messages). An event at that revision that is not the one the fold
 * names contradicts it: said in the log and answered as not found, so the caller degrades (no name) rather
 * than fails.
 */

/**
 * A customer message as recorded (its sealed content, when it was received). `at`: a message id, or `'last'`
 * for the conversation's latest message; `undefined` when there is none (a message never recorded).
 */
export async function receivedMessage(
  aggregates: AggregateStore,
  stream: string,
  state: Pick<ConversationState, 'received' | 'lastReceived'>,
  at: number | 'last',
): Promise<RecordedEvent<Received> | undefined> {
  const revision = at === 'last' ? state.lastReceived : state.received.get(at);
  if (revision === undefined || revision < 0) return undefined;
  const event = await aggregates.eventAt<Received>(stream, revision);
  if (event?.type === 'CustomerMessageReceived' && (at === 'last' || event.data.messageId === at)) return event;
  return contradicted(stream, revision, `customer message ${at}`, event);
}

/** The last ban recorded before revision `before` (an unban's: the ban it lifts, which carries the sealed name). */
export async function banBefore(
  aggregates: AggregateStore,
  stream: string,
  state: Pick<ConversationState, 'bans'>,
  before: number,
): Promise<RecordedEvent<Banned> | undefined> {
  let i = state.bans.length - 1;
  while (i >= 0 && state.bans[i] >= before) i -= 1;
  if (i < 0) return undefined;
  const revision = state.bans[i];
  const event = await aggregates.eventAt<Banned>(stream, revision);
  return event?.type === 'CustomerBanned' ? event : contradicted(stream, revision, 'a ban', event);
}

/**
 * The customer's name a ban or an unban is told with: the one sealed in the ban (an unban carries none: it is the
 * ban's before it); "The customer" when it cannot be read (shredded, or the fold contradicted).
 */
export async function bannedName(
  aggregates: AggregateStore,
  vault: ContentVault,
  event: RecordedEvent<Banned | Unbanned>,
): Promise<string> {
  let sealed: Sealed | undefined;
  if (event.type === 'CustomerBanned') sealed = event.data.name;
  else {
    const stream = conversationStreamId(event.data.botId, event.data.customerId);
    sealed = (await banBefore(aggregates, stream, await aggregates.current(stream, conversationDecider), event.revision))?.data.name;
  }
  return (sealed !== undefined ? vault.open<{ name: string }>(sealed)?.name : undefined) ?? 'The customer';
}

/** The first event of the conversation (when the customer was first seen); `undefined` when it has none. */
export function firstEvent(aggregates: AggregateStore, stream: string): Promise<RecordedEvent | undefined> {
  return aggregates.eventAt(stream, 0);
}

function contradicted(stream: string, revision: number, expected: string, found: RecordedEvent | undefined): undefined {
  logger.error(`${stream}@${revision} should be ${expected}, as its fold says: found ${found?.type ?? 'nothing'}`);
  return undefined;
}
