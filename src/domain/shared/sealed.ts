/**
 * Customer content as it may appear in an event: AES-256-GCM ciphertext under the conversation's own
 * key (`keyId`). Deleting that key erases the content everywhere (crypto-shredding) while the event —
 * the record of what happened — stays.
 */
export interface Sealed {
  keyId: string;
  /** base64 of iv (12 bytes) | tag (16 bytes) | ciphertext */
  box: string;
}
