import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReplyTargetLookup } from '../../application/ports/read-models.port';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { exclusiveOnSqlite } from '../runner/exclusive-on-sqlite';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { MessageRefRow } from './message-ref.entity';

@Injectable()
export class ReplyTargetQuery implements ReplyTargetLookup {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {}

  /**
   * On a miss, keeps looking for a moment: the relayed copy reaches the master's phone before our
   * relay reactor has recorded MessageRelayed (it learns the message id from Telegram's answer), so an
   * instant reply can arrive before the row exists. A reply to a message that is really not a relay
   * is answered after this grace period.
   */
  async find(masterChatId: number, relayedMessageId: number, graceMs = 1500): Promise<ReplyTarget | null> {
    const deadline = Date.now() + graceMs;
    let row = await this.load(masterChatId, relayedMessageId);
    while (!row && Date.now() < deadline) {
      await this.projections.catchUp('message_refs', 100);
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = await this.load(masterChatId, relayedMessageId);
    }
    if (!row) return null;
    return {
      botId: row.botId,
      customerId: row.customerId,
      conversationId: row.conversationId,
      customerMessageId: row.customerMessageId,
      relayedMessageId: row.relayedMessageId,
    };
  }

  private load(masterChatId: number, relayedMessageId: number): Promise<MessageRefRow | null> {
    return exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(MessageRefRow).findOneBy({ masterChatId, relayedMessageId }),
    );
  }
}
