import { RecordedEvent } from '../ports/event-store.port';

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Old event shapes are lifted to the current one on read, in one place, for the command side,
 * projections, reactors and audit alike. Register `(type, fromVersion) → fn`; each step lifts one version.
 */
const upcasters = new Map<string, Upcaster>();
export const CURRENT_SCHEMA_VERSION: Record<string, number> = {};

export function registerUpcaster(type: string, fromVersion: number, upcast: Upcaster): void {
  upcasters.set(`${type}@${fromVersion}`, upcast);
  CURRENT_SCHEMA_VERSION[type] = Math.max(CURRENT_SCHEMA_VERSION[type] ?? 1, fromVersion + 1);
}

export function schemaVersionOf(type: string): number {
  return CURRENT_SCHEMA_VERSION[type] ?? 1;
}

export function upcast(event: RecordedEvent): RecordedEvent {
  let version = Number(event.metadata.schemaVersion ?? 1);
  let data = event.data;
  for (let step = upcasters.get(`${event.type}@${version}`); step; step = upcasters.get(`${event.type}@${version}`)) {
    data = step(data);
    version += 1;
  }
  return data === event.data ? event : { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
}
