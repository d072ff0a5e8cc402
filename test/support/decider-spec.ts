import { Decider } from '../../src/domain/shared/decider';

/**
 * Given / when / then for pure deciders: given past events, when a command is decided, then these
 * events (or this error). Reads like the product: `given(registered).when(add).then(askedForToken)`.
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(...history: E[]) {
      const state = history.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      return {
        state,
        when(command: C) {
          const decide = () => decider.decide(command, state);
          return {
            then(...expected: E[]): E[] {
              const actual = decide();
              expect(actual).toEqual(expected);
              return actual;
            },
            thenNothing(): void {
              expect(decide()).toEqual([]);
            },
            thenThrows(error: new (...args: never[]) => Error): void {
              expect(decide).toThrow(error);
            },
            /** The state after the decided events: for checking what a transition leads to. */
            thenState(): S {
              return decide().reduce((s, e) => decider.evolve(s, e), state);
            },
          };
        },
      };
    },
  };
}
