import { DataSource } from 'typeorm';
import { exclusiveOnSqlite } from '../../processing/exclusive-on-sqlite';
import { dialectOf, quoteIdentifier } from '../../processing/sql-dialect';
import { RowTable } from '../runner/row-table';
import { TableMemory } from '../runner/table-memory';
import { shadowOf } from './shadow-tables';

/**
 * In-memory copies of the shadow tables (see TableMemory), while they fit in `limit` rows: fresh
 * shadows start empty; resumed ones are read in once. Dropped for good once they grow past the limit.
 */
export class ShadowMemory {
  tables?: Map<string, TableMemory<object>>;

  constructor(private readonly limit: number) {}

  async load(dataSource: DataSource, tables: readonly string[]): Promise<void> {
    if (this.limit <= 0) return;
    const copies = new Map<string, TableMemory<object>>();
    let rows = 0;
    for (const table of tables) {
      const metadata = dataSource.entityMetadatas.find((m) => m.tableName === table);
      if (!metadata) throw new Error(`no entity maps the table ${table}`);
      const shadow = new RowTable<object>(dataSource.manager, metadata, shadowOf(table), dialectOf(dataSource));
      const [{ n }]: { n: number | string }[] = await exclusiveOnSqlite(dataSource, () =>
        dataSource.query(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(dialectOf(dataSource), shadow.name)}`),
      );
      rows += Number(n);
      if (rows > this.limit) return;
      const copy = new TableMemory<object>();
      if (Number(n) > 0) copy.upsert(shadow, await exclusiveOnSqlite(dataSource, () => shadow.all()));
      copies.set(shadow.name, copy);
    }
    this.tables = copies;
  }

  checkLimit(): void {
    let rows = 0;
    for (const table of this.tables?.values() ?? []) rows += table.size;
    if (rows > this.limit) this.drop();
  }

  drop(): void {
    this.tables = undefined;
  }
}
