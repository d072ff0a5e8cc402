import { RecordedEvent } from '../ports/event-store.port';
import { EVENT_UPCASTERS } from './event-upcasters';

/** Lifts one event's data by one step. It sees the whole stored event (some defaults come from its metadata). */
export type UpcastStep = (data: Record<string, unknown>, event: Readonly<RecordedEvent>) => Record<string, unknown>;

/**
 * One step of an event type's evolution: `type` at `fromVersion` becomes `fromVersion + 1` — or, for a
 * renamed event, `renamedTo` at `renamedTo.version`, whose own steps then continue the chain.
 */
export interface UpcasterDefinition {
  type: string;
  fromVersion: number;
  upcast: UpcastStep;
  renamedTo?: { type: string; version: number };
}

/** More hops than any real chain has: only a definition that leads back to itself gets here. */
const MAX_HOPS = 64;

/**
 * Old event shapes are lifted to the current one on read, in one place, for the command side,
 * projections, reactors and audit alike. Each step lifts one version; the current version of a type
 * is one past its last step (1 when it has none).
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, UpcasterDefinition>();
  /** Current schema version by type (types without steps are absent: version 1). */
  readonly versions: Record<string, number> = {};

  constructor(definitions: readonly UpcasterDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: UpcasterDefinition): void {
    const { type, fromVersion, renamedTo } = definition;
    if (!Number.isInteger(fromVersion) || fromVersion < 1) throw new Error(`upcaster ${type}: fromVersion must be an integer ≥ 1`);
    const key = `${type}@${fromVersion}`;
    // Two steps for one version would make the result depend on registration order.
    if (this.steps.has(key)) throw new Error(`upcaster ${key} is registered twice`);
    this.steps.set(key, definition);
    if (renamedTo) {
      this.versions[renamedTo.type] = Math.max(this.versions[renamedTo.type] ?? 1, renamedTo.version);
    } else {
      this.versions[type] = Math.max(this.versions[type] ?? 1, fromVersion + 1);
    }
  }

  /**
   * The stored type names whose events upcast to one of `types`: those names, and every older name renamed into
   * one of them (through any chain of renames). For a reader that filters by type before upcasting (a store-side
   * `readStream(…, { types })`), so a renamed event is not left behind under its old name.
   */
  storedNamesOf(types: readonly string[]): string[] {
    const wanted = new Set(types);
    const renames = [...this.steps.values()].filter((step) => step.renamedTo);
    for (let grew = true; grew;) {
      grew = false;
      for (const step of renames)
        if (wanted.has(step.renamedTo!.type) && !wanted.has(step.type)) {
          wanted.add(step.type);
          grew = true;
        }
    }
    return [...wanted];
  }

  schemaVersionOf(type: string): number {
    return this.versions[type] ?? 1;
  }

  /**
   * The event in its current shape, with `metadata.schemaVersion` saying so. A missing (or unusable)
   * schemaVersion counts as 1. A version with no step — the current one, or one NEWER than this code
   * knows (written by a later release) — is returned as it is: readers of a newer shape must cope.
   */
  upcast(event: RecordedEvent): RecordedEvent {
    const stored = Number(event.metadata?.schemaVersion);
    let version = Number.isInteger(stored) && stored >= 1 ? stored : 1;
    let type = event.type;
    let data = event.data;
    for (let hops = 0, step = this.steps.get(`${type}@${version}`); step; step = this.steps.get(`${type}@${version}`)) {
      if (++hops > MAX_HOPS) throw new Error(`upcasters for ${event.type} loop (at ${type}@${version})`);
      data = step.upcast(data, event);
      if (step.renamedTo) ({ type, version } = step.renamedTo);
      else version += 1;
    }
    if (type === event.type && data === event.data && version === event.metadata?.schemaVersion) return event;
    return { ...event, type, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}

/** The application's registry: every definition in `event-upcasters.ts`, registered when this module loads. */
export const upcasters = new UpcasterRegistry(EVENT_UPCASTERS);

/** Current schema version by event type (only types that evolved are listed). */
export const CURRENT_SCHEMA_VERSION: Readonly<Record<string, number>> = upcasters.versions;

export function schemaVersionOf(type: string): number {
  return upcasters.schemaVersionOf(type);
}

export function upcast(event: RecordedEvent): RecordedEvent {
  return upcasters.upcast(event);
}
