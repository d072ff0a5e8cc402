/**
 * What a message carries, in the product's terms (C2, M5): text, one file of a media kind, a location or
 * a contact. A `FileRef.fileId` belongs to the bot that received it — Telegram file ids are per bot — so
 * moving a file to another chat means download with that bot and upload with the other.
 *
 * Content is customer (or master) data: it only ever appears in events sealed (see `Sealed`).
 */
export const MEDIA_KINDS = ['photo', 'video', 'document', 'voice', 'audio', 'sticker', 'animation', 'video_note'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
export type MessageKind = 'text' | MediaKind | 'location' | 'contact';

export interface FileRef {
  fileId: string;
  /** The same for every bot: the key of the upload cache. */
  fileUniqueId: string;
  fileSize?: number;
  fileName?: string;
  mimeType?: string;
  duration?: number;
  width?: number;
  height?: number;
  title?: string;
  performer?: string;
  emoji?: string;
}

export type MessageContent =
  | { kind: 'text'; text: string }
  | { kind: MediaKind; file: FileRef; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phoneNumber: string; firstName: string; lastName?: string; userId?: number };

export const isMediaKind = (kind: string): kind is MediaKind => (MEDIA_KINDS as readonly string[]).includes(kind);

/** Telegram's own limits, as the Bot API documents them. */
export const TELEGRAM_LIMITS = {
  text: 4096,
  caption: 1024,
  /** getFile serves files up to this size to bots. */
  downloadBytes: 20 * 1024 * 1024,
  /** multipart uploads up to this size. */
  uploadBytes: 50 * 1024 * 1024,
} as const;
