import { basename } from 'node:path';
import { FileRef, MediaKind, TELEGRAM_LIMITS } from '../../domain/shared/message-content';
import { BotApi, MediaInput, SentMessage, TelegramApiError } from '../ports/telegram.port';
import { FileTooBigError } from './file-too-big.error';
import { MediaCache } from './media-cache.port';

/** A file another bot now has: what the upload cache keeps. */
export interface UploadedFile {
  botId: number;
  fileUniqueId: string;
  fileId: string;
}

/** Moving files from the bot that received them to the bot that sends them on. */
export interface TransferRoute {
  source: BotApi;
  sourceBotId: number;
  targetBotId: number;
}

export interface PreparedFile {
  file: FileRef;
  media: MediaInput;
  /** True when `media` is a file id from the cache (it may be stale: Telegram then answers 400). */
  fromCache: boolean;
}

/**
 * File ids are per bot, so a file goes from one bot to another by download + upload, streamed: the
 * download's body is piped into the upload, never held whole in memory. What was uploaded before is sent
 * by the target bot's own file id instead (the cache), and a stale cached id falls back to a transfer.
 */
export class FileTransfer {
  constructor(private readonly cache: MediaCache | null) {}

  async prepare(file: FileRef, kind: MediaKind, route: TransferRoute, useCache = true): Promise<PreparedFile> {
    if (route.sourceBotId === route.targetBotId) return { file, media: { fileId: file.fileId }, fromCache: false };
    const cached = useCache && this.cache ? await this.cache.find(route.targetBotId, file.fileUniqueId) : null;
    if (cached) return { file, media: { fileId: cached }, fromCache: true };
    // Telegram would refuse anyway: do not spend a getFile on it.
    if (file.fileSize !== undefined && file.fileSize > TELEGRAM_LIMITS.downloadBytes)
      throw new FileTooBigError(kind, file.fileSize, 'download');
    const located = await route.source.getFile(file.fileId).catch((error: unknown) => {
      if (error instanceof TelegramApiError && error.code === 400 && /too big/i.test(error.description)) {
        throw new FileTooBigError(kind, file.fileSize, 'download');
      }
      throw error;
    });
    if (located.fileSize !== undefined && located.fileSize > TELEGRAM_LIMITS.downloadBytes)
      throw new FileTooBigError(kind, located.fileSize, 'download');
    const fileName = file.fileName ?? basename(located.filePath);
    const source = async () => (await route.source.downloadFile(located.filePath)).stream;
    return { file, media: { source, fileName }, fromCache: false };
  }

  /** Sends one file with `send`, retrying once by transfer when a cached file id is refused. */
  async send(
    file: FileRef,
    kind: MediaKind,
    route: TransferRoute,
    send: (media: MediaInput) => Promise<SentMessage>,
  ): Promise<{ sent: SentMessage; uploaded: UploadedFile[] }> {
    const result = await this.sendAll([{ file, kind }], route, async ([item]) => [await send(item.media)]);
    return { sent: result.sent[0], uploaded: result.uploaded };
  }

  /** The album form of `send`: every file goes in the one call `send` makes. */
  async sendAll(
    files: { file: FileRef; kind: MediaKind }[],
    route: TransferRoute,
    send: (prepared: PreparedFile[]) => Promise<SentMessage[]>,
  ): Promise<{ sent: SentMessage[]; uploaded: UploadedFile[] }> {
    const attempt = async (useCache: boolean) => {
      const prepared = await Promise.all(files.map(({ file, kind }) => this.prepare(file, kind, route, useCache)));
      try {
        const sent = await send(prepared);
        return { sent, uploaded: uploadsOf(prepared, sent, route.targetBotId) };
      } catch (error) {
        if (error instanceof TelegramApiError && error.code === 413)
          throw new FileTooBigError(files[0].kind, files[0].file.fileSize, 'upload');
        // A cached id Telegram no longer accepts (400): transfer instead. Without one, a retry would fail alike.
        const staleCache = error instanceof TelegramApiError && error.code === 400 && prepared.some((p) => p.fromCache);
        if (staleCache) throw new StaleCacheError(error);
        throw error;
      }
    };
    try {
      return await attempt(true);
    } catch (error) {
      if (!(error instanceof StaleCacheError)) throw error;
      return attempt(false);
    }
  }
}

class StaleCacheError extends Error {
  constructor(override readonly cause: TelegramApiError) {
    super(cause.message);
  }
}

function uploadsOf(prepared: PreparedFile[], sent: SentMessage[], targetBotId: number): UploadedFile[] {
  return prepared.flatMap((item, i) => {
    const file = sent[i]?.file;
    if (!file || !('source' in item.media)) return [];
    return [{ botId: targetBotId, fileUniqueId: item.file.fileUniqueId, fileId: file.fileId }];
  });
}
