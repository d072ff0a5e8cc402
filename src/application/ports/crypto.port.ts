import { Sealed } from '../../domain/shared/sealed';

export const TOKEN_CIPHER = Symbol('TOKEN_CIPHER');
export const CONTENT_VAULT = Symbol('CONTENT_VAULT');

/** Encrypts client bot tokens at rest (events and read models only ever hold the ciphertext). */
export interface TokenCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** A per-bot webhook secret derived from the key: nothing to store, checkable in constant time. */
  webhookSecret(botRef: string): string;
}

/**
 * Seals customer content under a key per conversation. `open` returns null once the key is erased
 * (crypto-shredding): the content is then gone for good, everywhere it was copied.
 */
export interface ContentVault {
  seal(conversationId: string, content: unknown): Promise<Sealed>;
  open<T>(sealed: Sealed): T | null;
  erase(conversationId: string): void;
}
