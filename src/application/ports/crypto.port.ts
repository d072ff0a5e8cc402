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
 *
 * Key ids: a conversation's id (`<botId>-<customerId>`, see `conversationId()`), `bot-<botId>` for a
 * greeting, `broadcast-<id>` for a broadcast, `master-<masterId>` for what a master types outside those
 * (a /qr link parameter, an unknown command's word).
 */
export interface ContentVault {
  seal(conversationId: string, content: unknown): Promise<Sealed>;
  open<T>(sealed: Sealed): T | null;
  /** Deletes the key for good (idempotent); returns whether there was one to delete. */
  erase(conversationId: string): boolean;
  /**
   * Drops this process's unwrapped copy of the key, never the stored key. Another process (the
   * `privacy erase` CLI) deletes keys; the running app forgets its cached copy when it sees the erasure.
   */
  forget(conversationId: string): void;
  /** Ids of the stored keys of one customer's conversations: with every bot, or with `botId` only. */
  conversationKeysOf(customerId: number, botId?: number): string[];
}
