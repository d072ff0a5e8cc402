import { FileRef, MEDIA_KINDS, MediaKind, MessageContent } from '../../domain/shared/message-content';
import { TgMessage } from './telegram-update';

/**
 * Reads what a Telegram message carries into the product's `MessageContent` (C2). Returns null for kinds we
 * do not relay (polls, dice, games, service messages…): the caller decides whether to tell the sender.
 *
 * The update was only shape-checked at the edge for the fields the router needs, so everything read here is
 * re-checked: a malformed media object is treated as "not relayable" rather than trusted.
 */
export function messageContentOf(message: TgMessage): MessageContent | null {
  if (typeof message.text === 'string') return { kind: 'text', text: message.text };
  const caption = typeof message.caption === 'string' && message.caption !== '' ? message.caption : undefined;
  // A message with a sticker never carries a photo, and so on; order only matters for `animation`, which
  // Telegram also mirrors into `document` for old clients — the animation is what the sender meant.
  const kinds: MediaKind[] = ['animation', ...MEDIA_KINDS.filter((k) => k !== 'animation')];
  for (const kind of kinds) {
    const raw = message[kind];
    if (raw === undefined) continue;
    const file = fileRefOf(kind === 'photo' ? largestPhotoSize(raw) : raw);
    if (!file) return null;
    return caption === undefined ? { kind, file } : { kind, file, caption };
  }
  if (isObject(message.location) && isNumber(message.location.latitude) && isNumber(message.location.longitude)) {
    return { kind: 'location', latitude: message.location.latitude, longitude: message.location.longitude };
  }
  const contact = message.contact;
  if (isObject(contact) && typeof contact.phone_number === 'string' && typeof contact.first_name === 'string') {
    return {
      kind: 'contact',
      phoneNumber: contact.phone_number,
      firstName: contact.first_name,
      ...(typeof contact.last_name === 'string' ? { lastName: contact.last_name } : {}),
      ...(Number.isSafeInteger(contact.user_id) ? { userId: contact.user_id as number } : {}),
    };
  }
  return null;
}

/** Telegram sends a photo as several sizes, smallest first; relay the largest one. */
function largestPhotoSize(raw: unknown): unknown {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const area = (s: unknown) => (isObject(s) && isNumber(s.width) && isNumber(s.height) ? s.width * s.height : 0);
  return raw.reduce((best: unknown, size: unknown) => (area(size) >= area(best) ? size : best), raw[0]);
}

function fileRefOf(raw: unknown): FileRef | null {
  if (!isObject(raw) || typeof raw.file_id !== 'string' || typeof raw.file_unique_id !== 'string') return null;
  const ref: FileRef = { fileId: raw.file_id, fileUniqueId: raw.file_unique_id };
  const numbers = { fileSize: raw.file_size, duration: raw.duration, width: raw.width, height: raw.height };
  for (const [key, value] of Object.entries(numbers)) {
    if (isNumber(value)) ref[key as 'fileSize'] = value;
  }
  // A video note is square: Telegram gives its side as `length`, not width/height.
  if (isNumber(raw.length) && ref.width === undefined) ref.width = ref.height = raw.length;
  const strings = { fileName: raw.file_name, mimeType: raw.mime_type, title: raw.title, performer: raw.performer, emoji: raw.emoji };
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === 'string') ref[key as 'fileName'] = value;
  }
  return ref;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
