import { Readable } from 'node:stream';
import { AlbumItem, InlineButton, MediaInput, MediaMeta, SentMessage, TelegramApiError } from '../../application/ports/telegram.port';
import { MediaKind, TELEGRAM_LIMITS } from '../../domain/shared/message-content';

/** Telegraf's InputFile for an upload, or the file id string for a file the bot already has. */
export type TelegrafInput = string | { source: Buffer | Readable; filename: string };

export const MEDIA_METHOD: Record<MediaKind, string> = {
  photo: 'sendPhoto',
  video: 'sendVideo',
  document: 'sendDocument',
  voice: 'sendVoice',
  audio: 'sendAudio',
  sticker: 'sendSticker',
  animation: 'sendAnimation',
  video_note: 'sendVideoNote',
};

export const inlineKeyboard = (rows: InlineButton[][]) =>
  rows.map((row) => row.map((b) => ('url' in b ? { text: b.text, url: b.url } : { text: b.text, callback_data: b.callbackData })));

export const isUpload = (media: MediaInput): media is Extract<MediaInput, { source: unknown }> => 'source' in media;

/**
 * Opens the input for one attempt. Streams opened here are collected in `opened` so a failed attempt
 * (a 429 before the body was read) can release the download it started.
 */
export async function openInput(media: MediaInput, opened: Readable[]): Promise<TelegrafInput> {
  if (!isUpload(media)) return media.fileId;
  if (Buffer.isBuffer(media.source)) return { source: media.source, filename: media.fileName };
  const stream = await media.source();
  opened.push(stream);
  return { source: stream, filename: media.fileName };
}

/**
 * A reply that survives the customer deleting the message it answers. Telegraf 4.16.3 serializes only a
 * few object fields into multipart bodies and silently drops `reply_parameters` there, so uploads use the
 * older flat fields, which Telegram still honours.
 */
export function replyFields(replyToMessageId: number | undefined, multipart: boolean): Record<string, unknown> {
  if (!replyToMessageId) return {};
  return multipart
    ? { reply_to_message_id: replyToMessageId, allow_sending_without_reply: true }
    : { reply_parameters: { message_id: replyToMessageId, allow_sending_without_reply: true } };
}

export function metaFields(kind: MediaKind, meta: MediaMeta = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (meta.duration !== undefined && kind !== 'photo' && kind !== 'document' && kind !== 'sticker') fields.duration = meta.duration;
  if (kind === 'video' || kind === 'animation') Object.assign(fields, { width: meta.width, height: meta.height });
  if (kind === 'video_note' && meta.width !== undefined) fields.length = meta.width;
  if (kind === 'audio') Object.assign(fields, { title: meta.title, performer: meta.performer });
  if (kind === 'sticker' && meta.emoji) fields.emoji = meta.emoji;
  return fields;
}

export async function albumPayload(items: AlbumItem[], opened: Readable[]): Promise<Record<string, unknown>[]> {
  return Promise.all(
    items.map(async (item) => ({
      type: item.kind,
      media: await openInput(item.media, opened),
      ...(item.caption ? { caption: item.caption } : {}),
    })),
  );
}

interface TgFile {
  file_id: string;
  file_unique_id: string;
}

/** The message id, and the sending bot's own id for the file it carries (photos: the largest size). */
export function sentMessageOf(message: Record<string, unknown>): SentMessage {
  const photo = message.photo as TgFile[] | undefined;
  const kinds = ['animation', 'video', 'document', 'voice', 'audio', 'sticker', 'video_note'];
  const file = photo?.[photo.length - 1] ?? kinds.map((k) => message[k] as TgFile | undefined).find(Boolean);
  return {
    messageId: message.message_id as number,
    ...(file ? { file: { fileId: file.file_id, fileUniqueId: file.file_unique_id } } : {}),
  };
}

/** Streams a file from `${apiRoot}/file/bot<token>/<path>`; the URL holds the token, so it never reaches an error. */
export async function downloadStream(
  apiRoot: string,
  token: string,
  filePath: string,
  signal?: AbortSignal,
): Promise<{ stream: Readable; size?: number }> {
  const url = new URL(
    `./file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`,
    apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`,
  );
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    // 4xx here means the file is gone or too big to serve; report it as a refusal, not as a revoked token.
    throw new TelegramApiError(
      'downloadFile',
      response.status >= 500 ? response.status : 400,
      `file download failed: HTTP ${response.status}`,
    );
  }
  const length = Number(response.headers.get('content-length'));
  return { stream: Readable.fromWeb(response.body as never), ...(Number.isFinite(length) && length > 0 ? { size: length } : {}) };
}

/** The slowest transfer a file call is allowed before its timeout: 256 KB/s on top of the ordinary timeout. */
const MIN_TRANSFER_BYTES_PER_MS = 256;

/** A file call's timeout: the ordinary one, plus its size at the slowest transfer allowed. */
export const transferTimeout = (timeoutMs: number, bytes: number): number => timeoutMs + Math.ceil(bytes / MIN_TRANSFER_BYTES_PER_MS);

/** What an upload may weigh: a buffer's length, an unknown stream the most Telegram accepts. */
export function uploadBytes(inputs: MediaInput[]): number {
  return inputs.reduce((sum, media) => {
    if (!isUpload(media)) return sum;
    return sum + (Buffer.isBuffer(media.source) ? media.source.length : TELEGRAM_LIMITS.uploadBytes);
  }, 0);
}
