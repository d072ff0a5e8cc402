import { RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { conversationId, ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ProjectionContext, Projector } from '../runner/projector';
import { relayedMessagesOf } from './relayed-messages';
import { MessageRefRow } from './message-ref.entity';

type Relay = ConversationEventOf<'MessageRelayed' | 'EditRelayed' | 'RelayedToTopic'>;
type Handled = Relay | ConversationEventOf<'ReplyDelivered'>;
const isRelay = (event: RecordedEvent<Handled>): event is RecordedEvent<Relay> => event.type !== 'ReplyDelivered';

/**
 * The rows of a relay or an edit notice: one per message in the master's chat; (M12) a copy in a customer's
 * topic is keyed by the team group's chat id instead (what an agent's reaction there is looked up by).
 */
function rowsOf(event: Relay, recordedAt: Date): MessageRefRow[] {
  const { botId, customerId, messageId } = event.data;
  const { chatId, ids } = relayedMessagesOf(event);
  return ids.map((relayedMessageId) => ({
    masterChatId: chatId,
    relayedMessageId,
    botId,
    customerId,
    customerMessageId: messageId,
    conversationId: conversationId(botId, customerId),
    relayedAt: recordedAt.toISOString(),
    answeredAt: null,
  }));
}

/** The parts of one customer message in one master's chat: what an answer to any of them marks answered. */
type Group = Pick<MessageRefRow, 'masterChatId' | 'conversationId' | 'customerMessageId'>;
const groupKey = (g: Group): string => `${g.masterChatId}|${g.conversationId}|${g.customerMessageId}`;

/**
 * Maps (master chat, relayed message id) to the customer message it relays: how replies find their way.
 * A relay may take several messages in the master's chat (a long text's parts, a caption sent apart, the
 * header before a sticker) and an edit adds a notice: each of them maps to the customer message, so a
 * reply to any part reaches the customer.
 */
export class MessageRefsProjector implements Projector<Handled> {
  readonly name = 'message_refs';
  readonly handles: TypesOf<Handled> = ['MessageRelayed', 'EditRelayed', 'RelayedToTopic', 'ReplyDelivered'];
  readonly tables = ['message_refs'];

  async apply(events: RecordedEvent<Handled>[], ctx: ProjectionContext): Promise<void> {
    const refs = ctx.fold(MessageRefRow);
    const written = new Map<string, Group[]>();
    for (const event of events) {
      if (!isRelay(event)) continue;
      for (const row of rowsOf(event, new Date(0)))
        written.set(refs.table.keyOf(row), [...(written.get(refs.table.keyOf(row)) ?? []), row]);
    }
    // An answer marks every part of the answered message: load the answered rows, then all parts of
    // their messages (stored ones; parts this batch writes are in memory anyway).
    const answered = events.flatMap((e) =>
      e.type === 'ReplyDelivered' ? [{ masterChatId: e.data.masterId, relayedMessageId: e.data.relayedMessageId }] : [],
    );
    await refs.load(answered);
    const groups = new Map<string, Group>();
    for (const key of answered) {
      const candidates = [refs.get(key), ...(written.get(refs.table.keyOf(key)) ?? [])];
      for (const c of candidates)
        if (c)
          groups.set(groupKey(c), {
            masterChatId: c.masterChatId,
            conversationId: c.conversationId,
            customerMessageId: c.customerMessageId,
          });
    }
    await refs.load([...groups.values()]);
    const parts = new Map<string, Set<MessageRefRow>>();
    for (const row of refs.where(() => true)) partsOf(parts, row).add(row);

    for (const event of events) {
      if (isRelay(event)) {
        for (const row of rowsOf(event, event.recordedAt)) {
          const replaced = refs.get(row);
          if (replaced) partsOf(parts, replaced).delete(replaced);
          refs.put(row);
          partsOf(parts, row).add(row);
        }
      } else if (event.type === 'ReplyDelivered') {
        // The reply may answer any part of the relay: the whole customer message counts as answered.
        const target = refs.get({ masterChatId: event.data.masterId, relayedMessageId: event.data.relayedMessageId });
        if (!target) continue;
        for (const row of partsOf(parts, target)) {
          row.answeredAt = event.recordedAt.toISOString();
          refs.touch(row);
        }
      }
    }
    await refs.flush();
  }
}

function partsOf(parts: Map<string, Set<MessageRefRow>>, group: Group): Set<MessageRefRow> {
  const key = groupKey(group);
  let set = parts.get(key);
  if (!set) parts.set(key, (set = new Set()));
  return set;
}
