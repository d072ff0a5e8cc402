import type { ChatState } from './chat-store';
import { commandEntities, MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH } from './formatted-text';
import { mediaContent, toFileInput, USER_MEDIA_FIELDS } from './media-objects';
import { postUserMessage, withoutReply } from './message-posting';
import { queryId, unixNow, type FakeState } from './method-context';
import { botUser, tgUser, type BotRecord } from './registry';
import type { Json, UserAction, UserContent, UserMessageAction } from './types';

export interface PaymentOptions {
  totalAmount?: number;
  currency?: string;
  subscriptionPeriod?: number;
}

/** What users do in their Telegram apps. Misuse (a message id that does not exist, a blocked bot) throws a
 * plain Error: it is a mistake in the test, not something the bot under test should see. */
export class UserSimulator {
  /** Every text and caption users typed (messages and edits), in order: what must never be stored in clear. */
  readonly typed: string[] = [];

  constructor(private readonly state: FakeState) {}

  sends(bot: BotRecord, userId: number, content: string | UserContent): UserMessageAction {
    const chat = this.state.chats.open(bot.id, this.state.registry.user(userId));
    if (chat.blocked) throw new Error(`user ${userId} blocked @${bot.username}; call userUnblocksBot() first`);
    const fields = this.contentFields(bot, chat, typeof content === 'string' ? { text: content } : content);
    const { entry, update } = postUserMessage(this.state, bot, chat, fields);
    for (const typed of [fields.text, fields.caption]) if (typeof typed === 'string') this.typed.push(typed);
    return { updateId: update.update_id, update, messageId: entry.messageId, message: entry.message };
  }

  edits(bot: BotRecord, userId: number, messageId: number, newText: string): UserAction {
    const chat = this.chatOf(bot, userId);
    const entry = chat.live(messageId);
    if (!entry || entry.fromBot || entry.message.text === undefined) {
      throw new Error(`chat ${userId} of @${bot.username} has no text message #${messageId} from the user`);
    }
    const entities = commandEntities(newText);
    const { entities: _previous, ...unformatted } = entry.message;
    entry.message = { ...unformatted, text: newText, ...(entities.length ? { entities } : {}), edit_date: unixNow() };
    this.typed.push(newText);
    const update = this.state.hub.push(bot.id, (updateId) => ({ update_id: updateId, edited_message: entry.message }));
    return { updateId: update.update_id, update };
  }

  /** Deleting a message in a private chat sends the bot no update; later replies to it find it gone. */
  deletes(bot: BotRecord, userId: number, messageId: number): void {
    const entry = this.chatOf(bot, userId).live(messageId);
    if (!entry) throw new Error(`chat ${userId} of @${bot.username} has no message #${messageId} to delete`);
    entry.deleted = true;
  }

  pressesButton(bot: BotRecord, userId: number, messageId: number, data: string): UserAction & { callbackQueryId: string } {
    const chat = this.chatOf(bot, userId);
    const entry = chat.live(messageId);
    const buttons = ((entry?.message.reply_markup?.inline_keyboard ?? []) as Json[][]).flat();
    if (!entry || !buttons.some((button) => button.callback_data === data)) {
      throw new Error(
        `message #${messageId} in chat ${userId} of @${bot.username} has no button with callback_data ${JSON.stringify(data)}`,
      );
    }
    const id = queryId();
    this.state.callbackQueries.set(id, { id, botId: bot.id, userId, messageId, data });
    const callbackQuery = { id, from: tgUser(chat.user), message: entry.message, chat_instance: `${bot.id}${userId}`, data };
    const update = this.state.hub.push(bot.id, (updateId) => ({ update_id: updateId, callback_query: callbackQuery }));
    return { updateId: update.update_id, update, callbackQueryId: id };
  }

  /** Blocking (and unblocking) reaches the bot as a my_chat_member update, like in Telegram. */
  setBlocked(bot: BotRecord, userId: number, blocked: boolean): UserAction {
    const chat = this.chatOf(bot, userId);
    chat.blocked = blocked;
    const [from, to] = blocked ? ['member', 'kicked'] : ['kicked', 'member'];
    const member = (status: string): Json => ({ user: botUser(bot), status, ...(status === 'kicked' ? { until_date: 0 } : {}) });
    const myChatMember = {
      chat: chat.tgChat(),
      from: tgUser(chat.user),
      date: unixNow(),
      old_chat_member: member(from),
      new_chat_member: member(to),
    };
    const update = this.state.hub.push(bot.id, (updateId) => ({ update_id: updateId, my_chat_member: myChatMember }));
    return { updateId: update.update_id, update };
  }

  /** The user confirms payment: the bot gets a pre_checkout_query; answering it ok completes the payment. */
  pays(bot: BotRecord, userId: number, payload: string, options: PaymentOptions = {}): UserAction & { preCheckoutQueryId: string } {
    const chat = this.chatOf(bot, userId);
    const invoice = this.state.payments.invoice(bot.id, payload);
    const terms = {
      botId: bot.id,
      payload,
      title: invoice?.title ?? payload,
      currency: options.currency ?? invoice?.currency ?? 'XTR',
      totalAmount: options.totalAmount ?? invoice?.totalAmount ?? 1,
      subscriptionPeriod: options.subscriptionPeriod ?? invoice?.subscriptionPeriod,
    };
    const id = queryId();
    this.state.payments.preCheckouts.set(id, { id, botId: bot.id, userId, terms, answered: false });
    const query = { id, from: tgUser(chat.user), currency: terms.currency, total_amount: terms.totalAmount, invoice_payload: payload };
    const update = this.state.hub.push(bot.id, (updateId) => ({ update_id: updateId, pre_checkout_query: query }));
    return { updateId: update.update_id, update, preCheckoutQueryId: id };
  }

  private chatOf(bot: BotRecord, userId: number): ChatState {
    const chat = this.state.chats.find(bot.id, userId);
    if (!chat) throw new Error(`user ${userId} never wrote to @${bot.username}`);
    return chat;
  }

  private contentFields(bot: BotRecord, chat: ChatState, content: UserContent): Json {
    const fields: Json = {};
    if (content.replyToMessageId !== undefined) {
      const target = chat.live(content.replyToMessageId);
      if (!target) throw new Error(`chat ${chat.id} of @${bot.username} has no message #${content.replyToMessageId}`);
      fields.reply_to_message = withoutReply(target.message);
    }
    if (content.mediaGroupId) fields.media_group_id = content.mediaGroupId;
    for (const [kind, key] of USER_MEDIA_FIELDS) {
      const value = content[key];
      if (!value) continue;
      const input = toFileInput(value);
      const file = this.state.files.mint(bot.id, kind, input.bytes, { fileName: input.fileName, mimeType: input.mimeType });
      Object.assign(fields, mediaContent(this.state.files, file, input));
    }
    if (content.location) fields.location = { ...content.location };
    if (content.contact) {
      const { phoneNumber, firstName, lastName, userId } = content.contact;
      fields.contact = { phone_number: phoneNumber, first_name: firstName, last_name: lastName, user_id: userId };
    }
    const hasMedia = Object.keys(fields).some((key) => !['reply_to_message', 'media_group_id'].includes(key));
    if (content.text !== undefined) this.addText(fields, content.text, hasMedia);
    if (content.caption !== undefined) {
      if (!hasMedia) throw new Error('only media messages carry a caption');
      if (content.caption.length > MAX_CAPTION_LENGTH) throw new Error('a caption longer than 1024 characters cannot be sent');
      fields.caption = content.caption;
    }
    if (!hasMedia && fields.text === undefined) throw new Error('userSends needs text, media, a location or a contact');
    // Topics in private chats (Bot API 9.3): a message in a topic, or replying to one, carries its thread, as in a forum.
    const replyTo = content.replyToMessageId !== undefined ? chat.live(content.replyToMessageId)?.message : undefined;
    if (content.threadId !== undefined || replyTo?.is_topic_message) {
      if (!bot.topicsInPrivateChats) throw new Error(`@${bot.username} has no topics in private chats (createBot topicsInPrivateChats)`);
      if (content.threadId !== undefined && !chat.topics.live(content.threadId))
        throw new Error(`chat ${chat.id} of @${bot.username} has no topic ${content.threadId}`);
      Object.assign(fields, chat.threadEnvelope(content.threadId, replyTo));
    }
    return fields;
  }

  private addText(fields: Json, text: string, hasMedia: boolean): void {
    if (hasMedia) throw new Error('a media message carries a caption, not text');
    if (text.trim() === '' || text.length > MAX_TEXT_LENGTH) throw new Error('Telegram apps send 1-4096 characters of text');
    fields.text = text;
    const entities = commandEntities(text);
    if (entities.length) fields.entities = entities;
  }
}
