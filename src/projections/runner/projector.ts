import { EntityManager } from 'typeorm';
import { AnyEvent, EventShape, RecordedEvent, TypesOf } from '../../application/ports/event-store.port';
import { dialectOf } from '../../processing/sql-dialect';
import { RowTable, Where } from './row-table';
import { TableMemory } from './table-memory';

/**
 * A projection: turns events into read-model rows. `apply` runs inside the caller's transaction (with
 * the checkpoint update), so a batch is either fully reflected (rows and checkpoint) or not at all.
 *
 * A batch is folded in memory and written with a few set-wise statements (never a round trip per
 * event), and only through `ctx.table(...)`: the same code writes the live tables or, during a
 * rebuild, their shadows.
 *
 * Like a reactor, a projection is a value with a name (its checkpoint's); runners and the rebuilder carry
 * projectors loosely typed (`Projector`) and hand each only the types in its `handles`.
 */
export interface Projector<E extends EventShape = AnyEvent> {
  readonly name: string;
  /**
   * Event types this projection reads, from its union `E` (a misspelt name does not compile); others are
   * skipped (the checkpoint still advances), so `apply` sees only `E`, narrowed by `type` in a switch.
   */
  readonly handles: TypesOf<E>;
  /** The read-model tables this projection owns (a rebuild replaces exactly these). */
  readonly tables: readonly string[];
  apply(events: RecordedEvent<E>[], ctx: ProjectionContext): Promise<void>;
}

type EntityClass<T> = new () => T;

/** Where a projector writes: the transaction, and the physical name of each of its tables. */
export class ProjectionContext {
  constructor(
    readonly em: EntityManager,
    private readonly owned: readonly string[],
    /** `''` for the live tables, `rb_` for rebuild shadows. */
    readonly prefix = '',
    /** In-memory copies of tables only this writer touches (by physical name): see TableMemory. */
    private readonly memory?: ReadonlyMap<string, TableMemory<object>>,
  ) {}

  /** The live tables of `projector`. */
  static live(em: EntityManager, projector: Pick<Projector, 'tables'>): ProjectionContext {
    return new ProjectionContext(em, projector.tables);
  }

  table<T extends object>(entity: EntityClass<T>): RowTable<T> {
    const metadata = this.em.connection.getMetadata(entity);
    // A projector writing a table it does not declare would escape rebuilds: refuse it loudly.
    if (!this.owned.includes(metadata.tableName))
      throw new Error(`${metadata.tableName} is not among this projection's tables (${this.owned.join(', ')})`);
    const name = this.prefix + metadata.tableName;
    return new RowTable<T>(this.em, metadata, name, dialectOf(this.em.connection), this.memory?.get(name) as TableMemory<T> | undefined);
  }

  fold<T extends object>(entity: EntityClass<T>): TableFold<T> {
    return new TableFold(this.table(entity));
  }
}

/**
 * A batch's view of one table: rows loaded once, changed in memory event by event (exactly as the
 * row-by-row statements would have), then written with one delete and one upsert per chunk.
 */
export class TableFold<T extends object> {
  private readonly rows = new Map<string, T>();
  private readonly changed = new Set<string>();
  /** Deleted keys, as primary-key conditions. */
  private readonly removed = new Map<string, Where<T>>();

  constructor(readonly table: RowTable<T>) {}

  /** Loads the stored rows matching any condition; rows this batch already holds stay as they are. */
  async load(conditions: Where<T>[]): Promise<void> {
    if (conditions.length === 0) return;
    for (const row of await this.table.find(conditions)) {
      const key = this.table.keyOf(row);
      if (!this.rows.has(key) && !this.removed.has(key)) this.rows.set(key, row);
    }
  }

  get(key: Partial<T>): T | undefined {
    return this.rows.get(this.table.keyOf(key));
  }

  /** The current rows of the batch (loaded or written) matching `predicate`. */
  where(predicate: (row: T) => boolean): T[] {
    return [...this.rows.values()].filter(predicate);
  }

  /** Inserts or overwrites the whole row. */
  put(row: T): void {
    const key = this.table.keyOf(row);
    this.rows.set(key, row);
    this.removed.delete(key);
    this.changed.add(key);
  }

  /** Marks a row obtained from `get`/`where` and mutated in place as changed. */
  touch(row: T): void {
    this.changed.add(this.table.keyOf(row));
  }

  delete(key: Partial<T>): void {
    const k = this.table.keyOf(key);
    this.rows.delete(k);
    this.changed.delete(k);
    this.removed.set(k, Object.fromEntries(this.table.primary.map((c) => [c.prop, key[c.prop]])) as Where<T>);
  }

  async flush(): Promise<void> {
    if (this.removed.size > 0) await this.table.delete([...this.removed.values()]);
    await this.table.upsert([...this.changed].map((k) => this.rows.get(k)!));
    this.removed.clear();
    this.changed.clear();
  }
}
