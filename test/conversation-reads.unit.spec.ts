import { Logger } from '@nestjs/common';
import { AggregateStore } from '../src/application/command-handling/aggregate-store';
import { banBefore, bannedName, firstEvent, receivedMessage } from '../src/application/customer-message/conversation-reads';
import { ContentVault } from '../src/application/ports/crypto.port';
import { RecordedEvent } from '../src/application/ports/event-store.port';

/**
 * conversation-reads.ts reads one event where the conversation's fold says it is. A stream that contradicts its fold
 * (the event there is not the one named) gives "not found" and says so in the log: the caller degrades, never fails.
 */
describe('reading one event of a conversation where its fold says it is', () => {
  const stream = 'conversation-7-8';
  const at = (revision: number, type: string, data: Record<string, unknown>): RecordedEvent =>
    ({
      id: `e${revision}`,
      streamId: stream,
      revision,
      position: BigInt(revision + 1),
      type,
      data,
      metadata: {},
      recordedAt: new Date(0),
    }) as RecordedEvent;
  const history = [
    at(0, 'CustomerMessageReceived', { messageId: 11 }),
    at(1, 'MessageRelayed', { messageId: 11 }),
    at(2, 'CustomerBanned', { name: 'sealed' }),
    at(3, 'CustomerMessageReceived', { messageId: 12 }),
  ];
  const reads: number[] = [];
  const aggregates = {
    eventAt: async (_stream: string, revision: number) => {
      reads.push(revision);
      return history[revision];
    },
  } as unknown as AggregateStore;
  let logged: jest.SpyInstance;

  beforeEach(() => {
    reads.length = 0;
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('finds a message by its id, the last message, the ban before an unban and the first event, one read each', async () => {
    const state = {
      received: new Map([
        [11, 0],
        [12, 3],
      ]),
      lastReceived: 3,
      bans: [2],
    };

    expect((await receivedMessage(aggregates, stream, state, 11))?.id).toBe('e0');
    expect((await receivedMessage(aggregates, stream, state, 'last'))?.id).toBe('e3');
    expect((await banBefore(aggregates, stream, state, 4))?.id).toBe('e2');
    expect((await firstEvent(aggregates, stream))?.id).toBe('e0');
    expect(reads).toEqual([0, 3, 2, 0]);
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers "none" without reading for a message never received, a conversation with no message, or no ban before', async () => {
    const state = { received: new Map<number, number>(), lastReceived: -1, bans: [2] };

    expect(await receivedMessage(aggregates, stream, state, 99)).toBeUndefined();
    expect(await receivedMessage(aggregates, stream, state, 'last')).toBeUndefined();
    expect(await banBefore(aggregates, stream, state, 2)).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('a fold that points at the wrong event gives "not found" and says so in the log', async () => {
    const wrong = {
      received: new Map([
        [11, 1],
        [12, 0],
      ]),
      lastReceived: 1,
      bans: [3],
    };

    expect(await receivedMessage(aggregates, stream, wrong, 11)).toBeUndefined(); // a relay there
    expect(await receivedMessage(aggregates, stream, wrong, 12)).toBeUndefined(); // another message there
    expect(await receivedMessage(aggregates, stream, wrong, 'last')).toBeUndefined();
    expect(await banBefore(aggregates, stream, wrong, 4)).toBeUndefined();
    expect(logged).toHaveBeenCalledTimes(4);
    expect(String(logged.mock.calls[0][0])).toBe(
      'conversation-7-8@1 should be customer message 11, as its fold says: found MessageRelayed',
    );
  });

  it('names a ban\'s customer from the ban, an unban\'s from the ban before it, and says "The customer" when the name is gone', async () => {
    const stream78 = { botId: 7, customerId: 8 };
    const state = { received: new Map<number, number>(), lastReceived: -1, bans: [2] };
    const withState = Object.assign(Object.create(aggregates) as AggregateStore, { current: async () => state });
    const names: Record<string, string> = { sealed: 'Ann', fresh: 'Bob' };
    const vault = { open: (sealed: string) => (sealed in names ? { name: names[sealed] } : null) } as unknown as ContentVault;
    const ban = { ...at(5, 'CustomerBanned', { ...stream78, name: 'fresh' }) } as RecordedEvent as Parameters<typeof bannedName>[2];
    const unban = { ...at(6, 'CustomerUnbanned', stream78) } as RecordedEvent as Parameters<typeof bannedName>[2];

    expect(await bannedName(withState, vault, ban)).toBe('Bob');
    expect(reads).toEqual([]); // a ban carries its name
    expect(await bannedName(withState, vault, unban)).toBe('Ann');
    expect(reads).toEqual([2]); // the ban before the unban, alone
    delete names.sealed; // the conversation's key erased
    expect(await bannedName(withState, vault, unban)).toBe('The customer');
    state.bans = [];
    expect(await bannedName(withState, vault, unban)).toBe('The customer');
  });
});
