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
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: { id: number; type: string };
  text?: string;
  caption?: string;
  reply_to_message?: { message_id: number };
  [kind: string]: unknown;
}

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
  if (!isObject(v) || !isId(v.id) || typeof v.first_name !== 'string') throw new BadUpdateError(`${where} must be a user with id and first_name`);
}

function checkMessage(v: unknown, where: string): void {
  if (!isObject(v) || !isId(v.message_id)) throw new BadUpdateError(`${where}.message_id must be an integer`);
  if (!isObject(v.chat) || !isId(v.chat.id) || typeof v.chat.type !== 'string') throw new BadUpdateError(`${where}.chat is malformed`);
  if (v.from !== undefined) checkUser(v.from, `${where}.from`);
  if (v.text !== undefined && typeof v.text !== 'string') throw new BadUpdateError(`${where}.text must be a string`);
  if (v.reply_to_message !== undefined && (!isObject(v.reply_to_message) || !isId(v.reply_to_message.message_id))) {
    throw new BadUpdateError(`${where}.reply_to_message is malformed`);
  }
}

export function parseUpdate(body: unknown): TgUpdate {
  if (!isObject(body)) throw new BadUpdateError('body must be a JSON object');
  if (!isId(body.update_id) || (body.update_id as number) < 0) throw new BadUpdateError('update_id must be a non-negative integer');
  if (body.message !== undefined) checkMessage(body.message, 'message');
  if (body.edited_message !== undefined) checkMessage(body.edited_message, 'edited_message');
  if (body.callback_query !== undefined) {
    const q = body.callback_query;
    if (!isObject(q) || typeof q.id !== 'string') throw new BadUpdateError('callback_query.id must be a string');
    checkUser(q.from, 'callback_query.from');
    if (q.message !== undefined) checkMessage(q.message, 'callback_query.message');
  }
  return body as unknown as TgUpdate;
}

const MEDIA_KINDS = ['photo', 'video', 'document', 'voice', 'audio', 'sticker', 'animation', 'video_note', 'location', 'contact'];

/** The kind of content in a message, for the placeholder relayed while only text is supported. */
export function messageKind(message: TgMessage): string {
  if (typeof message.text === 'string') return 'text';
  return MEDIA_KINDS.find((kind) => message[kind] !== undefined) ?? 'message';
}
