import type { RecordedEvent } from '../ports/event-store.port';
import type { UpcasterDefinition } from './upcasters';

/**
 * Every change of an event's shape, as steps from one schema version to the next (docs/events.md lists
 * them). This is the one place that knows old shapes: consumers read the current shape only.
 *
 * "v1" is everything written before a type's first step, by any release: the first release (no
 * `sentAt`, no `extraMessageIds`, …) and the one after it (which wrote the new fields at version 1,
 * omitting the empty ones). So a step keeps a field that is already there and only fills what is missing.
 *
 * Sealed payloads (`content`, `name`, …) evolve inside their ciphertext, out of reach of a pure upcaster:
 * `src/application/media/relay-content.ts` reads their older shapes.
 *
 * Type-only imports: `upcasters.ts` imports this module, so a value import back would be a cycle.
 */

const numbers = (value: unknown): number[] => (Array.isArray(value) ? (value as number[]) : []);
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** Unix seconds of when the event was decided (the first release kept no Telegram send time). */
function decidedAtSeconds(event: Readonly<RecordedEvent>): number {
  const decided = Date.parse(String(event.metadata?.occurredAt ?? ''));
  return Math.floor((Number.isNaN(decided) ? event.recordedAt.getTime() : decided) / 1000);
}

/** The master's states the first release had, by their current names. */
const RENAMED_STATES: Record<string, string> = { ChoosingBotToRemove: 'ChoosingBot' };

/**
 * A start parameter as v1 held it (text in clear, or nothing) in the v2 shape: `{ legacyPlaintext }`
 * (see TypedText; the stored event keeps its clear text, since rewriting it would break the hash chain).
 */
const legacyTyped = (value: unknown): { legacyPlaintext: string } | null =>
  typeof value === 'string' && value !== '' ? { legacyPlaintext: value } : null;

/** Already sealed (or lifted): a v1-numbered event written by a release that sealed it keeps it. */
const isTypedText = (value: unknown): boolean => value !== null && typeof value === 'object';

export const EVENT_UPCASTERS: readonly UpcasterDefinition[] = [
  {
    // v2: `sentAt` (Telegram's send time, the anti-flood clock) is required. The first release did not
    // record it; the decision time is the closest it knew (within the webhook's latency of it).
    type: 'CustomerMessageReceived',
    fromVersion: 1,
    upcast: (data, event) => ({ ...data, sentAt: typeof data.sentAt === 'number' ? data.sentAt : decidedAtSeconds(event) }),
  },
  {
    // v2: a relay lists every message it took in the master's chat and every file it uploaded; the
    // first release sent one text message and uploaded nothing.
    type: 'MessageRelayed',
    fromVersion: 1,
    upcast: (data) => ({ ...data, extraMessageIds: numbers(data.extraMessageIds), uploaded: list(data.uploaded) }),
  },
  {
    // v2: a delivery lists the files it uploaded (none for the first release's text replies).
    type: 'ReplyDelivered',
    fromVersion: 1,
    upcast: (data) => ({ ...data, uploaded: list(data.uploaded) }),
  },
  {
    // v3 (M13): a delivery names the answer it came from in the inbox; older ones do not know it.
    type: 'ReplyDelivered',
    fromVersion: 2,
    upcast: (data) => ({ ...data, answer: data.answer ?? null }),
  },
  {
    // v2: the bot picker became general (`ChoosingBot` for /remove, /qr, /greeting, /broadcast).
    type: 'StateChanged',
    fromVersion: 1,
    upcast: (data) => ({
      ...data,
      from: RENAMED_STATES[String(data.from)] ?? data.from,
      to: RENAMED_STATES[String(data.to)] ?? data.to,
    }),
  },
  {
    // The first release's /remove picker is today's bot picker for the purpose `remove`.
    type: 'RemovalOptionsOffered',
    fromVersion: 1,
    renamedTo: { type: 'BotPickerOffered', version: 1 },
    upcast: (data) => ({
      masterId: data.masterId,
      purpose: 'remove',
      bots: list<{ botId: number; username: string }>(data.bots).map(({ botId, username }) => ({ botId, username })),
    }),
  },
  {
    // v2: the /qr link parameter is sealed under `master-<masterId>`; v1 held it in clear.
    type: 'QrCodeRequested',
    fromVersion: 1,
    upcast: (data) => ({
      ...data,
      startParameter: isTypedText(data.startParameter) ? data.startParameter : legacyTyped(data.startParameter),
    }),
  },
  {
    // v2: as QrCodeRequested (a /qr that asked which bot carries the parameter until one is picked).
    type: 'BotPickerOffered',
    fromVersion: 1,
    upcast: (data) =>
      data.startParameter === undefined || isTypedText(data.startParameter)
        ? data
        : { ...data, startParameter: legacyTyped(data.startParameter) },
  },
  {
    // v2: the deep-link parameter a customer came with is sealed under the conversation's key.
    type: 'CustomerStarted',
    fromVersion: 1,
    upcast: (data) => {
      if (data.startParameter === undefined || isTypedText(data.startParameter)) return data;
      const { startParameter, ...rest } = data;
      const lifted = legacyTyped(startParameter);
      return lifted ? { ...rest, startParameter: lifted } : rest;
    },
  },
  {
    // v2: an unknown command is recorded as 'unknown' with the typed word sealed in `typed`; v1 held the word in clear.
    type: 'CommandRejected',
    fromVersion: 1,
    upcast: (data) =>
      data.reason === 'unknown_command' && data.typed === undefined
        ? { ...data, command: 'unknown', ...(legacyTyped(data.command) ? { typed: legacyTyped(data.command) } : {}) }
        : data,
  },
];
