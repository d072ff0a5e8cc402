import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReplyTargetLookup } from '../../application/ports/read-models.port';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { readCheckpointState } from '../../processing/projection-checkpoint.store';
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
    return row ? toTarget(row) : null;
  }

  /**
   * The row as the read model has it now, without waiting, and how far the read model is: `upTo` is the
   * projection's checkpoint read *before* the row, so every relay recorded up to it would have been found.
   */
  lookupNow(masterChatId: number, relayedMessageId: number): Promise<{ target: ReplyTarget | null; upTo: bigint | null }> {
    return exclusiveOnSqlite(this.dataSource, async () => {
      const checkpoint = await readCheckpointState(this.dataSource, 'message_refs');
      const row = await this.dataSource.getRepository(MessageRefRow).findOneBy({ masterChatId, relayedMessageId });
      return { target: row ? toTarget(row) : null, upTo: checkpoint?.position ?? null };
    });
  }

  private load(masterChatId: number, relayedMessageId: number): Promise<MessageRefRow | null> {
    return exclusiveOnSqlite(this.dataSource, () =>
      this.dataSource.getRepository(MessageRefRow).findOneBy({ masterChatId, relayedMessageId }),
    );
  }
}

const toTarget = (row: MessageRefRow): ReplyTarget => ({
  botId: row.botId,
  customerId: row.customerId,
  conversationId: row.conversationId,
  customerMessageId: row.customerMessageId,
  relayedMessageId: row.relayedMessageId,
});
