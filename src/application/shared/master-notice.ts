import { EventShape, RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BannedCustomers, BotDirectory } from '../ports/read-models.port';
import { ContentVault } from '../ports/crypto.port';
import { BotApi, InlineButton, isTelegramRefusal } from '../ports/telegram.port';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BotApis } from '../reactors/client-bot-apis';

/** What a slice's notice renderer may use: the MasterBot chat of the event's master, the bots, and the app's lookups. */
export interface MasterNoticeContext {
  /** Sends a message to the master in the MasterBot chat. */
  readonly say: (text: string, buttons?: InlineButton[][]) => Promise<unknown>;
  /** The MasterBot itself (to delete a message in the master's chat, …). */
  readonly master: BotApi;
  /** The client bots (a notice said in the owner's own chat with a bot, or in its team group). */
  readonly bots: BotApis;
  readonly aggregates: AggregateStore;
  readonly directory: BotDirectory;
  readonly banned: BannedCustomers;
  readonly vault: ContentVault;
  /** Logs a side effect that failed without failing the notice (a bot's menu, a group greeting). */
  readonly warn: (message: string) => void;
}

/**
 * A slice's answer to the master: what the MasterBot says when one of `handles` is recorded. The
 * master-notifier reactor runs these (one checkpoint, one lane per master, at-least-once, see its WARNING);
 * the slice owns the words. Several slices may handle one event type (`StateChanged`, `BotChosen`): each renders
 * only its own case of it and lets the others pass, in the order the master-notifier lists the slices.
 */
export interface MasterNotice<E extends EventShape> {
  readonly handles: TypesOf<E>;
  render(event: RecordedEvent<E>, context: MasterNoticeContext): Promise<void>;
}

/** Deletes a message in the master's chat; one already gone (or too old to delete) is no failure. */
export async function deleteQuietly(master: BotApi, chatId: number, messageId: number): Promise<void> {
  await master.deleteMessage(chatId, messageId).catch((error: unknown) => {
    if (!isTelegramRefusal(error)) throw error;
  });
}
