import { KeyedSerialQueue } from '../src/application/shared/keyed-serial-queue';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The one keyed serial queue: a master's commands on one stream (and a chat's reactions) happen one at a
 * time in the order they came, while other masters' and chats' work goes on past a slow one.
 */
describe('the keyed serial queue', () => {
  it("runs one key's work one piece at a time, in the order given, while another key's work goes past it", async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const slow = gate();
    const piece = (label: string, wait?: Promise<void>) => async () => {
      log.push(`${label} starts`);
      await wait;
      log.push(`${label} ends`);
      return label;
    };

    const a1 = queue.run('master:1', piece('a1', slow.promise));
    const a2 = queue.run('master:1', piece('a2'));
    const b1 = queue.run('master:2', piece('b1'));
    await settle();

    expect(log).toEqual(['a1 starts', 'b1 starts', 'b1 ends']);
    await expect(b1).resolves.toBe('b1');
    slow.open();
    await expect(Promise.all([a1, a2])).resolves.toEqual(['a1', 'a2']);
    expect(log).toEqual(['a1 starts', 'b1 starts', 'b1 ends', 'a1 ends', 'a2 starts', 'a2 ends']);
  });

  it("gives a failure to its own caller only: the key's next piece still runs", async () => {
    const queue = new KeyedSerialQueue();
    const failing = queue.run('stream', () => Promise.reject(new Error('version conflict')));
    const throwing = queue.run('stream', () => {
      throw new Error('thrown before any await');
    });
    const next = queue.run('stream', async () => 'recorded');

    await expect(failing).rejects.toThrow('version conflict');
    await expect(throwing).rejects.toThrow('thrown before any await');
    await expect(next).resolves.toBe('recorded');
  });

  it('forgets a key once its work is done, and tells when everything given so far has settled', async () => {
    const queue = new KeyedSerialQueue();
    const hold = gate();
    void queue.run('chat:1', () => hold.promise);
    void queue.run('chat:2', () => Promise.reject(new Error('429')).catch(() => undefined));
    expect(queue.activeKeys).toBe(2);
    let settled = false;
    const all = queue.settled().then(() => (settled = true));
    await settle();
    expect(queue.activeKeys).toBe(1);
    expect(settled).toBe(false);
    hold.open();
    await all;
    await settle();
    expect(queue.activeKeys).toBe(0);
  });
});
