import { imageSize, type FileStore, type StoredFile } from './file-store';
import type { FileKind, FileInput, Json } from './types';

/** What a media object says about its file, apart from the bytes. */
export type MediaMeta = Omit<FileInput, 'bytes'>;

const THUMBNAIL_SIDE = 90;

export function mediaContent(files: FileStore, file: StoredFile, meta: MediaMeta = {}): Json {
  const base = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length };
  const duration = meta.duration ?? 1;
  switch (file.kind) {
    case 'photo':
      return { photo: photoSizes(files, file, meta) };
    case 'document':
      return { document: documentObject(file, base) };
    case 'video':
      return { video: { ...dimensions(meta, 1280, 720), duration, ...named(file), ...base } };
    case 'animation':
      // Telegram still fills `document` next to `animation` for clients that predate animations.
      return {
        animation: { ...dimensions(meta, 480, 270), duration, ...named(file), ...base },
        document: documentObject(file, base),
      };
    case 'audio':
      return { audio: { duration, performer: meta.performer, title: meta.title, ...named(file), ...base } };
    case 'voice':
      return { voice: { duration, mime_type: file.mimeType, ...base } };
    case 'sticker':
      return {
        sticker: { width: 512, height: 512, emoji: meta.emoji, type: 'regular', is_animated: false, is_video: false, ...base },
      };
    case 'video_note':
      return { video_note: { length: meta.width ?? 240, duration, ...base } };
  }
}

/** Telegram returns every photo in several sizes, smallest first; the original is the last one. */
function photoSizes(files: FileStore, file: StoredFile, meta: MediaMeta): Json[] {
  const { width, height } = meta.width && meta.height ? { width: meta.width, height: meta.height } : imageSize(file.bytes);
  const full = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, width, height };
  if (Math.max(width, height) <= THUMBNAIL_SIDE) return [full];
  thumbnails.set(file, thumbnails.get(file) ?? files.mint(file.ownerBotId, 'photo', file.bytes, { variant: 'thumbnail' }));
  const thumbnail = thumbnails.get(file) as StoredFile;
  const scale = THUMBNAIL_SIDE / Math.max(width, height);
  return [
    {
      file_id: thumbnail.fileId,
      file_unique_id: thumbnail.fileUniqueId,
      file_size: thumbnail.bytes.length,
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
    },
    full,
  ];
}

const thumbnails = new WeakMap<StoredFile, StoredFile>();

function documentObject(file: StoredFile, base: Json): Json {
  return { file_name: file.fileName ?? file.filePath.split('/').pop(), mime_type: file.mimeType ?? 'application/octet-stream', ...base };
}

function named(file: StoredFile): Json {
  return { file_name: file.fileName, mime_type: file.mimeType };
}

function dimensions(meta: MediaMeta, width: number, height: number): { width: number; height: number } {
  return { width: meta.width ?? width, height: meta.height ?? height };
}

export function toFileInput(value: Buffer | FileInput): FileInput {
  return Buffer.isBuffer(value) ? { bytes: value } : value;
}

export const USER_MEDIA_FIELDS: Array<
  [FileKind, 'photo' | 'document' | 'video' | 'audio' | 'voice' | 'sticker' | 'animation' | 'videoNote']
> = [
  ['photo', 'photo'],
  ['document', 'document'],
  ['video', 'video'],
  ['audio', 'audio'],
  ['voice', 'voice'],
  ['sticker', 'sticker'],
  ['animation', 'animation'],
  ['video_note', 'videoNote'],
];
