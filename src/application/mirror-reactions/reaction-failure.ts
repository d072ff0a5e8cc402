import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { TelegramApiError } from '../ports/telegram.port';

/** Why Telegram would not set a mirrored reaction, as recorded (bounded words: the metrics label them). */
export function reactionRefusal(error: TelegramApiError): string {
  if (error.blockedByUser) return 'customer_blocked_bot';
  if (/message to react not found|message not found|MESSAGE_ID_INVALID/i.test(error.description)) return 'message_not_found';
  if (/REACTION_INVALID/i.test(error.description)) return 'reaction_not_allowed';
  return `telegram_${error.code}`;
}

/**
 * M13: a mirrored reaction Telegram refused is recorded on the conversation (`ReactionNotMirrored`: the audit
 * timeline shows it, `/metrics` counts it) instead of being lost in a log line. A reaction is not worth a
 * notice: nobody is told.
 */
export async function recordReactionFailure(
  aggregates: AggregateStore,
  who: { botId: number; customerId: number; masterId: number },
  failure: { towards: 'customer' | 'inbox'; chatId: number; messageId: number; reason: string },
  origin: CommandOrigin,
): Promise<void> {
  await aggregates.handle(
    conversationStreamId(who.botId, who.customerId),
    conversationDecider,
    { type: 'RecordReactionFailure', ...who, ...failure },
    origin,
  );
}
