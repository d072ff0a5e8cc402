/**
 * The parts of a Telegram Update we read, validated at the edge. Anything that does not fit is a
 * `BadUpdateError` (answered 400, nothing recorded); update kinds we do not handle are simply ignored.
 */
export interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  /** IETF tag of the user's app language; optional, and free text as far as we are concerned (checked before use). */
  language_code?: unknown;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: { id: number; type: string };
  /** Unix seconds. */
  date?: number;
  edit_date?: number;
  text?: string;
  caption?: string;
  media_group_id?: string;
  /** Telegram includes the replied-to message whole (but one level deep): its sender and inline keyboard too. */
  reply_to_message?: { message_id: number; from?: TgUser; reply_markup?: unknown };
  successful_payment?: TgSuccessfulPayment;
  [kind: string]: unknown;
}

export interface TgSuccessfulPayment {
  currency: string;
  total_amount: number;
  invoice_payload: string;
  telegram_payment_charge_id: string;
  subscription_expiration_date?: number;
  is_recurring?: boolean;
  is_first_recurring?: boolean;
}

export interface TgPreCheckoutQuery {
  id: string;
  from: TgUser;
  currency: string;
  total_amount: number;
  invoice_payload: string;
}

/** The bot's own membership in a chat changed: in a private chat, `kicked` means the user blocked the bot. */
export interface TgChatMemberUpdated {
  chat: { id: number; type: string };
  from: TgUser;
  new_chat_member: { status: string };
}

/**
 * M13: a user changed their reactions on a message (Bot API `MessageReactionUpdated`). Only sent to bots that
 * ask for `message_reaction` in `allowed_updates`, and never for reactions set by bots. `user` is absent
 * for anonymous reactions in groups (`actor_chat` then), never in a private chat.
 */
export interface TgMessageReaction {
  chat: { id: number; type: string };
  message_id: number;
  user?: TgUser;
  date: number;
  old_reaction: TgReaction[];
  new_reaction: TgReaction[];
}

/** ReactionType: a standard emoji, a custom emoji (`custom_emoji_id`) or a paid (Star) reaction. */
export interface TgReaction {
  type: string;
  emoji?: string;
}

/** The one emoji a bot can mirror of someone's new reactions: the first standard one (bots cannot set custom or paid ones). */
export const firstEmoji = (reactions: TgReaction[]): string | null => reactions.find((r) => r.type === 'emoji')?.emoji ?? null;

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  data?: string;
  message?: { message_id: number; chat: { id: number } };
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  pre_checkout_query?: TgPreCheckoutQuery;
  my_chat_member?: TgChatMemberUpdated;
  message_reaction?: TgMessageReaction;
}

export class BadUpdateError extends Error {
  constructor(reason: string) {
    super(`Not a Telegram update: ${reason}`);
    this.name = 'BadUpdateError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v);

function checkUser(v: unknown, where: string): void {
  if (!isObject(v) || !isId(v.id) || typeof v.first_name !== 'string')
    throw new BadUpdateError(`${where} must be a user with id and first_name`);
}

function checkMessage(v: unknown, where: string): void {
  if (!isObject(v) || !isId(v.message_id)) throw new BadUpdateError(`${where}.message_id must be an integer`);
  if (!isObject(v.chat) || !isId(v.chat.id) || typeof v.chat.type !== 'string') throw new BadUpdateError(`${where}.chat is malformed`);
  if (v.from !== undefined) checkUser(v.from, `${where}.from`);
  if (v.text !== undefined && typeof v.text !== 'string') throw new BadUpdateError(`${where}.text must be a string`);
  if (v.reply_to_message !== undefined && (!isObject(v.reply_to_message) || !isId(v.reply_to_message.message_id))) {
    throw new BadUpdateError(`${where}.reply_to_message is malformed`);
  }
  for (const field of ['date', 'edit_date']) {
    if (v[field] !== undefined && !isId(v[field])) throw new BadUpdateError(`${where}.${field} must be an integer`);
  }
  if (v.media_group_id !== undefined && typeof v.media_group_id !== 'string')
    throw new BadUpdateError(`${where}.media_group_id must be a string`);
  if (v.successful_payment !== undefined) checkPayment(v.successful_payment, `${where}.successful_payment`);
}

function checkPayment(v: unknown, where: string): void {
  if (
    !isObject(v) ||
    typeof v.currency !== 'string' ||
    !isId(v.total_amount) ||
    typeof v.invoice_payload !== 'string' ||
    typeof v.telegram_payment_charge_id !== 'string' ||
    (v.subscription_expiration_date !== undefined && !isId(v.subscription_expiration_date))
  ) {
    throw new BadUpdateError(`${where} is malformed`);
  }
}

function checkReactions(v: unknown, where: string): void {
  const ok =
    Array.isArray(v) &&
    v.length <= 100 &&
    v.every((r) => isObject(r) && typeof r.type === 'string' && (r.type !== 'emoji' || typeof r.emoji === 'string'));
  if (!ok) throw new BadUpdateError(`${where} must be a list of reactions`);
}

function checkMessageReaction(v: unknown): void {
  if (!isObject(v) || !isId(v.message_id) || !isId(v.date)) throw new BadUpdateError('message_reaction is malformed');
  if (!isObject(v.chat) || !isId(v.chat.id) || typeof v.chat.type !== 'string')
    throw new BadUpdateError('message_reaction.chat is malformed');
  if (v.user !== undefined) checkUser(v.user, 'message_reaction.user');
  checkReactions(v.old_reaction, 'message_reaction.old_reaction');
  checkReactions(v.new_reaction, 'message_reaction.new_reaction');
}

export function parseUpdate(body: unknown): TgUpdate {
  if (!isObject(body)) throw new BadUpdateError('body must be a JSON object');
  if (!isId(body.update_id) || body.update_id < 0) throw new BadUpdateError('update_id must be a non-negative integer');
  if (body.message !== undefined) checkMessage(body.message, 'message');
  if (body.edited_message !== undefined) checkMessage(body.edited_message, 'edited_message');
  if (body.callback_query !== undefined) {
    const q = body.callback_query;
    if (!isObject(q) || typeof q.id !== 'string') throw new BadUpdateError('callback_query.id must be a string');
    checkUser(q.from, 'callback_query.from');
    if (q.message !== undefined) checkMessage(q.message, 'callback_query.message');
    if (q.data !== undefined && typeof q.data !== 'string') throw new BadUpdateError('callback_query.data must be a string');
  }
  if (body.pre_checkout_query !== undefined) {
    const q = body.pre_checkout_query;
    if (
      !isObject(q) ||
      typeof q.id !== 'string' ||
      typeof q.currency !== 'string' ||
      !isId(q.total_amount) ||
      typeof q.invoice_payload !== 'string'
    ) {
      throw new BadUpdateError('pre_checkout_query is malformed');
    }
    checkUser(q.from, 'pre_checkout_query.from');
  }
  if (body.my_chat_member !== undefined) {
    const m = body.my_chat_member;
    if (
      !isObject(m) ||
      !isObject(m.chat) ||
      !isId(m.chat.id) ||
      !isObject(m.new_chat_member) ||
      typeof m.new_chat_member.status !== 'string'
    ) {
      throw new BadUpdateError('my_chat_member is malformed');
    }
    checkUser(m.from, 'my_chat_member.from');
  }
  if (body.message_reaction !== undefined) checkMessageReaction(body.message_reaction);
  return body as unknown as TgUpdate;
}
