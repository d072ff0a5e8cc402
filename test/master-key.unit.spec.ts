import { Logger } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterKey } from '../src/infrastructure/crypto/master-key';
import { makeTempDir } from './support/temp-dir';

/** Makes the next `existsSync` answer "no": a replica that looked before another one's key file existed. */
const mockLookedTooEarly = { next: false };
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    existsSync: (path: import('node:fs').PathLike) => {
      if (!mockLookedTooEarly.next) return actual.existsSync(path);
      mockLookedTooEarly.next = false;
      return false;
    },
  };
});

/**
 * Replicas share DATA_DIR; on a fresh volume they all generate the master key at the same moment. Every
 * one of them must end up with the one key on disk (tokens sealed by one are opened by the others).
 */
describe('the generated master key, with replicas starting at once', () => {
  const quiet = { warn: () => undefined } as unknown as Logger;

  it('a replica that finds the key written by another while it generated its own uses that one', () => {
    const tmp = makeTempDir();
    try {
      const winner = loadMasterKey(null, tmp.dir, quiet);
      mockLookedTooEarly.next = true;
      const loser = loadMasterKey(null, tmp.dir, quiet);
      expect(loser.equals(winner)).toBe(true);
      expect(readdirSync(tmp.dir)).toEqual(['token-encryption.key']);
      expect(Buffer.from(readFileSync(join(tmp.dir, 'token-encryption.key'), 'utf8'), 'base64').equals(winner)).toBe(true);
    } finally {
      tmp.remove();
    }
  });
});
