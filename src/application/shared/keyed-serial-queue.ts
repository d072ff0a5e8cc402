const ignore = (): void => undefined;

/**
 * The one keyed serial queue of the process. Work given the same key runs strictly one piece after
 * another, in the order it was given; work under different keys runs concurrently and knows nothing of
 * the other keys, so a key whose work is slow or hung delays only its own later work.
 *
 * A piece's failure is its caller's (the returned promise rejects) and does not stop the key: the next
 * piece runs all the same. A key holds no memory once its work is done. Unbounded: callers bound what
 * they queue. Used by the command side (one command per aggregate stream at a time in this process, so
 * only other processes ever conflict on a revision) and by the reactors' lanes (one reaction per chat).
 *
 * WARNING: a piece that queues more work under its own key and waits for it never finishes (it waits
 * for itself); work under other keys is fine.
 */
export class KeyedSerialQueue {
  /** Per key, a promise that settles when the last piece given so far has settled (never rejects). */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` after every earlier piece of `key` has settled; resolves or rejects as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // Always started from a then(): a synchronous throw in `work` becomes this call's rejection.
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get activeKeys(): number {
    return this.tails.size;
  }

  /** Resolves once every piece given so far has settled (succeeded or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}
