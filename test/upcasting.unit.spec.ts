import { schemaVersionOf, upcast, UpcasterRegistry } from '../src/application/command-handling/upcasters';
import { EventMetadata, RecordedEvent } from '../src/application/ports/event-store.port';

/** A stored event of a test-only type, as a store would return it. */
function stored(type: string, data: Record<string, unknown>, metadata: Partial<EventMetadata> = { schemaVersion: 1 }): RecordedEvent {
  return {
    id: 'e1',
    type,
    data,
    metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2026-01-02T03:04:05.000Z', ...metadata } as EventMetadata,
    streamId: 'parcel-1',
    revision: 0,
    position: 1n,
    recordedAt: new Date('2026-01-02T03:04:06.000Z'),
  };
}

/**
 * ParcelWeighed, a test-only type: v1 `{ grams }`, v2 added `unit` (kg), v3 renamed `grams` to `weight`.
 */
function parcelRegistry(): UpcasterRegistry {
  return new UpcasterRegistry([
    { type: 'ParcelWeighed', fromVersion: 1, upcast: (data) => ({ ...data, unit: 'g' }) },
    {
      type: 'ParcelWeighed',
      fromVersion: 2,
      upcast: ({ grams, ...rest }) => ({ ...rest, weight: grams }),
    },
  ]);
}

describe('the upcaster registry', () => {
  it('lifts a v1 event through every step to the current shape, and records the version it now has', () => {
    const event = parcelRegistry().upcast(stored('ParcelWeighed', { parcelId: 'p1', grams: 1200 }));
    expect(event.data).toEqual({ parcelId: 'p1', unit: 'g', weight: 1200 });
    expect(event.metadata.schemaVersion).toBe(3);
  });

  it('starts from the stored version: a v2 event takes only the last step', () => {
    const event = parcelRegistry().upcast(stored('ParcelWeighed', { parcelId: 'p1', grams: 5, unit: 'kg' }, { schemaVersion: 2 }));
    expect(event.data).toEqual({ parcelId: 'p1', unit: 'kg', weight: 5 });
    expect(event.metadata.schemaVersion).toBe(3);
  });

  it('an event without a schemaVersion (or with one that is not a version) counts as v1', () => {
    for (const metadata of [{}, { schemaVersion: undefined }, { schemaVersion: 'x' as unknown as number }, { schemaVersion: 0 }]) {
      const event = parcelRegistry().upcast(stored('ParcelWeighed', { grams: 7 }, metadata));
      expect(event.data).toEqual({ unit: 'g', weight: 7 });
      expect(event.metadata.schemaVersion).toBe(3);
    }
  });

  it('an event already in the current shape is returned as it is', () => {
    const current = stored('ParcelWeighed', { weight: 1, unit: 'g' }, { schemaVersion: 3 });
    expect(parcelRegistry().upcast(current)).toBe(current);
  });

  it('an event NEWER than this code knows (written by a later release) is left as it is, not failed on', () => {
    const newer = stored('ParcelWeighed', { weight: 1, unit: 'g', carrier: 'dhl' }, { schemaVersion: 7 });
    expect(parcelRegistry().upcast(newer)).toBe(newer);
  });

  it('the current version of each type is one past its last step, 1 for a type without steps', () => {
    const registry = parcelRegistry();
    expect(registry.schemaVersionOf('ParcelWeighed')).toBe(3);
    expect(registry.schemaVersionOf('ParcelShipped')).toBe(1);
  });

  it('keeps everything but data and version: id, stream, revision, position, the other metadata', () => {
    const original = stored('ParcelWeighed', { grams: 1 });
    const { data: _d, metadata, ...rest } = parcelRegistry().upcast(original);
    const { data: _o, metadata: originalMetadata, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
    expect(metadata).toEqual({ ...originalMetadata, schemaVersion: 3 });
    expect(original.data).toEqual({ grams: 1 }); // the stored event object is not mutated
  });

  it('a step may use the stored event (e.g. its metadata) to fill a default', () => {
    const registry = new UpcasterRegistry([
      { type: 'ParcelScanned', fromVersion: 1, upcast: (data, event) => ({ ...data, at: event.metadata.occurredAt }) },
    ]);
    expect(registry.upcast(stored('ParcelScanned', {})).data).toEqual({ at: '2026-01-02T03:04:05.000Z' });
  });

  it("a renamed type continues as the new type's chain", () => {
    const registry = new UpcasterRegistry([
      { type: 'PackageWeighed', fromVersion: 1, renamedTo: { type: 'ParcelWeighed', version: 1 }, upcast: ({ g }) => ({ grams: g }) },
      { type: 'ParcelWeighed', fromVersion: 1, upcast: (data) => ({ ...data, unit: 'g' }) },
    ]);
    const event = registry.upcast(stored('PackageWeighed', { g: 9 }));
    expect(event.type).toBe('ParcelWeighed');
    expect(event.data).toEqual({ grams: 9, unit: 'g' });
    expect(event.metadata.schemaVersion).toBe(2);
    expect(registry.schemaVersionOf('ParcelWeighed')).toBe(2);
  });

  it('names the stored types that become the ones asked for, through any chain of renames, for a read filtered by type', () => {
    const registry = new UpcasterRegistry([
      { type: 'BoxWeighed', fromVersion: 1, renamedTo: { type: 'PackageWeighed', version: 1 }, upcast: (d) => d },
      { type: 'PackageWeighed', fromVersion: 1, renamedTo: { type: 'ParcelWeighed', version: 1 }, upcast: (d) => d },
      { type: 'ParcelWeighed', fromVersion: 1, upcast: (data) => ({ ...data, unit: 'g' }) },
      { type: 'CrateWeighed', fromVersion: 1, renamedTo: { type: 'CrateMeasured', version: 1 }, upcast: (d) => d },
    ]);
    expect(registry.storedNamesOf(['ParcelWeighed', 'ParcelSent']).sort()).toEqual([
      'BoxWeighed',
      'PackageWeighed',
      'ParcelSent',
      'ParcelWeighed',
    ]);
    expect(registry.storedNamesOf(['CrateWeighed'])).toEqual(['CrateWeighed']);
  });

  it('refuses two steps from the same version (the result would depend on the order)', () => {
    expect(
      () =>
        new UpcasterRegistry([
          { type: 'ParcelWeighed', fromVersion: 1, upcast: (d) => d },
          { type: 'ParcelWeighed', fromVersion: 1, upcast: (d) => d },
        ]),
    ).toThrow(/registered twice/);
  });

  it('a rename that leads back to itself is reported, not looped on forever', () => {
    const registry = new UpcasterRegistry([
      { type: 'A', fromVersion: 1, renamedTo: { type: 'B', version: 1 }, upcast: (d) => d },
      { type: 'B', fromVersion: 1, renamedTo: { type: 'A', version: 1 }, upcast: (d) => d },
    ]);
    expect(() => registry.upcast(stored('A', {}))).toThrow(/loop/);
  });
});

describe("the app's event schemas", () => {
  const who = { botId: 7000000001, customerId: 555, masterId: 1001 };
  const uploaded = [{ botId: 8000000000, fileUniqueId: 'AgAD-photo', fileId: 'master-file-id' }];

  it('new events are written at the current versions', () => {
    expect(schemaVersionOf('CustomerMessageReceived')).toBe(2);
    expect(schemaVersionOf('MessageRelayed')).toBe(2);
    expect(schemaVersionOf('ReplyDelivered')).toBe(3);
    expect(schemaVersionOf('StateChanged')).toBe(2);
    expect(schemaVersionOf('BotPickerOffered')).toBe(2);
    expect(schemaVersionOf('QrCodeRequested')).toBe(2);
    expect(schemaVersionOf('CustomerStarted')).toBe(2);
    expect(schemaVersionOf('CommandRejected')).toBe(2);
    expect(schemaVersionOf('CustomerContentErased')).toBe(1);
  });

  it('a v2 delivery, recorded before answers were remembered (M13), names no answer', () => {
    const v2 = { ...who, replyId: 'r1', relayedMessageId: 901, deliveredMessageId: 31, uploaded };
    const event = upcast(stored('ReplyDelivered', v2, { schemaVersion: 2 }));
    expect(event.metadata.schemaVersion).toBe(3);
    expect(event.data).toEqual({ ...v2, answer: null });
  });

  // The second release wrote the new fields at version 1 (and left out the empty ones): kept as written.
  it('a v1 relay that already lists its extra messages and uploads keeps them', () => {
    const event = upcast(stored('MessageRelayed', { ...who, messageId: 1, relayedMessageId: 901, extraMessageIds: [902], uploaded }));
    expect(event.data).toEqual({ ...who, messageId: 1, relayedMessageId: 901, extraMessageIds: [902], uploaded });
  });

  it('a v1 relay without them (an empty list left out) gets empty lists', () => {
    expect(upcast(stored('MessageRelayed', { ...who, messageId: 1, relayedMessageId: 901, uploaded })).data).toEqual({
      ...who,
      messageId: 1,
      relayedMessageId: 901,
      extraMessageIds: [],
      uploaded,
    });
  });

  it('a v1 received message that has its Telegram send time keeps it', () => {
    expect(upcast(stored('CustomerMessageReceived', { ...who, messageId: 1, sentAt: 1_800_000_000 })).data.sentAt).toBe(1_800_000_000);
  });

  it('a v1 received message without one is dated by its decision time (or, lacking that, its recording time)', () => {
    expect(upcast(stored('CustomerMessageReceived', { ...who, messageId: 1 })).data.sentAt).toBe(
      Date.parse('2026-01-02T03:04:05.000Z') / 1000,
    );
    const undated = stored('CustomerMessageReceived', { ...who, messageId: 1 }, { schemaVersion: 1, occurredAt: undefined });
    expect(upcast(undated).data.sentAt).toBe(Date.parse('2026-01-02T03:04:06.000Z') / 1000);
  });

  it('a state change of the second release (already ChoosingBot) stays as it is', () => {
    const data = { masterId: 1001, from: 'Main', to: 'ChoosingBot', trigger: '/qr' };
    expect(upcast(stored('StateChanged', data)).data).toEqual(data);
  });

  describe('typed text held in clear by v1 (a /qr parameter, a deep-link parameter, an unknown command)', () => {
    const box = { keyId: 'master-1001', box: 'aXYxMnRhZzE2cHJvbW8=' };
    const bot = { botId: 7000000001, username: 'shop_bot' };

    it('a v1 QR request or bot picker keeps its parameter readable as legacy text, and one without stays without', () => {
      expect(upcast(stored('QrCodeRequested', { masterId: 1001, ...bot, startParameter: 'promo' })).data.startParameter).toEqual({
        legacyPlaintext: 'promo',
      });
      expect(upcast(stored('QrCodeRequested', { masterId: 1001, ...bot, startParameter: null })).data.startParameter).toBeNull();
      const picker = { masterId: 1001, purpose: 'qr', bots: [bot] };
      expect(upcast(stored('BotPickerOffered', { ...picker, startParameter: 'promo' })).data).toEqual({
        ...picker,
        startParameter: { legacyPlaintext: 'promo' },
      });
      expect(upcast(stored('BotPickerOffered', { ...picker, purpose: 'remove' })).data).toEqual({ ...picker, purpose: 'remove' });
    });

    it('a v1 customer start keeps its link parameter as legacy text', () => {
      expect(upcast(stored('CustomerStarted', { ...who, startParameter: 'flyer' })).data).toEqual({
        ...who,
        startParameter: { legacyPlaintext: 'flyer' },
      });
      expect(upcast(stored('CustomerStarted', { ...who })).data).toEqual(who);
    });

    it('a v1 unknown command becomes "unknown" with the word as legacy text; other refusals stay as they were', () => {
      expect(upcast(stored('CommandRejected', { masterId: 1001, command: '/frobnicate', reason: 'unknown_command' })).data).toEqual({
        masterId: 1001,
        command: 'unknown',
        reason: 'unknown_command',
        typed: { legacyPlaintext: '/frobnicate' },
      });
      const refused = { masterId: 1001, command: '/qr', reason: 'no_bots' };
      expect(upcast(stored('CommandRejected', refused)).data).toEqual(refused);
    });

    it('an event already holding sealed text is left as it is', () => {
      expect(upcast(stored('QrCodeRequested', { masterId: 1001, ...bot, startParameter: box })).data.startParameter).toEqual(box);
      expect(upcast(stored('CustomerStarted', { ...who, startParameter: box })).data.startParameter).toEqual(box);
    });
  });
});
