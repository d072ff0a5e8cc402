import { CheckpointFrontier } from '../src/infrastructure/reactors/checkpoint-frontier';
import { KeyedLanes } from '../src/infrastructure/reactors/keyed-lanes';

interface Item {
  label: string;
  work: () => Promise<void>;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('keyed lanes (the serial queue under every reactor)', () => {
  function lanes(retryDelayMs = () => 1) {
    const done: string[] = [];
    const failures: string[] = [];
    const queue = new KeyedLanes<Item>({
      run: (item) => item.work(),
      onFailure: (_error, item, _key, attempt) => failures.push(`${item.label}#${attempt}`),
      onDone: (item) => done.push(item.label),
      retryDelayMs,
    });
    return { queue, done, failures };
  }

  it("runs one key's items one at a time in order while another key's items go past a blocked one", async () => {
    const { queue, done } = lanes();
    const slow = gate();
    queue.push('a', { label: 'a1', work: () => slow.promise });
    queue.push('a', { label: 'a2', work: async () => undefined });
    queue.push('b', { label: 'b1', work: async () => undefined });
    queue.push('b', { label: 'b2', work: async () => undefined });
    await settle();
    expect(done).toEqual(['b1', 'b2']);
    expect(queue.size).toBe(2);
    slow.open();
    await settle();
    await settle();
    expect(done).toEqual(['b1', 'b2', 'a1', 'a2']);
    expect(queue.size).toBe(0);
  });

  it('retries a failing item before its next one, and reports each failed attempt', async () => {
    const { queue, done, failures } = lanes();
    let left = 2;
    queue.push('a', {
      label: 'a1',
      work: async () => {
        if (left-- > 0) throw new Error('Telegram said 500');
      },
    });
    queue.push('a', { label: 'a2', work: async () => undefined });
    for (let i = 0; i < 50 && done.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(failures).toEqual(['a1#1', 'a1#2']);
    expect(done).toEqual(['a1', 'a2']);
  });

  it('on stop, starts nothing new, abandons a retried item, and counts as done only what finished', async () => {
    const { queue, done } = lanes(() => 60_000);
    const running = gate();
    queue.push('a', { label: 'a1', work: () => running.promise });
    queue.push('a', { label: 'a2', work: async () => undefined });
    queue.push('b', { label: 'b1', work: () => Promise.reject(new Error('down')) });
    await settle();
    const stopped = queue.stop(10_000);
    running.open();
    expect(await stopped).toBe(true);
    expect(done).toEqual(['a1']);
    expect(queue.push('c', { label: 'c1', work: async () => undefined })).toBe(false);
  });

  it('an item starts only once it has its turn (the intake is busy); its retries do not ask again', async () => {
    const done: string[] = [];
    let turns = 0;
    let turn: { promise: Promise<void>; open: () => void } | undefined = gate();
    const queue = new KeyedLanes<Item>({
      run: (item) => item.work(),
      onFailure: () => undefined,
      onDone: (item) => done.push(item.label),
      retryDelayMs: () => 1,
      turn: () => {
        turns += 1;
        return turn?.promise;
      },
    });
    let failures = 1;
    queue.push('a', {
      label: 'a1',
      work: async () => {
        if (failures-- > 0) throw new Error('once');
      },
    });
    await settle();
    expect(done).toEqual([]); // waiting for its turn
    const waited = turn;
    turn = undefined; // from now on, turns are given at once
    waited.open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toEqual(['a1']);
    expect(turns).toBe(1); // the retry after the failure did not wait for another turn
  });

  it('on stop, gives up on a hung item after the grace and never counts it as done', async () => {
    const { queue, done } = lanes();
    queue.push('a', { label: 'a1', work: () => new Promise<void>(() => undefined) });
    await settle();
    expect(await queue.stop(20)).toBe(false);
    expect(done).toEqual([]);
  });
});

describe('the checkpoint frontier', () => {
  it('stays before the first unfinished event, passes events with no work, and lists what finished above it', () => {
    const frontier = new CheckpointFrontier(10n);
    frontier.skip(11n);
    expect(frontier.position).toBe(11n);
    const a = frontier.begin(12n);
    frontier.skip(13n);
    const b = frontier.begin(20n);
    const c = frontier.begin(21n);
    expect(frontier.finish(b)).toBe(false);
    expect(frontier.finish(c)).toBe(false);
    expect(frontier.position).toBe(11n);
    expect(frontier.finishedAbove()).toEqual([20n, 21n]);
    frontier.skip(25n);
    expect(frontier.finish(a)).toBe(true);
    expect(frontier.position).toBe(25n);
    expect(frontier.pending).toBe(0);
    expect(frontier.finishedAbove()).toEqual([]);
  });
});
