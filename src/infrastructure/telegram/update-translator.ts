import { RequestAddBotCommand } from '../../application/add-client-bot/request-add-bot.command';
import { CancelCommand } from '../../application/cancel/cancel.command';
import { CustomerStartCommand, ReceiveCustomerMessageCommand } from '../../application/customer-message/customer-message.command';
import { MasterMessageCommand } from '../../application/master-message/master-message.command';
import { RemoveClientBotCommand } from '../../application/remove-client-bot/remove-client-bot.command';
import { ReplyToCustomerCommand, StartRespondingCommand } from '../../application/reply-to-customer/reply-to-customer.command';
import { telegramOrigin, TelegramCommand } from '../../application/shared/telegram-origin';
import { StartMasterCommand } from '../../application/start-master/start-master.command';
import { UnknownCommandCommand } from '../../application/unknown-command/unknown-command.command';
import { messageKind, TgUpdate } from './telegram-update';

/** The edge: a validated Telegram update becomes one command (or none, for updates we ignore). */
export function translateMasterUpdate(masterBotId: number, update: TgUpdate): TelegramCommand | null {
  const origin = telegramOrigin(masterBotId, update.update_id);
  const query = update.callback_query;
  if (query) {
    const masterId = query.from.id;
    const remove = /^remove:(\d+)$/.exec(query.data ?? '');
    if (remove) return new RemoveClientBotCommand(origin, masterId, Number(remove[1]));
    if (query.data === 'reply' && query.message) return new StartRespondingCommand(origin, masterId, query.message.message_id);
    return null;
  }
  const message = update.message;
  // The MasterBot serves its master in a private chat only; groups and channels are ignored.
  if (!message?.from || message.chat.type !== 'private' || message.from.is_bot) return null;
  const masterId = message.from.id;
  const text = message.text?.trim();
  const command = text?.startsWith('/') ? text.split(/\s+/)[0].split('@')[0].toLowerCase() : null;
  switch (command) {
    case null:
      break;
    case '/start':
      return new StartMasterCommand(origin, masterId, message.from.first_name);
    case '/add':
      return new RequestAddBotCommand(origin, masterId);
    case '/remove':
      return new RemoveClientBotCommand(origin, masterId, null);
    case '/cancel':
      return new CancelCommand(origin, masterId);
    case '/help':
      return new StartMasterCommand(origin, masterId, message.from.first_name);
    default:
      return new UnknownCommandCommand(origin, masterId, command);
  }
  if (message.reply_to_message) {
    return new ReplyToCustomerCommand(origin, masterId, message.message_id, message.reply_to_message.message_id, message.text ?? null);
  }
  return new MasterMessageCommand(origin, masterId, message.message_id, message.text ?? null);
}

export function translateClientUpdate(botId: number, update: TgUpdate): TelegramCommand | null {
  const message = update.message;
  if (!message?.from || message.chat.type !== 'private' || message.from.is_bot) return null;
  const origin = telegramOrigin(botId, update.update_id);
  const customer = message.from;
  if (message.text?.trim().split(/\s+/)[0] === '/start') return new CustomerStartCommand(origin, botId, customer.id);
  const kind = messageKind(message);
  // Media relay arrives with the full product (issue 3); until then the master sees what was sent.
  const text = kind === 'text' ? message.text! : `[${kind}]${message.caption ? ` ${message.caption}` : ''} (media is not relayed yet)`;
  return new ReceiveCustomerMessageCommand(
    origin,
    botId,
    { id: customer.id, firstName: customer.first_name, lastName: customer.last_name, username: customer.username },
    message.message_id,
    text,
  );
}
