import { isEventOf, RecordedEvent, TypesOf } from '../src/application/ports/event-store.port';
import { Reactor } from '../src/application/reactors/reactor';
import { ConversationEvent, ConversationEventOf } from '../src/domain/conversation/conversation.events';
import { Projector } from '../src/projections/runner/projector';

/**
 * Type-level guarantees, checked by `npm run typecheck` (tsc over test/ too): every `@ts-expect-error`
 * below must be an error, or the typecheck fails. A processor names the event types it handles from its
 * union, so a misspelt type no longer compiles (it used to compile and silently skip every event), and
 * it reads each event's data by its type without a cast.
 */
type Relayed = ConversationEventOf<'MessageRelayed' | 'EditRelayed'>;

const envelope = { streamId: 'conversation-7-42', revision: 3, position: 12n, recordedAt: new Date(0) };
const metadata = { schemaVersion: 1, correlationId: 'tg:7:1', causationId: 'tg:7:1' };
const who = { botId: 7, customerId: 42, masterId: 1 };
const relayed: RecordedEvent<Relayed> = {
  ...envelope,
  id: 'e1',
  metadata,
  type: 'MessageRelayed',
  data: { ...who, messageId: 5, relayedMessageId: 501, extraMessageIds: [], uploaded: [] },
};
const editNotice: RecordedEvent<Relayed> = {
  ...envelope,
  id: 'e2',
  metadata,
  type: 'EditRelayed',
  data: { ...who, messageId: 5, editedAt: 100, noticeMessageId: 502 },
};

/** What a master's chat shows for each relayed event, read by type. */
function describeRelayed(event: RecordedEvent<Relayed>): string {
  switch (event.type) {
    case 'MessageRelayed':
      // @ts-expect-error a relay has no notice: `data` is narrowed to MessageRelayed's
      void event.data.noticeMessageId;
      return `message ${event.data.messageId} relayed as ${event.data.relayedMessageId}`;
    case 'EditRelayed':
      return `edit of message ${event.data.messageId} noticed as ${event.data.noticeMessageId}`;
    default:
      return 'unknown';
  }
}

describe('typed processors', () => {
  it("a reactor reads each handled event's data by its type, and keys it by the master's chat", async () => {
    const heard: string[] = [];
    const reactor: Reactor<Relayed> = {
      name: 'relayed-echo',
      handles: ['MessageRelayed', 'EditRelayed'],
      key: (event) => `master:${event.data.masterId}`,
      react: async (event) => void heard.push(describeRelayed(event)),
    };

    await reactor.react(relayed);
    await reactor.react(editNotice);

    expect(heard).toEqual(['message 5 relayed as 501', 'edit of message 5 noticed as 502']);
    expect(reactor.key(relayed)).toBe('master:1');
  });

  it('a misspelt handled type does not compile, for reactors and projections alike', () => {
    const reactor: Reactor<Relayed> = {
      name: 'misspelt',
      // @ts-expect-error 'MessageRelayd' is not a type of the reactor's union
      handles: ['MessageRelayd'],
      key: () => 'master:1',
      react: async () => undefined,
    };
    const projector: Projector<ConversationEvent> = {
      name: 'misspelt',
      // @ts-expect-error 'CustomerBaned' is not a conversation event type
      handles: ['CustomerBaned'],
      tables: [],
      apply: async () => undefined,
    };
    // @ts-expect-error a type from outside the union: a reply is the master's event, not a relay
    const handles: TypesOf<Relayed> = ['ReplySent'];

    // At run time such a processor would only ever skip: no event carries those names.
    expect([...reactor.handles, ...projector.handles, ...handles]).toEqual(['MessageRelayd', 'CustomerBaned', 'ReplySent']);
  });

  it('a loose event from the store is narrowed by its type name, never by a cast', () => {
    const loose: RecordedEvent = { ...relayed, data: { ...relayed.data } };
    const started: RecordedEvent = { ...envelope, id: 'e3', metadata, type: 'CustomerStarted', data: who };

    expect(isEventOf<Relayed>(loose, ['MessageRelayed', 'EditRelayed']) ? describeRelayed(loose) : null).toBe('message 5 relayed as 501');
    expect(isEventOf<Relayed>(started, ['MessageRelayed', 'EditRelayed'])).toBe(false);
    // @ts-expect-error the guard's names are checked against the union it narrows to
    expect(isEventOf<Relayed>(started, ['CustomerStarted'])).toBe(true);
  });
});
