import { Decider, DomainEvent, unknownEvent } from '../shared/decider';

/**
 * Who owns a client bot, across all masters: one small stream per bot (`client-bot-<botId>`). Claiming
 * appends with the stream's expected revision, so two masters pasting the same token at once cannot
 * both win — a uniqueness rule that a per-master aggregate alone could not enforce.
 */
export type ClientBotRegistryEvent =
  | DomainEvent<'ClientBotClaimed', { botId: number; masterId: number; claimedAt: string }>
  | DomainEvent<'ClientBotReleased', { botId: number; masterId: number }>;

export type ClientBotRegistryCommand =
  /**
   * `ownerHolds`: whether the current owner (if another master) still has the bot attached, or claimed it
   * so recently that its attach may still be under way. A claim whose attach never happened (a crash,
   * a refusal) therefore expires instead of locking the bot forever.
   */
  | { type: 'Claim'; botId: number; masterId: number; ownerHolds: boolean; now: string }
  | { type: 'Release'; botId: number; masterId: number };

export interface ClientBotRegistryState {
  owner: number | null;
  claimedAt: string | null;
}

/** How long a claim protects an attach that is still under way. */
export const CLAIM_GRACE_MS = 60_000;

export class BotOwnedElsewhereError extends Error {
  constructor(readonly botId: number) {
    super(`Client bot ${botId} is attached to another master`);
  }
}

export const clientBotRegistryStreamId = (botId: number): string => `client-bot-${botId}`;

export const clientBotRegistryDecider: Decider<ClientBotRegistryCommand, ClientBotRegistryEvent, ClientBotRegistryState> = {
  initialState: () => ({ owner: null, claimedAt: null }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'ClientBotClaimed':
        return { owner: event.data.masterId, claimedAt: event.data.claimedAt };
      case 'ClientBotReleased':
        return { owner: null, claimedAt: null };
      default: {
        const _exhaustive: never = event;
        return unknownEvent(_exhaustive);
      }
    }
  },
  decide: (command, state) => {
    const { botId, masterId } = command;
    if (command.type === 'Claim') {
      if (state.owner === masterId) return [];
      if (state.owner !== null && command.ownerHolds) throw new BotOwnedElsewhereError(botId);
      return [{ type: 'ClientBotClaimed', data: { botId, masterId, claimedAt: command.now } }];
    }
    return state.owner === masterId ? [{ type: 'ClientBotReleased', data: { botId, masterId } }] : [];
  },
};
