import { createHmac } from 'node:crypto';
import { TokenCipher } from '../../application/ports/crypto.port';
import { decrypt, encrypt } from './aes-gcm';

export class AesTokenCipher implements TokenCipher {
  constructor(private readonly key: Buffer) {}

  encrypt(plaintext: string): string {
    return encrypt(this.key, Buffer.from(plaintext, 'utf8'), 'bot-token');
  }

  decrypt(ciphertext: string): string {
    return decrypt(this.key, ciphertext, 'bot-token').toString('utf8');
  }

  webhookSecret(botRef: string): string {
    return createHmac('sha256', this.key).update(`webhook-secret:${botRef}`).digest('base64url');
  }
}
