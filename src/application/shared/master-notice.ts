import { EventShape, RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BannedCustomers, BotDirectory } from '../ports/read-models.port';
import { ContentVault } from '../ports/crypto.port';
import { InlineButton } from '../ports/telegram.port';
import { AggregateStore } from '../command-handling/aggregate-store';

/** What a slice's notice renderer may use: the MasterBot chat of the event's master, and the app's lookups. */
export interface MasterNoticeContext {
  /** Sends a message to the master in the MasterBot chat. */
  readonly say: (text: string, buttons?: InlineButton[][]) => Promise<unknown>;
  readonly aggregates: AggregateStore;
  readonly directory: BotDirectory;
  readonly banned: BannedCustomers;
  readonly vault: ContentVault;
}

/**
 * A slice's answer to the master: what the MasterBot says when one of `handles` is recorded. The
 * master-notifier reactor runs these (one checkpoint, one lane per master, at-least-once, see its WARNING);
 * the slice owns the words.
 */
export interface MasterNotice<E extends EventShape> {
  readonly handles: TypesOf<E>;
  render(event: RecordedEvent<E>, context: MasterNoticeContext): Promise<void>;
}
