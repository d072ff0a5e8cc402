import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  logger.warn(`TOKEN_ENCRYPTION_KEY is not set: generated ${file} (0600). Back it up; without it stored bot tokens cannot be read.`);
  return key;
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold 32 bytes of base64 (got ${key.length})`);
  return key;
}
