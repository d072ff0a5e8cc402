import { ConversationCommand } from '../../domain/conversation/conversation.commands';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { MessageContent } from '../../domain/shared/message-content';
import { AggregateStore } from '../command-handling/aggregate-store';
import { receivedMessage } from '../customer-message/conversation-reads';
import { ContentVault } from '../ports/crypto.port';
import { BotApi, InlineButton, isSettledFailure, isTelegramRefusal } from '../ports/telegram.port';
import { answerWords } from '../edit-answer/answer-words';
import { BotApis } from '../reactors/client-bot-apis';
import { relayButtonData } from '../reactors/relay-buttons';
import { texts } from '../reactors/texts';
import { inboxTexts } from '../own-chat/inbox.texts';
import { ContentSender } from './content-sender';
import { readRelayContent, readReplyContent } from './relay-content';

type Edited = ConversationEventOf<'CustomerMessageEdited'>['data'];
type EditRelayRecord = Extract<ConversationCommand, { type: 'RecordEditRelay' }>;

/**
 * C3: a customer's edit reaches the master as a notice replying to the relayed message (the MasterBot's copy
 * carries a header and buttons, and an edit there would be easy to miss among the master's many chats).
 * Recorded per (message, edit time), so a re-run does not repeat the notice. M12: a message relayed into the
 * customer's topic is edited there instead (see `showEdit`). M14: so is one relayed into the owner's own chat with
 * the client bot (in the customer's topic there; without topics the copy carries a header, so a line replying to it
 * says what changed, with the copy's 🚫 Ban button: a Reply to that line answers the customer too).
 */
export class EditRelay {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly sender: ContentSender,
    private readonly vault: ContentVault,
    private readonly bots: BotApis,
  ) {}

  async relay(data: Edited, origin: CommandOrigin): Promise<void> {
    const stream = conversationStreamId(data.botId, data.customerId);
    const state = await this.aggregates.current(stream, conversationDecider);
    if (state.editOutcomes.has(`${data.messageId}:${data.editedAt}`)) return;
    const edit = readReplyContent(this.vault.open(data.content));
    // Erased content leaves nothing to tell. A live location "edits" itself every few seconds: no notices.
    if (!edit || edit.content.kind === 'location') return;
    // The copies and the relayed message's id as they are now (the fold moves on after an await).
    const topicCopy = state.topicCopies.get(data.messageId);
    const ownChatCopy = state.ownChatCopies.get(data.messageId);
    const relayedMessageId = state.relayed.get(data.messageId);
    const original = (await receivedMessage(this.aggregates, stream, state, data.messageId))?.data;
    const customer = original ? readRelayContent(this.vault.open(original.content))?.customer : undefined;
    const name = customer?.firstName ?? 'The customer';
    const body = textOf(edit.content);
    const notice = body ? texts.media.edited(name, body) : texts.media.editedWithoutText(name);
    // A group that refuses the bot now (removed, topic deleted): the MasterBot chat gets the notice instead.
    if (topicCopy && (await this.inTopic(data, origin, edit.content, notice, topicCopy))) return;
    // The owner's chat refusing the bot now (blocked): the MasterBot chat gets the notice instead.
    if (ownChatCopy && (await this.inOwnChat(data, origin, edit.content, notice, ownChatCopy))) return;
    try {
      const sent = await this.sender.send(
        { botId: 'master' },
        { botId: 'master', chatId: data.masterId },
        { kind: 'text', text: notice },
        { replyToMessageId: relayedMessageId },
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

  /** true when the edit was shown in the topic and recorded; false when the group refused it. */
  private inTopic(data: Edited, origin: CommandOrigin, content: MessageContent, notice: string, copy: Required<TopicCopy>) {
    return this.inClientBotChat(data, origin, content, notice, copy, undefined, (copyEdited) => ({
      inTopic: { chatId: copy.chatId, threadId: copy.threadId, copyEdited },
    }));
  }

  /** M14: true when the edit was shown in the owner's chat with the bot and recorded; false when that chat refused it. */
  private inOwnChat(
    data: Edited,
    origin: CommandOrigin,
    content: MessageContent,
    notice: string,
    copy: { threadId?: number; relayedMessageId: number },
  ) {
    const { threadId, relayedMessageId } = copy;
    // Without topics the copy reads "💬 Carol\n\n…" under its button: not edited in place, answered by Reply.
    const buttons = threadId === undefined ? ownChatButtons(data.botId, data.customerId, data.messageId) : undefined;
    return this.inClientBotChat(
      data,
      origin,
      content,
      notice,
      { chatId: data.masterId, threadId, relayedMessageId },
      buttons,
      (copyEdited) => ({
        inOwnChat: { copyEdited, ...(threadId !== undefined ? { threadId } : {}) },
      }),
    );
  }

  /** The edit shown by the client bot where it posted the copy (a topic, the owner's chat), and recorded with `where`. */
  private async inClientBotChat(
    data: Edited,
    origin: CommandOrigin,
    content: MessageContent,
    notice: string,
    copy: TopicCopy,
    buttons: InlineButton[][] | undefined,
    where: (copyEdited: boolean) => Pick<EditRelayRecord, 'inTopic' | 'inOwnChat'>,
  ): Promise<boolean> {
    const { botId, customerId, masterId, messageId, editedAt } = data;
    const api = await this.bots.client(botId);
    if (!api) return false;
    try {
      const { noticeMessageId, copyEdited } = await showEdit(api, copy, content, notice, buttons);
      await this.aggregates.handle(
        conversationStreamId(botId, customerId),
        conversationDecider,
        { type: 'RecordEditRelay', botId, customerId, masterId, messageId, editedAt, noticeMessageId, ...where(copyEdited) },
        origin,
      );
      return true;
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      return false;
    }
  }
}

type TopicCopy = { chatId: number; threadId?: number; relayedMessageId: number };

/** M14: the 🚫 Ban button of a copy in the owner's chat without topics; its data names the customer for a Reply. */
const ownChatButtons = (botId: number, customerId: number, customerMessageId: number): InlineButton[][] => [
  [{ text: inboxTexts.banButton, callbackData: relayButtonData('ban', { botId, customerId, customerMessageId }) }],
];

/**
 * M12: in the customer's topic the copy itself is edited by the client bot that posted it (Telegram marks it
 * "edited" for everyone there; the conversation reads as it now stands, in its place). Where it cannot be (a
 * kind without words, the copy deleted by an agent, any refusal), a line replying to it says what changed.
 * WARNING: a customer who replaced a photo's file gets only its caption edited in the topic. M14: the same in the
 * owner's chat with the bot; `buttons`: a copy with a header (no topics), never edited in place: the line carries these.
 */
async function showEdit(
  api: BotApi,
  copy: TopicCopy,
  content: MessageContent,
  notice: string,
  buttons?: InlineButton[][],
): Promise<{ noticeMessageId: number; copyEdited: boolean }> {
  const { chatId, threadId, relayedMessageId } = copy;
  const words = buttons ? null : answerWords(content);
  if (words) {
    try {
      if (words.kind === 'text') await api.editText(chatId, relayedMessageId, words.text);
      else await api.editCaption(chatId, relayedMessageId, words.text);
      return { noticeMessageId: relayedMessageId, copyEdited: true };
    } catch (error) {
      if (!isTelegramRefusal(error)) throw error;
      // Already reads like this (a repeat after a crash): done.
      if (error.notModified) return { noticeMessageId: relayedMessageId, copyEdited: true };
    }
  }
  const sent = await api.sendText(chatId, notice, { threadId, replyToMessageId: relayedMessageId, buttons });
  return { noticeMessageId: sent.messageId, copyEdited: false };
}

function textOf(content: MessageContent): string | undefined {
  if (content.kind === 'text') return content.text;
  if ('caption' in content) return content.caption;
  return undefined;
}
