import { BanCustomerCommand } from '../../application/ban-customer/ban-customer.command';
import {
  CustomerBlockedBotCommand,
  CustomerStartCommand,
  EditCustomerMessageCommand,
  ReceiveCustomerMessageCommand,
} from '../../application/customer-message/customer-message.command';
import { EditAnswerCommand } from '../../application/edit-answer/edit-answer.command';
import { CustomerReactionCommand, MasterReactionCommand } from '../../application/mirror-reactions/reaction.commands';
import { MASTER_COMMAND_ROUTES as ROUTES } from '../../application/master-bot.routes';
import { MasterMessageCommand } from '../../application/master-message/master-message.command';
import { ReplyToCustomerCommand } from '../../application/reply-to-customer/reply-to-customer.command';
import { telegramOrigin, TelegramCommand } from '../../application/shared/telegram-origin';
import { AnswerCheckoutCommand, RecordPaymentCommand } from '../../application/subscription/subscription.commands';
import { UnknownCommandCommand } from '../../application/unknown-command/unknown-command.command';
import { START_PARAMETER } from '../../domain/master-user/master-user.commands';
import { CommandOrigin } from '../../domain/shared/decider';
import { RelayedFrom, relayedFromKeyboard } from '../../application/reactors/relay-buttons';
import { BUTTON_ROUTES } from '../../application/button.routes';
import { MalformedButtonError } from '../../application/shared/button-route';
import { MessageContent } from '../../domain/shared/message-content';
import { messageContentOf } from './message-content';
import { translateTeamGroupUpdate } from './team-group-translator';
import { RequestInboxCommand } from '../../application/own-chat/inbox.commands';
import { PrivatePlace } from '../../application/customer-message/customer-message.command';
import { BadUpdateError, firstEmoji, TgCallbackQuery, TgMessage, TgMessageReaction, TgUpdate, TgUser } from './telegram-update';

/** The MasterBot slash commands their slices route; the rest are still in translateMasterCommand's switch. */
const MASTER_COMMAND_ROUTES = new Map<string, (typeof ROUTES)[number]>(ROUTES.map((route) => [route.command, route]));

/** "/qr@MyBot campaign" → { name: '/qr', argument: 'campaign' }. */
function slashCommand(text: string | undefined): { name: string; argument: string | null } | null {
  const trimmed = text?.trim();
  if (!trimmed?.startsWith('/')) return null;
  const [head, ...rest] = trimmed.split(/\s+/);
  return { name: head.split('@')[0].toLowerCase(), argument: rest.length ? rest.join(' ') : null };
}

/** The edge: a validated Telegram update to the MasterBot becomes one command (or none, for updates we ignore). */
export function translateMasterUpdate(masterBotId: number, update: TgUpdate): TelegramCommand | null {
  const origin = telegramOrigin(masterBotId, update.update_id);
  if (update.callback_query) return translateButton(origin, update.callback_query, null);
  const checkout = update.pre_checkout_query;
  if (checkout) {
    return new AnswerCheckoutCommand(
      origin,
      checkout.from.id,
      checkout.id,
      checkout.invoice_payload,
      checkout.currency,
      checkout.total_amount,
    );
  }
  const reaction = privateReaction(update.message_reaction);
  if (reaction) return new MasterReactionCommand(origin, reaction.userId, reaction.messageId, reaction.emoji);
  const edited = update.edited_message;
  if (edited?.from && edited.chat.type === 'private' && !edited.from.is_bot) {
    // M13: whether it is an answer is for the handler to find out; most edited messages are not.
    return new EditAnswerCommand(origin, edited.from.id, edited.message_id, edited.edit_date ?? edited.date ?? 0, messageContentOf(edited));
  }
  const message = update.message;
  // The MasterBot serves its master in a private chat only; groups and channels are ignored.
  if (!message?.from || message.chat.type !== 'private' || message.from.is_bot) return null;
  const masterId = message.from.id;
  const payment = message.successful_payment;
  if (payment) {
    return new RecordPaymentCommand(
      origin,
      masterId,
      payment.telegram_payment_charge_id,
      payment.total_amount,
      payment.subscription_expiration_date,
    );
  }
  const command = slashCommand(message.text);
  if (command) return translateMasterCommand(origin, masterBotId, message, command.name, command.argument);
  const content = messageContentOf(message);
  if (message.reply_to_message) {
    const relayedFrom = relayedFromCopy(masterBotId, message);
    return new ReplyToCustomerCommand(origin, masterId, message.message_id, message.reply_to_message.message_id, content, relayedFrom);
  }
  return new MasterMessageCommand(origin, masterId, message.message_id, content);
}

/**
 * M13: a person's reaction in a private chat, as the one emoji a bot can mirror: the first standard emoji of
 * the new reactions (custom and paid reactions cannot be set by a bot), or null when none is left.
 */
function privateReaction(update: TgMessageReaction | undefined): { userId: number; messageId: number; emoji: string | null } | null {
  if (!update?.user || update.user.is_bot || update.chat.type !== 'private') return null;
  return { userId: update.user.id, messageId: update.message_id, emoji: firstEmoji(update.new_reaction) };
}

/**
 * The customer message a replied-to relay copy carries in its buttons (see relay-buttons.ts), or null.
 * Only a message the MasterBot itself sent counts: anyone can post a look-alike keyboard through an inline bot.
 */
function relayedFromCopy(masterBotId: number, message: TgMessage): RelayedFrom | null {
  const replied = message.reply_to_message;
  if (!replied || (replied.from as { id?: unknown } | undefined)?.id !== masterBotId) return null;
  return decoded(() => relayedFromKeyboard(replied.reply_markup), 'message.reply_to_message');
}

/** Button data we could not have sent is bad input: refused at the edge, nothing recorded. */
function decoded<T>(decode: () => T, where: string): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof MalformedButtonError) throw new BadUpdateError(`${where}: ${error.message}`);
    throw error;
  }
}

function translateMasterCommand(
  origin: CommandOrigin,
  masterBotId: number,
  message: TgMessage,
  name: string,
  argument: string | null,
): TelegramCommand {
  const masterId = message.from!.id;
  const replyToMessageId = message.reply_to_message?.message_id ?? null;
  const route = MASTER_COMMAND_ROUTES.get(name);
  if (route) return route.translate({ origin, masterId, firstName: message.from!.first_name, argument, replyToMessageId });
  switch (name) {
    case '/inbox':
      return new RequestInboxCommand(origin, masterId);
    case '/ban':
      return new BanCustomerCommand(origin, masterId, replyToMessageId, relayedFromCopy(masterBotId, message));
    default:
      return new UnknownCommandCommand(origin, masterId, name);
  }
}

/** A button pressed in the MasterBot chat (`clientBotId` null) or in a client bot's: the first slice route that reads it. */
function translateButton(origin: CommandOrigin, query: TgCallbackQuery, clientBotId: number | null): TelegramCommand | null {
  const button = { origin, pressedBy: query.from.id, data: query.data ?? '', messageId: query.message?.message_id ?? null, clientBotId };
  for (const route of BUTTON_ROUTES) {
    const command = decoded(() => route.translate(button), 'callback_query');
    if (command) return command;
  }
  return null;
}

/** A plausible IETF language tag from the customer's `language_code`, else undefined (it is typed by no one, but checked). */
function languageCodeOf(user: TgUser): string | undefined {
  const code = user.language_code;
  return typeof code === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(code) ? code : undefined;
}

/**
 * M14: where in a private chat with client bot `botId` a message was written: its topic, and the customer named by
 * the buttons of the bot's own message it replies to (only the bot's messages count: nobody else can put buttons there).
 */
function privatePlace(botId: number, message: TgMessage): PrivatePlace {
  const thread = message.message_thread_id;
  const threadId = message.is_topic_message === true && typeof thread === 'number' && Number.isSafeInteger(thread) ? thread : null;
  const replied = message.reply_to_message;
  const fromBot = (replied?.from as { id?: unknown } | undefined)?.id === botId;
  const repliedTo = replied && fromBot ? decoded(() => relayedFromKeyboard(replied.reply_markup), 'message.reply_to_message') : null;
  const own = replied && !fromBot && Number.isSafeInteger(replied.message_id) ? { repliedToOwn: replied.message_id } : {};
  return { threadId, repliedTo, ...own };
}

/** What a customer sent that no bot can relay (a poll, a dice, a game…): the master still hears of it. */
const UNRELAYABLE: MessageContent = { kind: 'text', text: '(a kind of message that bots cannot relay)' };

export function translateClientUpdate(botId: number, update: TgUpdate): TelegramCommand | null {
  const inGroup = translateTeamGroupUpdate(botId, update);
  if (inGroup !== undefined) return inGroup;
  const origin = telegramOrigin(botId, update.update_id);
  if (update.callback_query) return translateButton(origin, update.callback_query, botId);
  const member = update.my_chat_member;
  if (member) {
    if (member.chat.type !== 'private') return null;
    return new CustomerBlockedBotCommand(origin, botId, member.from.id, member.new_chat_member.status === 'kicked');
  }
  const reaction = privateReaction(update.message_reaction);
  if (reaction) return new CustomerReactionCommand(origin, botId, reaction.userId, reaction.messageId, reaction.emoji);
  const edited = update.edited_message;
  if (edited?.from && edited.chat.type === 'private' && !edited.from.is_bot) {
    const content = messageContentOf(edited);
    if (!content) return null;
    return new EditCustomerMessageCommand(origin, botId, edited.from.id, edited.message_id, edited.edit_date ?? edited.date ?? 0, content);
  }
  const message = update.message;
  if (!message?.from || message.chat.type !== 'private' || message.from.is_bot) return null;
  const customer = message.from;
  const start = slashCommand(message.text);
  if (start?.name === '/start') {
    const parameter = start.argument !== null && START_PARAMETER.test(start.argument) ? start.argument : null;
    return new CustomerStartCommand(origin, botId, customer.id, parameter);
  }
  return new ReceiveCustomerMessageCommand(
    origin,
    botId,
    {
      id: customer.id,
      firstName: customer.first_name,
      lastName: customer.last_name,
      username: customer.username,
      languageCode: languageCodeOf(customer),
    },
    message.message_id,
    message.date ?? Math.floor(Date.parse(origin.occurredAt) / 1000),
    message.media_group_id ?? null,
    messageContentOf(message) ?? UNRELAYABLE,
    privatePlace(botId, message),
  );
}
