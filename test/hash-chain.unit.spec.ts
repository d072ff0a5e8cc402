import { NewEvent } from '../src/application/ports/event-store.port';
import {
  GENESIS,
  canonicalJson,
  chainHash,
  linkHash,
  referenceCanonicalJson,
  sealChain,
} from '../src/infrastructure/event-store/hash-chain';

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: '6f1c3a52-0c1e-4b7e-9d6b-1a2b3c4d5e6f',
  type: 'CustomerMessageReceived',
  data: { kind: 'text', sentAt: 1700000000, content: { keyId: 'k1', sealed: 'abc' } },
  metadata: { schemaVersion: 1, correlationId: 'tg:1:10', causationId: 'tg:1:10', occurredAt: '2024-01-01T00:00:00.000Z' },
  ...overrides,
});

const PREV = GENESIS('conversation-1-2');
const hashOf = (e: NewEvent, streamId = 'conversation-1-2', revision = 3, prev = PREV) => chainHash(prev, streamId, revision, e);

describe('canonical JSON', () => {
  it('does not depend on key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [{ x: 2, y: 1 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('is exactly what survives a JSON round trip: undefined dropped, dates as strings', () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    expect(canonicalJson({ a: 1, gone: undefined, at, list: [undefined, 2] })).toBe(
      '{"a":1,"at":"2024-05-01T10:00:00.000Z","list":[null,2]}',
    );
    const value = { z: -0, y: 'ü\u2028"', x: [1.5, true, null] };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it('refuses a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(/no JSON representation/);
    expect(() => canonicalJson(() => 1)).toThrow(/no JSON representation/);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it('written in one pass, is exactly the round-trip definition for every kind of value (so no stored hash changes)', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y?: number,
      ) {}
    }
    const tricky: unknown[] = [
      { z: -0, y: 'ü\u2028"\ud800', x: [1.5, true, null, NaN, Infinity, -Infinity, 1e21, 5e-324] },
      { gone: undefined, fn: () => 1, sym: Symbol('s'), list: [undefined, () => 1, Symbol('t'), , 2] }, // eslint-disable-line no-sparse-arrays
      JSON.parse('{"__proto__": {"a": 1}, "constructor": 2, "10": 3, "9": 4, "": 5, "é": 6, "Z": 7, "a": 8}'),
      { at: new Date('2024-05-01T10:00:00.000Z') },
      { p: new Point(1) },
      { boxed: [Object(1), Object('s'), Object(false)] },
      { custom: { toJSON: (key: string) => `key:${key}` } },
      { list: [{ toJSON: (key: string) => ({ k: key }) }] },
      Object.assign(Object.create(null) as object, { b: 1, a: [Object.create(null) as object] }),
      [[[[{ deep: [{ deeper: 'x' }] }]]]],
      'text',
      42,
      null,
      [],
      {},
    ];
    // And many random JSON-shaped values, like events' data and metadata.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['a', 'B', 'botId', 'customerId', 'é', '_', '10', '2', 'content', 'keyId', ''];
    const make = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return [0, -1, 1.25, 1e300, 'x', '\u0000"\\', true, false, null, undefined][Math.floor(random() * 10)];
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => make(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, () => [keys[Math.floor(random() * keys.length)], make(depth + 1)]),
      );
    };
    for (let i = 0; i < 2000; i++) tricky.push({ data: make(0), metadata: make(1) });
    for (const value of tricky) expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
  });
});

describe('event hash', () => {
  it('is the same whatever order the keys of data and metadata were written in', () => {
    const e = event();
    const reordered = event({
      data: { content: { sealed: 'abc', keyId: 'k1' }, sentAt: 1700000000, kind: 'text' },
      metadata: { occurredAt: '2024-01-01T00:00:00.000Z', causationId: 'tg:1:10', correlationId: 'tg:1:10', schemaVersion: 1 },
    });
    expect(hashOf(reordered)).toBe(hashOf(e));
    expect(hashOf(e)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any change to the data, metadata, type, id, revision, stream or predecessor', () => {
    const base = hashOf(event());
    const variants = [
      hashOf(event({ data: { kind: 'text', sentAt: 1700000001, content: { keyId: 'k1', sealed: 'abc' } } })),
      hashOf(event({ data: { kind: 'text', sentAt: 1700000000, content: { keyId: 'k1', sealed: 'abd' } } })),
      hashOf(event({ data: { kind: 'text', sentAt: 1700000000, content: { keyId: 'k1', sealed: 'abc' }, extra: null } })),
      hashOf(event({ metadata: { ...event().metadata, causationId: 'tg:1:11' } })),
      hashOf(event({ metadata: { ...event().metadata, occurredAt: '2024-01-01T00:00:00.001Z' } })),
      hashOf(event({ metadata: { ...event().metadata, command: 'ReceiveCustomerMessage' } })),
      hashOf(event({ type: 'CustomerMessageEdited' })),
      hashOf(event({ id: '6f1c3a52-0c1e-4b7e-9d6b-1a2b3c4d5e70' })),
      hashOf(event(), 'conversation-1-2', 4),
      hashOf(event(), 'conversation-1-3'),
      hashOf(event(), 'conversation-1-2', 3, GENESIS('conversation-1-3')),
    ];
    for (const variant of variants) expect(variant).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('ignores the chain fields themselves in the metadata (the predecessor is hashed through prevHash)', () => {
    const withFields = event({ metadata: { ...event().metadata, prevHash: 'x', hash: 'y' } });
    expect(hashOf(withFields)).toBe(hashOf(event()));
  });

  it('gives every stream its own genesis value', () => {
    expect(GENESIS('master-1')).not.toBe(GENESIS('master-2'));
    expect(GENESIS('master-1')).toBe(GENESIS('master-1'));
  });
});

describe('sealChain', () => {
  it('links each event of a batch to the one before, starting from the given predecessor', () => {
    const batch = [event({ id: 'a' }), event({ id: 'b' }), event({ id: 'c' })];
    const sealed = sealChain('master-7', 5, 'f'.repeat(64), batch);
    expect(sealed.map((e) => e.metadata.prevHash)).toEqual(['f'.repeat(64), sealed[0].metadata.hash, sealed[1].metadata.hash]);
    sealed.forEach((e, i) => {
      expect(e.metadata.hash).toBe(chainHash(e.metadata.prevHash as string, 'master-7', 5 + i, e));
      expect(e.data).toEqual(batch[i].data);
    });
    // The caller's events are left as they were.
    expect(batch[0].metadata.hash).toBeUndefined();
  });

  it('keeps the same hashes after a JSON round trip, as events come back from a store', () => {
    const [sealed] = sealChain('master-7', 0, GENESIS('master-7'), [
      event({ data: { text: undefined, at: new Date('2024-05-01T10:00:00Z') as unknown as string, n: 1 } }),
    ]);
    const stored = JSON.parse(JSON.stringify(sealed)) as NewEvent;
    expect(chainHash(stored.metadata.prevHash as string, 'master-7', 0, stored)).toBe(sealed.metadata.hash);
  });

  it('replaces chain fields a caller put in the metadata', () => {
    const [sealed] = sealChain('s', 0, GENESIS('s'), [event({ metadata: { ...event().metadata, prevHash: 'bogus', hash: 'bogus' } })]);
    expect(sealed.metadata.prevHash).toBe(GENESIS('s'));
    expect(sealed.metadata.hash).toBe(chainHash(GENESIS('s'), 's', 0, event()));
  });
});

describe('linkHash', () => {
  it('is the stored hash of a sealed event, or the content hash of an event from before the chain', () => {
    const [sealed] = sealChain('s', 0, GENESIS('s'), [event()]);
    expect(linkHash({ ...sealed, streamId: 's', revision: 0 })).toBe(sealed.metadata.hash);
    const legacy = event();
    expect(linkHash({ ...legacy, streamId: 's', revision: 2 })).toBe(chainHash(GENESIS('s'), 's', 2, legacy));
  });
});
