import { createHash } from 'node:crypto';

/** Our namespace for UUIDv5 event ids (itself a random v4 UUID, fixed forever). */
const NAMESPACE = Buffer.from('6f1c2b7e8d4a4c0b9e3f5a1d2c3b4a59', 'hex');

/**
 * RFC 4122 UUIDv5: the same name always gives the same id. Event ids are derived from the stream, the
 * message that caused them and their index, so a redelivered Telegram update re-appends identical ids
 * and the store recognises the batch it already has.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
