import { Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { AbandonReason, DeliveryResult } from '../../domain/broadcast/broadcast.events';
import { FileRef, MessageContent } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ContentSender, FileTooBigError } from '../media/content-sender';
import { PossiblySentError, TelegramApiError } from '../ports/telegram.port';

export interface CopyOutcome {
  result: DeliveryResult;
  /** The client bot's file id, when this copy uploaded the broadcast's file. */
  upload?: { fileUniqueId: string; fileId: string };
  /** Nobody else can be sent the message either. */
  stop?: AbandonReason;
}

export interface Broadcaster {
  broadcastId: string;
  masterId: number;
  botId: number;
  correlationId: string;
}

/** Where a copy is sent from: the MasterBot's file until the client bot has its own, then the client bot's. */
export function copySource(content: MessageContent, botId: number, upload: { fileUniqueId: string; fileId: string } | null) {
  if (!('file' in content) || !upload || upload.fileUniqueId !== content.file.fileUniqueId) return { from: 'master' as const, content };
  const file: FileRef = { ...content.file, fileId: upload.fileId };
  return { from: botId, content: { ...content, file } };
}

/**
 * Sends one customer their copy and turns Telegram's answer into an outcome; never throws for a
 * Telegram answer, so one customer's failure never costs the others their recorded outcome.
 *
 * An error without a clear answer (a 5xx, a dropped connection) counts as `failed` and is not retried:
 * the copy may have arrived, and a customer must never get the broadcast twice.
 */
export class BroadcastCopies {
  private readonly logger = new Logger('Broadcast');

  constructor(
    private readonly sender: ContentSender,
    private readonly aggregates: AggregateStore,
  ) {}

  async send(broadcast: Broadcaster, customerId: number, from: number | 'master', content: MessageContent): Promise<CopyOutcome> {
    const { botId } = broadcast;
    try {
      const sent = await this.sender.send({ botId: from }, { botId, chatId: customerId }, content);
      const uploaded = sent.uploaded.find((u) => u.botId === botId);
      return {
        result: { customerId, outcome: 'delivered' },
        ...(uploaded ? { upload: { fileUniqueId: uploaded.fileUniqueId, fileId: uploaded.fileId } } : {}),
      };
    } catch (error) {
      if (error instanceof FileTooBigError)
        return { result: { customerId, outcome: 'failed', reason: 'file_too_big' }, stop: 'file_too_big' };
      if (error instanceof PossiblySentError) return { result: { customerId, outcome: 'failed', reason: 'possibly_sent' } };
      if (!(error instanceof TelegramApiError)) {
        this.logger.warn(`broadcast ${broadcast.broadcastId} to ${customerId}: ${String(error)}`);
        return { result: { customerId, outcome: 'failed', reason: 'error' } };
      }
      if (error.blockedByUser) {
        await this.recordBlocked(broadcast, customerId);
        return { result: { customerId, outcome: 'blocked' } };
      }
      if (error.tokenRevoked) return { result: { customerId, outcome: 'failed', reason: 'token_revoked' }, stop: 'token_revoked' };
      return { result: { customerId, outcome: 'failed', reason: `telegram_${error.code}` } };
    }
  }

  /** On the customer's conversation too, so the `customers` read model leaves them out of later broadcasts. */
  private async recordBlocked({ broadcastId, masterId, botId, correlationId }: Broadcaster, customerId: number): Promise<void> {
    const origin = { causationId: `broadcast-${broadcastId}:blocked`, correlationId, occurredAt: new Date().toISOString() };
    await this.aggregates
      .handle(
        conversationStreamId(botId, customerId),
        conversationDecider,
        { type: 'RecordBlocked', botId, customerId, masterId, blocked: true },
        origin,
      )
      .catch((error: unknown) => this.logger.warn(`could not record that ${customerId} blocked bot ${botId}: ${String(error)}`));
  }
}
