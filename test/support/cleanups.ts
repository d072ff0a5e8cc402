/**
 * What a test opened, undone in reverse order after it (and once more after all, for anything a failing
 * `beforeAll` left). Every undo runs even if an earlier one throws; the first error is rethrown.
 */
export class Cleanups {
  private readonly undos: (() => unknown)[] = [];

  push(undo: () => unknown): void {
    this.undos.push(undo);
  }

  readonly runAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (let undo = this.undos.pop(); undo; undo = this.undos.pop())
      await Promise.resolve()
        .then(undo)
        .catch((e) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  };
}
