import { uuidV5 } from '../src/application/command-handling/deterministic-id';

/** Event ids are named `<stream>|<causation id>|<index in the batch>` (see aggregate-store). */
const firstEventOfUpdate = 'master-1001|7000000000:900|0';
const secondEventOfUpdate = 'master-1001|7000000000:900|1';
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deterministic event ids (UUIDv5)', () => {
  it('a Telegram update delivered twice gets the same event id both times', () => {
    expect(uuidV5(firstEventOfUpdate)).toBe(uuidV5(firstEventOfUpdate));
  });

  it('different events get different ids', () => {
    const ids = new Set([
      uuidV5(firstEventOfUpdate),
      uuidV5(secondEventOfUpdate),
      uuidV5('master-1002|7000000000:900|0'),
      uuidV5('master-1001|7000000000:901|0'),
      uuidV5(''),
    ]);
    expect(ids.size).toBe(5);
  });

  it('an id is an RFC 4122 UUID of version 5', () => {
    for (const name of [firstEventOfUpdate, secondEventOfUpdate, '', 'ünïcödé ✉', 'x'.repeat(10_000)]) {
      const id = uuidV5(name);
      expect(id).toMatch(UUID_V5);
      const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
      expect(bytes[6] >> 4).toBe(5);
      expect(bytes[8] >> 6).toBe(0b10);
    }
  });

  it('ids never change between releases (an update redelivered after an upgrade is still recognised)', () => {
    // Computed with the `uuid` package's v5 under our namespace 6f1c2b7e-8d4a-4c0b-9e3f-5a1d2c3b4a59.
    expect(uuidV5(firstEventOfUpdate)).toBe('b1331f65-6915-54db-a3bc-0d881b2dd3a0');
    expect(uuidV5('conversation-7000000001-555|7000000001:12|0')).toBe('c535ba2a-f8ee-5b61-ad67-90112269e566');
    expect(uuidV5('')).toBe('03fd9ff6-a222-5a0d-96c7-7c8f29ab8034');
  });
});
