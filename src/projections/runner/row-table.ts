import { EntityManager, EntityMetadata } from 'typeorm';
import { Dialect, quoteIdentifier } from '../../processing/sql-dialect';
import { TableMemory } from './table-memory';

/**
 * Bound parameters per statement. SQLite allows 32,766 and MySQL 65,535; staying well below keeps each
 * statement (and MySQL's packet) modest while still writing hundreds of rows per round trip.
 */
const MAX_PARAMS = 8000;

type Kind = 'number' | 'bool' | 'string';
interface Column<T> {
  prop: keyof T & string;
  sql: string;
  kind: Kind;
}

/** Equality on some columns: `{ botId: 1, customerId: 2 }` means `bot_id = 1 AND customer_id = 2`. */
export type Where<T> = Partial<T>;

/**
 * One read-model table under a given physical name (the live table or its rebuild shadow), with the
 * few set-wise statements the projectors need: rows in and out in chunks, never a round trip per row.
 * Column names and types come from the entity's TypeORM metadata, so the entity stays the one schema.
 */
export class RowTable<T extends object> {
  readonly columns: readonly Column<T>[];
  readonly primary: readonly Column<T>[];
  private readonly byProp: Map<string, Column<T>>;
  private readonly quoted: string;

  constructor(
    private readonly em: EntityManager,
    metadata: EntityMetadata,
    /** The physical table written: `client_bots`, or `rb_client_bots` during a rebuild. */
    readonly name: string,
    readonly dialect: Dialect,
    /** A complete copy of the table kept by its only writer (a rebuild): reads come from it. */
    private readonly memory?: TableMemory<T>,
  ) {
    this.columns = metadata.columns.map((c) => ({ prop: c.propertyName as keyof T & string, sql: c.databaseName, kind: kindOf(c.type) }));
    this.primary = this.columns.filter((c) => metadata.primaryColumns.some((p) => p.propertyName === c.prop));
    this.byProp = new Map(this.columns.map((c) => [c.prop, c]));
    this.quoted = this.q(name);
  }

  /** A string identifying a row by its primary key (for in-memory maps). */
  keyOf(row: Partial<T>): string {
    let key = String(row[this.primary[0].prop]);
    for (let i = 1; i < this.primary.length; i++) key += `\u0000${String(row[this.primary[i].prop])}`;
    return key;
  }

  /** Rows matching any of `conditions` (each an AND of equalities). */
  async find(conditions: Where<T>[]): Promise<T[]> {
    if (this.memory)
      return this.memory.find(
        this,
        conditions.map((c) => this.normalized(c)),
      );
    const rows: T[] = [];
    for (const where of this.compile(conditions)) {
      const raw: Record<string, unknown>[] = await this.em.query(`SELECT * FROM ${this.quoted} WHERE ${where.sql}`, where.params);
      for (const r of raw) rows.push(this.decode(r));
    }
    return rows;
  }

  async delete(conditions: Where<T>[]): Promise<void> {
    this.memory?.delete(
      this,
      conditions.map((c) => this.normalized(c)),
    );
    for (const where of this.compile(conditions)) await this.em.query(`DELETE FROM ${this.quoted} WHERE ${where.sql}`, where.params);
  }

  /** Inserts the rows, or overwrites every column of the existing row with the same primary key. */
  async upsert(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    this.memory?.upsert(this, rows);
    const cols = this.columns.map((c) => this.q(c.sql)).join(', ');
    const rest = this.columns.filter((c) => !this.primary.includes(c));
    const onConflict =
      this.dialect === 'mysql'
        ? rest.length
          ? ` ON DUPLICATE KEY UPDATE ${rest.map((c) => `${this.q(c.sql)} = VALUES(${this.q(c.sql)})`).join(', ')}`
          : ` ON DUPLICATE KEY UPDATE ${this.q(this.primary[0].sql)} = ${this.q(this.primary[0].sql)}`
        : ` ON CONFLICT (${this.primary.map((c) => this.q(c.sql)).join(', ')}) DO ${
            rest.length ? `UPDATE SET ${rest.map((c) => `${this.q(c.sql)} = excluded.${this.q(c.sql)}`).join(', ')}` : 'NOTHING'
          }`;
    const tuple = `(${this.columns.map(() => '?').join(', ')})`;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / this.columns.length));
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const params: unknown[] = [];
      for (const row of chunk) for (const c of this.columns) params.push(this.encode(c, row[c.prop]));
      await this.em.query(`INSERT INTO ${this.quoted} (${cols}) VALUES ${chunk.map(() => tuple).join(', ')}${onConflict}`, params);
    }
  }

  /** Every row, ordered by primary key (tests and rebuild checks compare dumps). */
  async all(): Promise<T[]> {
    const order = this.primary.map((c) => this.q(c.sql)).join(', ');
    const raw: Record<string, unknown>[] = await this.em.query(`SELECT * FROM ${this.quoted} ORDER BY ${order}`);
    return raw.map((r) => this.decode(r));
  }

  private q(name: string): string {
    return quoteIdentifier(this.dialect, name);
  }

  /** Groups conditions by the columns they constrain; one `IN` per group and chunk. */
  private compile(conditions: Where<T>[]): { sql: string; params: unknown[] }[] {
    const groups = new Map<string, { cols: Column<T>[]; tuples: Map<string, unknown[]> }>();
    for (const condition of conditions) {
      const props = this.validate(condition);
      const cols = props.map((p) => this.byProp.get(p)!);
      const values = cols.map((c) => this.encode(c, condition[c.prop]));
      const signature = props.join(',');
      const group = groups.get(signature) ?? { cols, tuples: new Map() };
      groups.set(signature, group);
      group.tuples.set(JSON.stringify(values), values);
    }
    const statements: { sql: string; params: unknown[] }[] = [];
    for (const { cols, tuples } of groups.values()) {
      const all = [...tuples.values()];
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
      for (let i = 0; i < all.length; i += perStatement) {
        const chunk = all.slice(i, i + perStatement);
        // Row-value IN, not an OR of ANDs: MariaDB plans a long OR list ~15× slower, and SQLite refuses
        // one past 1000 terms (expression depth). SQLite takes the list as a VALUES table.
        const tuple = `(${cols.map(() => '?').join(', ')})`;
        const sql =
          cols.length === 1
            ? `${this.q(cols[0].sql)} IN (${chunk.map(() => '?').join(', ')})`
            : `(${cols.map((c) => this.q(c.sql)).join(', ')}) IN (${this.dialect === 'sqlite' ? 'VALUES ' : ''}${chunk.map(() => tuple).join(', ')})`;
        statements.push({ sql, params: chunk.flat() });
      }
    }
    return statements;
  }

  /** The condition's columns, sorted; throws on an unknown column or a null value. */
  private validate(condition: Where<T>): string[] {
    const props = Object.keys(condition).sort();
    if (props.length === 0) throw new Error(`empty condition on ${this.name}`);
    for (const p of props) {
      const column = this.byProp.get(p);
      if (!column) throw new Error(`${this.name} has no column for ${p}`);
      const value = condition[column.prop];
      if (value === null || value === undefined) throw new Error(`${this.name}.${column.sql}: conditions compare values, not null`);
    }
    return props;
  }

  /** A valid condition with values as the columns hold them ('42' and 42 match alike, as in SQL). */
  private normalized(condition: Where<T>): Where<T> {
    const out: Record<string, unknown> = {};
    for (const p of this.validate(condition)) {
      const column = this.byProp.get(p)!;
      const value = condition[column.prop];
      out[p] = column.kind === 'number' ? Number(value) : column.kind === 'bool' ? Boolean(value) : String(value);
    }
    return out as Where<T>;
  }

  private encode(column: Column<T>, value: unknown): unknown {
    if (value === undefined || value === null) return null;
    // better-sqlite3 cannot bind booleans; MySQL stores them as TINYINT(1) anyway.
    if (column.kind === 'bool') return value ? 1 : 0;
    return value;
  }

  private decode(raw: Record<string, unknown>): T {
    const row: Record<string, unknown> = {};
    for (const c of this.columns) {
      const value = raw[c.sql];
      // MySQL hands BIGINT back as a string (bigNumberStrings): Telegram ids fit a double exactly.
      row[c.prop] =
        value === null || value === undefined
          ? null
          : c.kind === 'number'
            ? Number(value)
            : c.kind === 'bool'
              ? Boolean(Number(value))
              : value;
    }
    return row as T;
  }
}

function kindOf(type: unknown): Kind {
  const name = typeof type === 'function' ? type.name.toLowerCase() : String(type).toLowerCase();
  if (name === 'boolean' || name === 'bool') return 'bool';
  if (['bigint', 'int', 'integer', 'number', 'smallint', 'tinyint', 'double', 'float'].includes(name)) return 'number';
  return 'string';
}
