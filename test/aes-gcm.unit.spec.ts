import * as crypto from 'node:crypto';
import { decrypt, encrypt, IVS_PER_POOL } from '../src/infrastructure/crypto/aes-gcm';

// The module's random sources, counted (node:crypto's own exports cannot be spied on).
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof crypto>('node:crypto');
  return { ...actual, randomFillSync: jest.fn(actual.randomFillSync), randomBytes: jest.fn(actual.randomBytes) };
});

/** Sealed content (customer messages, bot tokens) is AES-256-GCM under a random IV that must never repeat under one key. */
describe('sealing with AES-256-GCM', () => {
  const key = crypto.randomBytes(32);
  const ivOf = (box: string) => Buffer.from(box, 'base64').subarray(0, 12).toString('hex');

  beforeEach(() => jest.clearAllMocks());

  it('every box opens to what was sealed, and only under the purpose it was sealed for', () => {
    const box = encrypt(key, Buffer.from('hello'), 'msg:1');

    expect(decrypt(key, box, 'msg:1').toString()).toBe('hello');
    expect(() => decrypt(key, box, 'msg:2')).toThrow();
  });

  it('no two boxes share an IV, across several refills of the random pool', () => {
    const count = IVS_PER_POOL * 3 + 7;
    const ivs = new Set(Array.from({ length: count }, (_, i) => ivOf(encrypt(key, Buffer.from(`m${i}`), 'msg'))));

    expect(ivs.size).toBe(count);
  });

  it('asks the system for random bytes once per pool of IVs, not once per box', () => {
    for (let i = 0; i < IVS_PER_POOL * 2; i++) encrypt(key, Buffer.from('x'), 'msg');

    const calls = jest.mocked(crypto.randomFillSync).mock.calls.length + jest.mocked(crypto.randomBytes).mock.calls.length;
    expect(calls).toBeLessThanOrEqual(3);
  });
});
