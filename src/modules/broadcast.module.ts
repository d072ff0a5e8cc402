import { Module } from '@nestjs/common';
import { BroadcastReactor } from '../application/broadcast/broadcast.reactor';
import { RequestBroadcastHandler } from '../application/start-broadcast/start-broadcast.handler';

/** A master's broadcast to a client bot's customers, sent at a paced rate by its reactor. */
@Module({
  providers: [RequestBroadcastHandler, BroadcastReactor],
  exports: [BroadcastReactor],
})
export class BroadcastModule {}
