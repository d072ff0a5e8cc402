import {
  BotOwnedElsewhereError,
  ClientBotRegistryCommand,
  clientBotRegistryDecider,
  ClientBotRegistryEvent,
  clientBotRegistryStreamId,
} from '../src/domain/client-bot/client-bot-registry';
import { deciderSpec } from './support/decider-spec';

const spec = deciderSpec(clientBotRegistryDecider);

const botId = 7000000001;
const alice = 1001;
const bob = 2002;
const earlier = '2025-01-01T10:00:00.000Z';
const now = '2025-01-01T10:05:00.000Z';

const claim = (masterId: number, ownerHolds: boolean): ClientBotRegistryCommand => ({ type: 'Claim', botId, masterId, ownerHolds, now });
const release = (masterId: number): ClientBotRegistryCommand => ({ type: 'Release', botId, masterId });
const claimed = (masterId: number, claimedAt = now): ClientBotRegistryEvent => ({
  type: 'ClientBotClaimed',
  data: { botId, masterId, claimedAt },
});
const released = (masterId: number): ClientBotRegistryEvent => ({ type: 'ClientBotReleased', data: { botId, masterId } });

describe('Client bot registry', () => {
  it('each client bot has its own registry stream', () => {
    expect(clientBotRegistryStreamId(botId)).toBe('client-bot-7000000001');
  });

  it('a bot nobody owns is claimed by the master who pastes its token', () => {
    spec.given().when(claim(alice, false)).then(claimed(alice));
    expect(spec.given().when(claim(alice, false)).thenState()).toEqual({ owner: alice, claimedAt: now });
  });

  it('the owner claiming their own bot again (a retried attach) changes nothing', () => {
    spec.given(claimed(alice, earlier)).when(claim(alice, true)).thenNothing();
    spec.given(claimed(alice, earlier)).when(claim(alice, false)).thenNothing();
  });

  it('another master is refused while the owner still holds the bot', () => {
    spec.given(claimed(alice, earlier)).when(claim(bob, true)).thenThrows(BotOwnedElsewhereError);
    const refusal = (() => {
      try {
        clientBotRegistryDecider.decide(claim(bob, true), spec.given(claimed(alice, earlier)).state);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(BotOwnedElsewhereError);
    expect((refusal as BotOwnedElsewhereError).botId).toBe(botId);
  });

  it('another master may take the bot over once the owner no longer holds it (an attach that never happened)', () => {
    spec.given(claimed(alice, earlier)).when(claim(bob, false)).then(claimed(bob));
    expect(spec.given(claimed(alice, earlier)).when(claim(bob, false)).thenState()).toEqual({ owner: bob, claimedAt: now });
  });

  it('the owner releasing the bot frees it', () => {
    spec.given(claimed(alice, earlier)).when(release(alice)).then(released(alice));
    expect(spec.given(claimed(alice, earlier)).when(release(alice)).thenState()).toEqual({ owner: null, claimedAt: null });
  });

  it('a released bot can be claimed by another master straight away', () => {
    spec.given(claimed(alice, earlier), released(alice)).when(claim(bob, true)).then(claimed(bob));
  });

  it('a master who does not own the bot cannot release it', () => {
    spec.given(claimed(alice, earlier)).when(release(bob)).thenNothing();
  });

  it('releasing a bot nobody owns changes nothing', () => {
    spec.given().when(release(alice)).thenNothing();
    spec.given(claimed(alice, earlier), released(alice)).when(release(alice)).thenNothing();
  });
});
