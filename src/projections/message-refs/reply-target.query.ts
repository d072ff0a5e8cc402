import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReplyTargetLookup } from '../../application/ports/read-models.port';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections.service';
import { MessageRefRow } from './message-ref.entity';

@Injectable()
export class ReplyTargetQuery implements ReplyTargetLookup {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projections: ProjectionsService,
  ) {}

  async find(masterChatId: number, relayedMessageId: number): Promise<ReplyTarget | null> {
    let row = await this.load(masterChatId, relayedMessageId);
    if (!row && (await this.projections.catchUp('message_refs'))) row = await this.load(masterChatId, relayedMessageId);
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
    return this.dataSource.getRepository(MessageRefRow).findOneBy({ masterChatId, relayedMessageId });
  }
}
