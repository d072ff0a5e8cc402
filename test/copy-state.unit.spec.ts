import { copyState } from '../src/application/command-handling/copy-state';
import { conversationDecider } from '../src/domain/conversation/conversation.decider';
import { initialConversationState } from '../src/domain/conversation/conversation.state';
import { ConversationEvent } from '../src/domain/conversation/conversation.events';

describe('copying a folded state before folding more events into it', () => {
  it('equals the original, shares none of its objects, and folding into the copy leaves the original as it was', () => {
    const received = { type: 'CustomerMessageReceived', data: { messageId: 1, sentAt: 1000 } } as unknown as ConversationEvent;
    const relayed = {
      type: 'MessageRelayed',
      data: { messageId: 1, relayedMessageId: 77, uploaded: [{ botId: 5, fileUniqueId: 'f1' }] },
    } as unknown as ConversationEvent;
    const fold = () => conversationDecider.evolve(conversationDecider.evolve(initialConversationState(), received), relayed);
    const original = fold();

    const copy = copyState(original);
    expect(copy).toEqual(original);
    for (const key of Object.keys(original) as (keyof typeof original)[]) {
      if (typeof original[key] === 'object') expect(copy[key]).not.toBe(original[key]);
    }

    const next = { type: 'CustomerMessageReceived', data: { messageId: 2, sentAt: 1001 } } as unknown as ConversationEvent;
    conversationDecider.evolve(copy, next);
    expect(original).toEqual(fold());
    expect(copy.received).toEqual(
      new Map([
        [1, 0],
        [2, 2],
      ]),
    );
  });

  it('copies nested Sets, Maps, arrays and plain objects deeply, and anything else as structuredClone does', () => {
    const inner = { list: [1, { deep: new Set(['a']) }] };
    const value = { map: new Map([[1, inner]]), at: new Date(5), nothing: null, text: 'x' };

    const copy = copyState(value);
    expect(copy).toEqual(value);
    const copied = copy.map.get(1)!;
    expect(copied).not.toBe(inner);
    expect(copied.list[1]).not.toBe(inner.list[1]);
    (copied.list[1] as { deep: Set<string> }).deep.add('b');
    expect((inner.list[1] as { deep: Set<string> }).deep).toEqual(new Set(['a']));
    expect(copy.at).not.toBe(value.at);
    expect(copy.at.getTime()).toBe(5);
  });
});
