import { Inject, Injectable } from '@nestjs/common';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';

/** Builds the domain's Reply command: the content (`{ content: MessageContent }`) sealed under the target conversation's key. */
@Injectable()
export class ReplyComposer {
  constructor(@Inject(CONTENT_VAULT) private readonly vault: ContentVault) {}

  async compose(
    origin: CommandOrigin,
    masterId: number,
    messageId: number,
    target: ReplyTarget | null,
    content: MessageContent | null,
  ): Promise<MasterUserCommand> {
    return {
      type: 'Reply',
      masterId,
      replyId: origin.causationId,
      masterMessageId: messageId,
      target,
      content: target && content !== null ? await this.vault.seal(target.conversationId, { content }) : null,
    };
  }
}
