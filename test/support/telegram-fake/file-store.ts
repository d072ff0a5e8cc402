import { createHash, randomBytes } from 'node:crypto';
import { badRequest } from './api-error';
import type { FileKind, Json } from './types';

export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  ownerBotId: number;
  kind: FileKind;
  bytes: Buffer;
  filePath: string;
  fileName?: string;
  mimeType?: string;
}

interface KindInfo {
  prefix: string;
  folder: string;
  extension: string;
  mimeType?: string;
  label: string;
}

const KINDS: Record<FileKind, KindInfo> = {
  photo: { prefix: 'AgACAgIAAxkBAA', folder: 'photos', extension: 'jpg', label: 'Photo' },
  document: { prefix: 'BQACAgIAAxkBAA', folder: 'documents', extension: 'dat', label: 'Document' },
  video: { prefix: 'BAACAgIAAxkBAA', folder: 'videos', extension: 'mp4', mimeType: 'video/mp4', label: 'Video' },
  audio: { prefix: 'CQACAgIAAxkBAA', folder: 'music', extension: 'mp3', mimeType: 'audio/mpeg', label: 'Audio' },
  voice: { prefix: 'AwACAgIAAxkBAA', folder: 'voice', extension: 'oga', mimeType: 'audio/ogg', label: 'Voice' },
  sticker: { prefix: 'CAACAgIAAxkBAA', folder: 'stickers', extension: 'webp', label: 'Sticker' },
  animation: { prefix: 'CgACAgIAAxkBAA', folder: 'animations', extension: 'mp4', mimeType: 'video/mp4', label: 'Animation' },
  video_note: { prefix: 'DQACAgIAAxkBAA', folder: 'video_notes', extension: 'mp4', label: 'VideoNote' },
};

/** Files as the Bot API sees them: a file_id is only valid for the bot it was issued to, while
 * file_unique_id is derived from the content and so is the same for every bot. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly paths = new Map<string, StoredFile>();
  private counter = 0;

  mint(
    ownerBotId: number,
    kind: FileKind,
    bytes: Buffer,
    meta: { fileName?: string; mimeType?: string; variant?: string } = {},
  ): StoredFile {
    const info = KINDS[kind];
    this.counter += 1;
    const serial = Buffer.alloc(12);
    serial.writeBigUInt64BE(BigInt(ownerBotId));
    serial.writeUInt32BE(this.counter, 8);
    const fileId = info.prefix + Buffer.concat([serial, randomBytes(9)]).toString('base64url');
    const digest = createHash('sha256')
      .update(bytes)
      .update(meta.variant ?? '')
      .digest('base64url');
    const extension = /\.([A-Za-z0-9]{1,8})$/.exec(meta.fileName ?? '')?.[1] ?? info.extension;
    const file: StoredFile = {
      fileId,
      fileUniqueId: `AQAD${digest.slice(0, 12)}`,
      ownerBotId,
      kind,
      bytes,
      filePath: `${info.folder}/file_${this.counter}.${extension}`,
      fileName: meta.fileName,
      mimeType: meta.mimeType ?? info.mimeType,
    };
    this.files.set(fileId, file);
    this.paths.set(`${ownerBotId}/${file.filePath}`, file);
    return file;
  }

  ownedBy(botId: number, fileId: string, kind: FileKind): StoredFile {
    const file = this.files.get(fileId);
    if (!file || file.ownerBotId !== botId) throw badRequest('wrong file identifier/HTTP URL specified');
    if (file.kind !== kind) throw badRequest(`can't use file of type ${KINDS[file.kind].label} as ${KINDS[kind].label}`);
    return file;
  }

  getFile(botId: number, fileId: string): Json {
    const file = this.files.get(fileId);
    if (!file || file.ownerBotId !== botId) throw badRequest('invalid file_id');
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath };
  }

  download(botId: number, filePath: string): Buffer | undefined {
    const file = this.paths.get(`${botId}/${filePath}`);
    return file && file.bytes.length <= MAX_DOWNLOAD_BYTES ? file.bytes : undefined;
  }

  find(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }
}

/** Width and height from a PNG or JPEG header; other bytes (test fixtures) get a plausible default. */
export function imageSize(bytes: Buffer): { width: number; height: number } {
  const png = bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47;
  if (png) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    for (let at = 2; at + 9 < bytes.length;) {
      if (bytes[at] !== 0xff) break;
      const marker = bytes[at + 1];
      const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isFrame) return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
      at += 2 + bytes.readUInt16BE(at + 2);
    }
  }
  return { width: 800, height: 600 };
}
