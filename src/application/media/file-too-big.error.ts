import { MediaKind, TELEGRAM_LIMITS } from '../../domain/shared/message-content';

/**
 * A file Telegram will not move for a bot: over the 20 MB a bot may download, or the 50 MB it may
 * upload. Not a failure to retry: the sender tells a person instead (the master, in plain words).
 */
export class FileTooBigError extends Error {
  constructor(
    readonly kind: MediaKind,
    /** Bytes, when Telegram told us. */
    readonly size: number | undefined,
    readonly limit: 'download' | 'upload',
  ) {
    super(`${kind} of ${size ?? 'unknown'} bytes is over the bot ${limit} limit`);
    this.name = 'FileTooBigError';
  }

  get limitBytes(): number {
    return this.limit === 'download' ? TELEGRAM_LIMITS.downloadBytes : TELEGRAM_LIMITS.uploadBytes;
  }
}

/** "23.4 MB" (Telegram's MB are MiB). */
export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
