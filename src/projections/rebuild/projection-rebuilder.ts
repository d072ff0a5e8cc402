import { DataSource } from 'typeorm';
import { EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { upcast } from '../../application/command-handling/upcasters';
import { ProjectionDefinition, projectionsNamed } from '../projection-registry';
import { ProjectionCheckpoint } from '../../processing/projection-checkpoint.entity';
import {
  ensureCheckpointRows,
  CheckpointState,
  formatPosition,
  frozenMarker,
  rebuildCheckpointName,
} from '../../processing/projection-checkpoint.store';
import { ProjectionContext, Projector } from '../runner/projector';
import { oneRebuildAtATime } from './one-rebuild-at-a-time';
import { RebuildInterruptedError, RebuildOptions, RebuildPhase, RebuildResult } from './rebuild.types';
import { RebuildTransactions } from './rebuild-transactions';
import { ShadowMemory } from './shadow-memory';
import { retiredOf, SHADOW_PREFIX, shadowOf, ShadowTables, shadowTablesFor } from './shadow-tables';

const DEFAULT_PAGE_SIZE = 5000;
const DEFAULT_MEMORY_ROW_LIMIT = 300_000;

/** One projection being rebuilt: its projector writing the shadows, and the position they have reached. */
interface Lane {
  definition: ProjectionDefinition;
  projector: Projector;
  /** `projector.handles` as a set: each lane is handed only its own event types. */
  handled: ReadonlySet<string>;
  position: bigint | null;
}

/**
 * `projections rebuild` (P1): replays the whole history into fresh shadow tables (`rb_<table>`, the
 * live schema), one pass over the store feeding every selected projection, each page committed with
 * the shadows' own checkpoint (`rebuild:<name>`) — so an interrupted rebuild resumes where it stopped.
 * The live tables keep serving (and their projections keep running, possibly in another process)
 * until the swap:
 *
 *  1. replay until the shadows reach the head;
 *  2. freeze the live projections: their checkpoint becomes `frozen:<position>` in a committed write,
 *     taken under the same row lock their runners take, so no live batch is in flight or can follow;
 *  3. catch the shadows up with whatever was appended meanwhile (the read side never goes backwards);
 *  4. swap the shadows in (SQLite: one transaction; MySQL: one atomic `RENAME TABLE`);
 *  5. set the live checkpoints to the shadows' position (which unfreezes them) and drop `rebuild:<name>`.
 *
 * A running `ProjectionRunner` sees the moved checkpoint in its next batch, writes nothing, and
 * restarts from it: nothing is applied twice and nothing is skipped.
 */
export class ProjectionRebuilder {
  private readonly shadows: ShadowTables;
  private readonly transactions: RebuildTransactions;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {
    this.shadows = shadowTablesFor(dataSource);
    this.transactions = new RebuildTransactions(dataSource);
  }

  async rebuild(names: string[] | 'all', options: RebuildOptions = {}): Promise<RebuildResult> {
    const selected = projectionsNamed(names);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`pageSize must be a positive integer, not ${pageSize}`);
    return oneRebuildAtATime(this.dataSource, async () => {
      const started = performance.now();
      const phases = { replay: 0, 'final-catch-up': 0, swap: 0 };
      const counter = { events: 0, startedAt: started };
      const names = selected.map((d) => d.name);
      const progress = (phase: RebuildPhase, lanes: Lane[], head: bigint | null) =>
        options.onProgress?.({
          projections: names,
          events: counter.events,
          position: formatPosition(minPosition(lanes)),
          head: head === null ? null : head.toString(),
          eventsPerSecond: rate(counter.events, performance.now() - counter.startedAt),
          phase,
        });

      for (const definition of selected) await this.recover(definition);
      const lanes: Lane[] = [];
      for (const definition of selected) {
        const projector = definition.create();
        const position = await this.prepare(definition, options.restart ?? false);
        lanes.push({ definition, projector, handled: new Set(projector.handles), position });
      }
      // Where the pass starts: the beginning as soon as one projection starts afresh.
      const resumedFrom = minPosition(lanes);
      const memory = new ShadowMemory(options.memoryRowLimit ?? DEFAULT_MEMORY_ROW_LIMIT);
      await memory.load(
        this.dataSource,
        lanes.flatMap((l) => l.definition.tables),
      );

      let mark = performance.now();
      // To the head as of now, then once more to the head as of then: under steady traffic this stays
      // bounded, and leaves only a moment's worth of events for the frozen catch-up.
      for (let round = 0; round < 2; round++) {
        await this.replay(lanes, await this.store.headPosition(), pageSize, memory, counter, options, (head) =>
          progress('replay', lanes, head),
        );
      }
      phases.replay = performance.now() - mark;

      mark = performance.now();
      const before = await this.freeze(selected);
      try {
        if (options.signal?.aborted) throw new RebuildInterruptedError(formatPosition(minPosition(lanes)));
        // Read after the freeze committed: every event a live runner had applied is at or before it.
        const head = await this.store.headPosition();
        await this.replay(lanes, head, pageSize, memory, counter, options, (h) => progress('final-catch-up', lanes, h));
      } catch (error) {
        await this.unfreeze(before);
        throw error;
      }
      phases['final-catch-up'] = performance.now() - mark;

      mark = performance.now();
      progress('swap', lanes, minPosition(lanes));
      await this.swap(lanes);
      phases.swap = performance.now() - mark;

      const ms = performance.now() - started;
      progress('done', lanes, minPosition(lanes));
      return {
        projections: names,
        events: counter.events,
        ms,
        eventsPerSecond: rate(counter.events, ms),
        resumedFrom: resumedFrom === null ? null : resumedFrom.toString(),
        phases,
      };
    });
  }

  /**
   * Reads pages from the lowest lane position until every lane has reached `until` (or the history
   * ends); each lane gets only the events past its own position. One transaction per page: every
   * lane's shadow rows and `rebuild:<name>` checkpoints together.
   */
  private async replay(
    lanes: Lane[],
    until: bigint | null,
    pageSize: number,
    memory: ShadowMemory,
    counter: { events: number },
    options: RebuildOptions,
    onPage: (head: bigint | null) => void,
  ): Promise<void> {
    let after = minPosition(lanes);
    const read = (from: bigint | null) => this.store.readAll({ after: from ?? undefined, maxCount: pageSize });
    let next: Promise<RecordedEvent[]> | undefined;
    while (until !== null && (after === null || after < until)) {
      if (options.signal?.aborted) throw new RebuildInterruptedError(formatPosition(after));
      const page = await (next ?? read(after));
      next = undefined;
      if (page.length === 0) break;
      const last = page[page.length - 1].position;
      // Upcast once, before filtering: an upcaster may rename a type.
      const events = page.map(upcast);
      const written = this.transactions.run(async (em) => {
        const checkpoints: ProjectionCheckpoint[] = [];
        for (const lane of lanes) {
          if (lane.position !== null && lane.position >= last) continue;
          const relevant = events.filter((e) => lane.handled.has(e.type) && (lane.position === null || e.position > lane.position));
          if (relevant.length > 0)
            await lane.projector.apply(relevant, new ProjectionContext(em, lane.definition.tables, SHADOW_PREFIX, memory.tables));
          checkpoints.push({
            name: rebuildCheckpointName(lane.definition.name),
            position: last.toString(),
            updatedAt: new Date().toISOString(),
          });
        }
        await this.transactions.writeCheckpoints(em, checkpoints);
      });
      if (page.length === pageSize && last < until) {
        // Read the next page while the database works on this one (the embedded store reads
        // synchronously: deferred to the first moment this page's transaction waits on the database).
        next = new Promise<RecordedEvent[]>((resolve, reject) => setImmediate(() => void read(last).then(resolve, reject)));
        next.catch(() => undefined); // awaited on the next turn; a failed write must not leave it unhandled
      }
      try {
        await written;
      } catch (error) {
        memory.drop(); // it holds the failed page's rows: no longer a copy of the tables
        throw error;
      }
      memory.checkLimit();
      for (const lane of lanes) if (lane.position === null || lane.position < last) lane.position = last;
      counter.events += page.length;
      after = last;
      onPage(await this.store.headPosition());
      if (page.length < pageSize) break;
    }
  }

  /**
   * Tidies what an earlier run left: finishes a MySQL swap that renamed the tables but died before
   * its bookkeeping, drops parked old tables, and unfreezes a projection an aborted run left frozen.
   */
  private async recover(definition: ProjectionDefinition): Promise<void> {
    const { name, tables } = definition;
    const rebuild = await this.transactions.readCheckpoint(rebuildCheckpointName(name));
    const live = await this.transactions.readCheckpoint(name);
    const retired = await Promise.all(tables.map((t) => this.shadows.exists(retiredOf(t))));
    const shadows = await Promise.all(tables.map((t) => this.shadows.exists(shadowOf(t))));
    if (rebuild && live?.frozen && retired.every(Boolean) && !shadows.some(Boolean)) {
      // The RENAME happened: the live tables are the rebuilt ones, at the rebuild's position.
      await this.transactions.run(async (em) => {
        await this.transactions.writeCheckpoint(em, name, formatPosition(rebuild.position));
        await em.getRepository(ProjectionCheckpoint).delete({ name: rebuildCheckpointName(name) });
      });
    } else if (live?.frozen) {
      await this.unfreeze(new Map([[name, live]]));
    }
    for (const table of tables) await this.shadows.drop(retiredOf(table));
  }

  /** Makes the shadows ready; returns the position they hold (null: empty, from the start). */
  private async prepare(definition: ProjectionDefinition, restart: boolean): Promise<bigint | null> {
    const { name, tables } = definition;
    const rebuild = await this.transactions.readCheckpoint(rebuildCheckpointName(name));
    if (!restart && rebuild) {
      let intact = true;
      for (const table of tables) intact = intact && (await this.shadows.exists(shadowOf(table))) && (await this.shadows.sameSchema(table));
      if (intact) return rebuild.position;
    }
    // Fresh shadows first, then the checkpoint: a crash in between leaves shadows without one, which
    // the next run simply recreates.
    await this.transactions.run((em) => em.getRepository(ProjectionCheckpoint).delete({ name: rebuildCheckpointName(name) }));
    for (const table of tables) await this.shadows.createShadow(table);
    await this.transactions.run((em) => this.transactions.writeCheckpoint(em, rebuildCheckpointName(name), formatPosition(null)));
    return null;
  }

  /** Freezes each live projection under its row lock; returns what each was, to restore on abort. */
  private async freeze(selected: ProjectionDefinition[]): Promise<Map<string, CheckpointState | undefined>> {
    const before = new Map<string, CheckpointState | undefined>();
    // Rows that exist, so the locks below are row locks, not gap locks a starting runner could deadlock on.
    await ensureCheckpointRows(
      this.dataSource,
      selected.map(({ name }) => name),
    );
    await this.transactions.runLocking(async (em) => {
      for (const { name } of selected) {
        const state = await this.transactions.lockCheckpoint(em, name);
        before.set(name, state);
        if (!state?.frozen) await this.transactions.writeCheckpoint(em, name, frozenMarker(state?.position ?? null));
      }
    });
    return before;
  }

  /** Gives each projection back the checkpoint it had (its tables are untouched while frozen). */
  private async unfreeze(before: Map<string, CheckpointState | undefined>): Promise<void> {
    await this.transactions.runLocking(async (em) => {
      for (const [name, state] of before) {
        const now = await this.transactions.lockCheckpoint(em, name);
        if (!now?.frozen) continue;
        if (state === undefined) await em.getRepository(ProjectionCheckpoint).delete({ name });
        else await this.transactions.writeCheckpoint(em, name, formatPosition(state.position));
      }
    });
  }

  private async swap(lanes: Lane[]): Promise<void> {
    const tables = lanes.flatMap((l) => l.definition.tables);
    for (const table of tables) {
      if (!(await this.shadows.sameSchema(table))) {
        throw new Error(`the schema of ${table} changed during the rebuild (a migration ran): run the rebuild again with --restart`);
      }
    }
    await this.shadows.swap(tables, async (em) => {
      for (const lane of lanes) {
        await this.transactions.writeCheckpoint(em, lane.definition.name, formatPosition(lane.position));
        await em.getRepository(ProjectionCheckpoint).delete({ name: rebuildCheckpointName(lane.definition.name) });
      }
    });
  }
}

/** The position every lane has reached (null: some lane starts from the beginning). */
function minPosition(lanes: Lane[]): bigint | null {
  if (lanes.some((l) => l.position === null)) return null;
  return lanes.reduce<bigint | null>((min, l) => (min === null || l.position! < min ? l.position : min), null);
}

const rate = (events: number, ms: number): number => (ms > 0 ? Math.round((events * 1000) / ms) : 0);
