import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { MasterUserState } from '../../domain/master-user/master-user.state';

/**
 * What a master's message that is neither a command nor a reply means, by the state the master is in:
 * a bot token while adding a bot, the answer while responding to a customer, the greeting or broadcast
 * for the bot chosen for one; otherwise nothing is being asked for. Pure: the handler reads the message
 * by it once (with the I/O that takes: verifying a token, sealing), and the retried decision checks that
 * the master is still in the same situation.
 */
export type MessageSituation =
  | { kind: 'plain' }
  | { kind: 'token'; text: string }
  | { kind: 'reply'; target: ReplyTarget }
  | { kind: 'greeting'; botId: number }
  | { kind: 'broadcast' };

const PLAIN: MessageSituation = { kind: 'plain' };

/** @param text the message's text, or null for anything else (a photo, a sticker, …). */
export function situationOf(state: MasterUserState, text: string | null): MessageSituation {
  if (!state.registered) return PLAIN;
  switch (state.fsm) {
    case 'AwaitingBotToken':
      return text === null ? PLAIN : { kind: 'token', text };
    case 'Responding':
      return state.respondingTo ? { kind: 'reply', target: state.respondingTo } : PLAIN;
    case 'AwaitingGreeting':
      return state.chosenBot ? { kind: 'greeting', botId: state.chosenBot.botId } : PLAIN;
    case 'AwaitingBroadcast':
      return { kind: 'broadcast' };
    case 'Main':
    case 'ChoosingBot':
      return PLAIN; // nothing is being asked for (a picker waits for a button)
  }
}

/** Whether two readings give the message the same meaning — and so the same key its content is sealed under. */
export function sameSituation(a: MessageSituation, b: MessageSituation): boolean {
  return keyOf(a) === keyOf(b);
}

function keyOf(situation: MessageSituation): string {
  switch (situation.kind) {
    case 'reply':
      return `reply:${situation.target.conversationId}:${situation.target.relayedMessageId}`;
    case 'greeting':
      return `greeting:${situation.botId}`;
    case 'plain':
    case 'token':
    case 'broadcast':
      return situation.kind;
  }
}
