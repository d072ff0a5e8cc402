import { Inject, Injectable } from '@nestjs/common';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { ReplyTarget } from '../../domain/master-user/master-user.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';

/** Builds the domain's Reply command: the text sealed under the target conversation's key. */
@Injectable()
export class ReplyComposer {
  constructor(@Inject(CONTENT_VAULT) private readonly vault: ContentVault) {}

  async compose(origin: CommandOrigin, masterId: number, messageId: number, target: ReplyTarget | null, text: string | null): Promise<MasterUserCommand> {
    return {
      type: 'Reply',
      masterId,
      replyId: origin.causationId,
      masterMessageId: messageId,
      target,
      content: target && text !== null ? await this.vault.seal(target.conversationId, { text }) : null,
    };
  }
}
