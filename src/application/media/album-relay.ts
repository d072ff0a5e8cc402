import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ContentVault } from '../ports/crypto.port';
import { isTelegramRefusal, PossiblySentError } from '../ports/telegram.port';
import type { RelayJob, RelayReactor } from '../reactors/relay.reactor';
import { ContentSender } from './content-sender';
import { FileTooBigError } from './file-too-big.error';
import { UploadedFile } from './file-transfer';
import { readRelayContent } from './relay-content';

/**
 * How long after an album's first item was recorded its siblings are awaited. Telegram sends an album as
 * one update per item, back to back; a second covers the usual spread without holding the relay long.
 */
export const ALBUM_SETTLE_MS = 1000;

/**
 * How many of the conversation's last events are searched for an item's siblings (an album is at most 10 items,
 * each with its outcome, recorded within a second): a long conversation is not read whole for each item. A sibling
 * further back than that is relayed on its own.
 */
export const ALBUM_LOOKBACK_EVENTS = 200;

/**
 * Relays a customer's album as one album (sendMediaGroup) where the Bot API allows. Each item's outcome
 * is recorded with that item's own Received event as its cause, so when a sibling's event comes up the
 * relay finds it done and skips it; an item recorded after its group went out is relayed on its own.
 */
export class AlbumRelay {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly sender: ContentSender,
    private readonly vault: ContentVault,
    private readonly reactor: RelayReactor,
  ) {}

  /** True when the item was handled here (relayed with its album, or already done); false: relay it alone. */
  async relay(job: RelayJob, recordedAt: Date): Promise<boolean> {
    const wait = recordedAt.getTime() + ALBUM_SETTLE_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { recorded, state } = await this.aggregates.recent(job.stream, conversationDecider, ALBUM_LOOKBACK_EVENTS);
    if (state.relayOutcomes.has(job.data.messageId)) return true;
    const pending = recorded
      .flatMap((e) => (e.type === 'CustomerMessageReceived' ? [{ event: e, data: e.data }] : []))
      .filter(({ data }) => data.mediaGroupId === job.data.mediaGroupId && !state.relayOutcomes.has(data.messageId))
      .sort((a, b) => a.data.messageId - b.data.messageId);
    const opened = pending.map(({ data }) => readRelayContent(this.vault.open(data.content)));
    if (pending.length < 2 || opened.some((c) => c === null)) return false;
    const first = opened[0]!;
    const header = await this.reactor.header(job, first);
    const items = opened.map((c) => c!.content);
    if (!this.sender.canSendAsAlbum(items, header)) return false;

    let sent: { messageIds: number[]; uploaded: UploadedFile[] };
    try {
      sent = await this.sender.sendAlbum({ botId: job.data.botId }, { botId: 'master', chatId: job.data.masterId }, items, { header });
    } catch (error) {
      // The group as a whole was refused (a file too big, a mix Telegram would not take): one by one, then.
      if (error instanceof FileTooBigError || isTelegramRefusal(error)) return false;
      if (!(error instanceof PossiblySentError)) throw error;
      // The album may be in the master's chat already: relaying it again, or item by item, could repeat it.
      for (const { event, data } of pending)
        await this.reactor.recordRefusal({ ...job, data, origin: { ...job.origin, causationId: event.id } }, error);
      return true;
    }
    for (const [i, { event, data }] of pending.entries()) {
      const file = items[i].file;
      const origin = { ...job.origin, causationId: event.id };
      await this.reactor.recordRelay(
        { ...job, data, origin },
        { messageId: sent.messageIds[i], extraMessageIds: [], uploaded: sent.uploaded.filter((u) => u.fileUniqueId === file.fileUniqueId) },
      );
    }
    return true;
  }
}
