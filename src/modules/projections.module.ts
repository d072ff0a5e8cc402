import { Global, Module } from '@nestjs/common';
import { BROADCAST_RECIPIENTS } from '../application/broadcast/broadcast-recipients.port';
import { MEDIA_CACHE } from '../application/media/media-cache.port';
import { BANNED_CUSTOMERS, BOT_DIRECTORY, OWN_CHAT_COPIES, REPLY_TARGETS } from '../application/ports/read-models.port';
import { BannedCustomersQuery } from '../projections/banned-customers/banned-customers.query';
import { BotDirectoryQuery } from '../projections/client-bots/bot-directory.query';
import { BroadcastRecipientsQuery } from '../projections/customers/broadcast-recipients.query';
import { HistoryBotDirectory } from '../projections/history-index/history-bot-directory';
import { HistoryTail } from '../projections/history-index/history-tail';
import { ReplyTargetIndex } from '../projections/history-index/reply-target-index';
import { MediaCacheQuery } from '../projections/media-cache/media-cache.query';
import { ReplyTargetQuery } from '../projections/message-refs/reply-target.query';
import { ProjectionsService } from '../projections/projections.service';

const providers = [
  ProjectionsService,
  BotDirectoryQuery,
  ReplyTargetQuery,
  // Intake and replies look bots and reply targets up in the event history, not the read models.
  HistoryTail,
  HistoryBotDirectory,
  ReplyTargetIndex,
  { provide: BOT_DIRECTORY, useExisting: HistoryBotDirectory },
  { provide: REPLY_TARGETS, useExisting: ReplyTargetIndex },
  // M14: copies relayed into owners' chats with their bots, by (bot, message): never in message_refs.
  { provide: OWN_CHAT_COPIES, useExisting: ReplyTargetIndex },
  MediaCacheQuery,
  { provide: MEDIA_CACHE, useExisting: MediaCacheQuery },
  BannedCustomersQuery,
  { provide: BANNED_CUSTOMERS, useExisting: BannedCustomersQuery },
  { provide: BROADCAST_RECIPIENTS, useClass: BroadcastRecipientsQuery },
];

/** The read side: the projections service and the lookups behind the application's read-model ports. Global. */
@Global()
@Module({
  providers,
  exports: providers.map((p) => ('provide' in p ? p.provide : p)),
})
export class ProjectionsModule {}
