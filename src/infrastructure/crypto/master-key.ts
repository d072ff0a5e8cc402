import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The key that protects client bot tokens and wraps per-conversation keys. From TOKEN_ENCRYPTION_KEY,
 * or generated once into DATA_DIR/token-encryption.key (mode 0600) with a warning: losing that file
 * makes every stored token unreadable.
 */
export function loadMasterKey(configured: string | null, dataDir: string, logger = new Logger('MasterKey')): Buffer {
  if (configured) return decodeKey(configured, 'TOKEN_ENCRYPTION_KEY');
  const file = join(dataDir, 'token-encryption.key');
  if (existsSync(file)) return decodeKey(readFileSync(file, 'utf8').trim(), file);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // Replicas sharing DATA_DIR may all start at once on a fresh volume: the key is written whole under a
  // name of this process's, then linked into place (atomic, and refused if one exists), so a replica never
  // reads a half-written key, and one that lost the race uses the winner's.
  const draft = `${file}.${process.pid}.draft`;
  writeFileSync(draft, key.toString('base64'), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return decodeKey(readFileSync(file, 'utf8').trim(), file);
  } finally {
    rmSync(draft, { force: true });
  }
  logger.warn(`TOKEN_ENCRYPTION_KEY is not set: generated ${file} (0600). Back it up; without it stored bot tokens cannot be read.`);
  return key;
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold 32 bytes of base64 (got ${key.length})`);
  return key;
}
