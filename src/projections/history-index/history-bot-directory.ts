import { Inject, Injectable } from '@nestjs/common';
import { upcast, upcasters } from '../../application/command-handling/upcasters';
import { EVENT_STORE, EventStore } from '../../application/ports/event-store.port';
import { BotDirectory, BotStats, ClientBotRecord } from '../../application/ports/read-models.port';
import { clientBotRegistryStreamId } from '../../domain/client-bot/client-bot-registry';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { BotDirectoryQuery } from '../client-bots/bot-directory.query';
import { BOT_RECORD_CHANGES, botsChangedBy, claimantsOf, foldClientBot } from './client-bot-history';
import { BoundedMap } from '../../application/shared/bounded-map';
import { HistoryTail } from './history-tail';

/** The bot events' names as a master's stream may hold them (older names of renamed types included). */
const BOT_RECORD_STORED_TYPES = upcasters.storedNamesOf(BOT_RECORD_CHANGES);

/** Bots held in memory (about 0.5 KB each, up to ~5 KB with a long greeting: 2.5–25 MB at the cap); 5× the 1,000-bot target. */
export const BOT_RECORD_CAPACITY = 5_000;

/**
 * Looking a client bot up for every customer update (webhook admission, intake, relays, deliveries) from
 * the event history, never the read-model database: on a miss, the bot's registry stream names the
 * masters that claimed it, and their streams are folded (`foldClientBot`). Records are kept in a bounded
 * LRU and dropped as soon as the history tail reads an event that changes the bot.
 *
 * Listing (start-up reconciliation of webhooks and pollers, /bots with its counters) still reads the
 * `client_bots` read model: those run at start (when the database must be up) or answer a master's command.
 */
@Injectable()
export class HistoryBotDirectory implements BotDirectory {
  private readonly records = new BoundedMap<number, ClientBotRecord | null>(BOT_RECORD_CAPACITY);
  private readonly loading = new Map<number, Promise<ClientBotRecord | null>>();
  /** Counts changes read by the tail: a fold that raced with one is returned but not kept (it may predate it). */
  private changes = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tail: HistoryTail,
    private readonly readModel: BotDirectoryQuery,
  ) {
    tail.onEvents((events) => {
      for (const event of events)
        for (const botId of botsChangedBy(event)) {
          this.changes += 1;
          this.records.delete(botId);
          this.loading.delete(botId);
        }
    });
  }

  /** @param atLeast the record reflects at least the history up to this position (waits for the tail, else reads afresh). */
  async get(botId: number, atLeast?: bigint): Promise<ClientBotRecord | null> {
    if (atLeast !== undefined && !(await this.tail.reached(atLeast, 2000))) return this.fold(botId);
    if (this.records.has(botId)) return this.records.get(botId) ?? null;
    let pending = this.loading.get(botId);
    if (!pending) {
      const changesBefore = this.changes;
      pending = this.fold(botId).then((record) => {
        if (this.changes === changesBefore) this.records.set(botId, record);
        return record;
      });
      pending.finally(() => this.loading.get(botId) === pending && this.loading.delete(botId)).catch(() => undefined);
      this.loading.set(botId, pending);
    }
    return pending;
  }

  listAttached(): Promise<ClientBotRecord[]> {
    return this.readModel.listAttached();
  }

  statsOf(masterId: number): Promise<BotStats[]> {
    return this.readModel.statsOf(masterId);
  }

  private async fold(botId: number): Promise<ClientBotRecord | null> {
    const claimants = claimantsOf((await this.store.readStream(clientBotRegistryStreamId(botId))).map(upcast));
    // Only the events that change a bot's record (under their stored names, older ones included): a busy master's
    // stream is mostly replies (one event each), which the embedded store then skips without parsing them (until
    // 2026-11-29 each miss read and parsed the whole stream: ~0.6 s at 100,000 events).
    const streams = await Promise.all(
      claimants.map((masterId) => this.store.readStream(masterStreamId(masterId), { types: BOT_RECORD_STORED_TYPES })),
    );
    return foldClientBot(botId, streams.flat().map(upcast));
  }
}
