import { DataSource, EntityManager } from 'typeorm';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { dialectOf, quoteIdentifier } from '../../processing/sql-dialect';

/** A rebuild writes `rb_<table>`; a MySQL swap parks the replaced table as `rbold_<table>` until it is dropped. */
export const SHADOW_PREFIX = 'rb_';
export const RETIRED_PREFIX = 'rbold_';

export const shadowOf = (table: string): string => SHADOW_PREFIX + table;
export const retiredOf = (table: string): string => RETIRED_PREFIX + table;

/**
 * The DDL a rebuild needs, per engine: shadow tables with the live table's exact schema, and a swap
 * that replaces the live tables by their shadows all at once together with the checkpoint bookkeeping.
 */
export interface ShadowTables {
  exists(table: string): Promise<boolean>;
  /** (Re)creates `rb_<table>` empty, with `table`'s columns, keys and indexes. */
  createShadow(table: string): Promise<void>;
  drop(table: string): Promise<void>;
  /** Whether `rb_<table>` still has `table`'s schema (a migration may have run since it was made). */
  sameSchema(table: string): Promise<boolean>;
  /**
   * Puts each shadow in place of its live table and runs `bookkeeping` (the checkpoints). SQLite: one
   * transaction. MySQL: one atomic `RENAME TABLE` (DDL commits on its own), then `bookkeeping`, then
   * the old tables are dropped; the caller keeps the projections frozen across that gap.
   */
  swap(tables: readonly string[], bookkeeping: (em: EntityManager) => Promise<void>): Promise<void>;
}

export function shadowTablesFor(dataSource: DataSource): ShadowTables {
  return dialectOf(dataSource) === 'mysql' ? new MysqlShadowTables(dataSource) : new SqliteShadowTables(dataSource);
}

const q = (name: string) => quoteIdentifier('mysql', name);

class MysqlShadowTables implements ShadowTables {
  constructor(private readonly dataSource: DataSource) {}

  async exists(table: string): Promise<boolean> {
    const rows: { n: number | string }[] = await this.dataSource.query(
      'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [table],
    );
    return Number(rows[0].n) > 0;
  }

  async createShadow(table: string): Promise<void> {
    await this.drop(shadowOf(table));
    await this.dataSource.query(`CREATE TABLE ${q(shadowOf(table))} LIKE ${q(table)}`);
  }

  async drop(table: string): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS ${q(table)}`);
  }

  async sameSchema(table: string): Promise<boolean> {
    return (await this.definition(table)) === (await this.definition(shadowOf(table)));
  }

  async swap(tables: readonly string[], bookkeeping: (em: EntityManager) => Promise<void>): Promise<void> {
    const renames = tables.flatMap((t) => [`${q(t)} TO ${q(retiredOf(t))}`, `${q(shadowOf(t))} TO ${q(t)}`]);
    await this.dataSource.query(`RENAME TABLE ${renames.join(', ')}`);
    await this.dataSource.transaction(bookkeeping);
    for (const table of tables) await this.drop(retiredOf(table));
  }

  /** `SHOW CREATE TABLE` without the table's own name. */
  private async definition(table: string): Promise<string> {
    const [row]: Record<string, string>[] = await this.dataSource.query(`SHOW CREATE TABLE ${q(table)}`);
    return row['Create Table'].replace(/^CREATE TABLE `[^`]+`/, 'CREATE TABLE _');
  }
}

interface SqliteObject {
  type: 'table' | 'index';
  name: string;
  sql: string | null;
}

/** `CREATE TABLE "x"`, `CREATE UNIQUE INDEX "ix" ON "x"`: the identifiers at the start of SQLite's stored DDL. */
const IDENT = '(?:"(?:[^"]|"")+"|`[^`]+`|\\[[^\\]]+\\]|[\\w$]+)';
const TABLE_DDL = new RegExp(`^(CREATE\\s+TABLE\\s+)${IDENT}`, 'i');
const INDEX_DDL = new RegExp(`^(CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+)${IDENT}(\\s+ON\\s+)${IDENT}`, 'i');
const sq = (name: string) => quoteIdentifier('sqlite', name);

class SqliteShadowTables implements ShadowTables {
  constructor(private readonly dataSource: DataSource) {}

  async exists(table: string): Promise<boolean> {
    return (await this.objects(table)).some((o) => o.type === 'table');
  }

  async createShadow(table: string): Promise<void> {
    const live = await this.objects(table);
    const definition = live.find((o) => o.type === 'table')?.sql;
    if (!definition) throw new Error(`table ${table} does not exist (have the migrations run?)`);
    const shadow = shadowOf(table);
    await this.run(async (em) => {
      await em.query(`DROP TABLE IF EXISTS ${sq(shadow)}`);
      await em.query(definition.replace(TABLE_DDL, `$1${sq(shadow)}`));
      for (const index of live) {
        if (index.type !== 'index' || !index.sql) continue; // automatic (primary key) indexes come with the table
        await em.query(index.sql.replace(INDEX_DDL, `$1${sq(SHADOW_PREFIX + index.name)}$2${sq(shadow)}`));
      }
    });
  }

  async drop(table: string): Promise<void> {
    await this.run((em) => em.query(`DROP TABLE IF EXISTS ${sq(table)}`));
  }

  async sameSchema(table: string): Promise<boolean> {
    const normal = (objects: SqliteObject[], prefix: string) =>
      objects
        .filter((o) => o.sql)
        .map((o) =>
          o.type === 'table'
            ? o.sql!.replace(TABLE_DDL, '$1_')
            : o.sql!.replace(INDEX_DDL, (_m, create: string, on: string) => `${create}${sq(o.name.slice(prefix.length))}${on}_`),
        )
        .sort()
        .join('\n');
    return normal(await this.objects(table), '') === normal(await this.objects(shadowOf(table)), SHADOW_PREFIX);
  }

  async swap(tables: readonly string[], bookkeeping: (em: EntityManager) => Promise<void>): Promise<void> {
    await this.run(async (em) => {
      for (const table of tables) {
        const shadow = shadowOf(table);
        const liveIndexes = (await this.objects(table, em)).filter((o) => o.type === 'index' && o.sql);
        const shadowIndexes = (await this.objects(shadow, em)).filter((o) => o.type === 'index' && o.sql);
        await em.query(`DROP TABLE ${sq(table)}`);
        await em.query(`ALTER TABLE ${sq(shadow)} RENAME TO ${sq(table)}`);
        // SQLite cannot rename an index: the shadow's are rebuilt under the live names, so later
        // migrations still find them.
        for (const index of shadowIndexes) await em.query(`DROP INDEX ${sq(index.name)}`);
        for (const index of liveIndexes) await em.query(index.sql!);
      }
      await bookkeeping(em);
    });
  }

  private objects(table: string, source: { query: DataSource['query'] } = this.dataSource): Promise<SqliteObject[]> {
    const read = () =>
      source.query("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index') ORDER BY type DESC, name", [
        table,
      ]);
    return source === this.dataSource ? exclusiveOnSqlite(this.dataSource, read) : read();
  }

  private run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return exclusiveOnSqlite(this.dataSource, () => this.dataSource.transaction(work));
  }
}
