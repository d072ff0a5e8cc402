import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ContentVault } from '../ports/crypto.port';
import { isSettledFailure } from '../ports/telegram.port';
import { texts } from '../reactors/texts';
import { ContentSender } from './content-sender';
import { readRelayContent, readReplyContent } from './relay-content';

type Edited = ConversationEventOf<'CustomerMessageEdited'>['data'];

/**
 * C3: a customer's edit reaches the master as a notice replying to the relayed message (Telegram gives a
 * bot no way to edit the master's copy into something the master already read without hiding that it
 * changed). Recorded per (message, edit time), so a re-run does not repeat the notice.
 */
export class EditRelay {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly sender: ContentSender,
    private readonly vault: ContentVault,
  ) {}

  async relay(data: Edited, origin: CommandOrigin): Promise<void> {
    const stream = conversationStreamId(data.botId, data.customerId);
    const { recorded, state } = await this.aggregates.load(stream, conversationDecider);
    if (state.editOutcomes.has(`${data.messageId}:${data.editedAt}`)) return;
    const edit = readReplyContent(this.vault.open(data.content));
    // Erased content leaves nothing to tell. A live location "edits" itself every few seconds: no notices.
    if (!edit || edit.content.kind === 'location') return;
    const [original] = recorded.flatMap((e) =>
      e.type === 'CustomerMessageReceived' && e.data.messageId === data.messageId ? [e.data] : [],
    );
    const customer = original ? readRelayContent(this.vault.open(original.content))?.customer : undefined;
    const name = customer?.firstName ?? 'The customer';
    const body = textOf(edit.content);
    const notice = body ? texts.media.edited(name, body) : texts.media.editedWithoutText(name);
    try {
      const sent = await this.sender.send(
        { botId: 'master' },
        { botId: 'master', chatId: data.masterId },
        { kind: 'text', text: notice },
        { replyToMessageId: state.relayed.get(data.messageId) },
      );
      const { botId, customerId, masterId, messageId, editedAt } = data;
      await this.aggregates.handle(
        stream,
        conversationDecider,
        { type: 'RecordEditRelay', botId, customerId, masterId, messageId, editedAt, noticeMessageId: sent.messageId },
        origin,
      );
    } catch (error) {
      // The master blocked the MasterBot, or similar: an edit notice is not worth holding the relay for.
      if (!isSettledFailure(error)) throw error;
    }
  }
}

function textOf(content: MessageContent): string | undefined {
  if (content.kind === 'text') return content.text;
  if ('caption' in content) return content.caption;
  return undefined;
}
