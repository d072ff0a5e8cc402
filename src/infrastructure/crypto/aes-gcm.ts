import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const IV_BYTES = 12;
/** IVs drawn per call to the CSPRNG: one synchronous random call per 1,024 seals instead of one per seal. */
export const IVS_PER_POOL = 1024;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

/**
 * A fresh random IV, taken from a pool the CSPRNG fills (as Node's own randomUUID does): every IV is 12 bytes
 * of it that no other IV was taken from (the offset only moves on, and a spent pool is replaced, never
 * refilled in place), so IVs stay random and unique, at a fraction of the synchronous random calls.
 */
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafeSlow(IV_BYTES * IVS_PER_POOL));
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** AES-256-GCM: base64 of iv (12) | tag (16) | ciphertext. `aad` binds the box to its purpose/owner. */
export function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function decrypt(key: Buffer, box: string, aad: string): Buffer {
  const raw = Buffer.from(box, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}
