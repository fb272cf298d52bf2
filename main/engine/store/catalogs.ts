import type { CatalogImportSummary, CatalogMapping, CatalogStatus } from '../../../preload/contract.js';
import type { SavedCatalog } from './library-store.js';
import type { Connection } from './connection.js';

/** The catalogs table: each catalog's mapping, columns and last import (JSON columns; '{}' for none). Both stores keep it so. */
export interface CatalogRow {
  name: string;
  file: string;
  mapping: string;
  columns: string;
  summary: string;
  imported_at: number | string;
}

export function fromRow(row: CatalogRow): SavedCatalog {
  return {
    name: row.name,
    file: row.file,
    mapping: !row.mapping || row.mapping === '{}' ? null : (JSON.parse(row.mapping) as CatalogMapping),
    columns: row.columns ? (JSON.parse(row.columns) as string[]) : [],
    summary: !row.summary || row.summary === '{}' ? null : (JSON.parse(row.summary) as CatalogImportSummary),
    importedAt: Number(row.imported_at),
  };
}

export function saveCatalog(sql: Connection, record: SavedCatalog): void {
  sql
    .stmt(
      `INSERT INTO catalogs (name, file, mapping, columns, summary, imported_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET file = excluded.file, mapping = excluded.mapping, columns = excluded.columns,
         summary = excluded.summary, imported_at = excluded.imported_at`,
    )
    .run(record.name, record.file, JSON.stringify(record.mapping ?? {}), JSON.stringify(record.columns), JSON.stringify(record.summary ?? {}), record.importedAt);
}

export function catalogs(sql: Connection): SavedCatalog[] {
  return (sql.stmt('SELECT * FROM catalogs ORDER BY name').all() as CatalogRow[]).map(fromRow);
}

export function catalog(sql: Connection, name: string): SavedCatalog | undefined {
  const row = sql.stmt('SELECT * FROM catalogs WHERE name = ?').get(name) as CatalogRow | undefined;
  return row ? fromRow(row) : undefined;
}

/**
 * Each catalog's products and what its last import could not read, counted in SQL: `status`
 * runs often, and a summary may hold a thousand unreadable rows it need not parse.
 */
export function catalogStatuses(sql: Connection): CatalogStatus[] {
  return sql
    .stmt(
      `SELECT c.name, c.file, nullif(c.imported_at, 0) AS importedAt,
         coalesce(json_array_length(c.summary, '$.unreadable'), 0) AS unreadable,
         coalesce(json_array_length(c.summary, '$.problems'), 0) AS problems,
         (SELECT count(*) FROM items i WHERE i.kind = 'product' AND i.catalog = c.name) AS products
       FROM catalogs c ORDER BY c.name`,
    )
    .all() as CatalogStatus[];
}

/** Every column of every catalog, each once (what conditions may name besides the roles). */
export function catalogColumns(sql: Connection): string[] {
  return sql.stmt('SELECT DISTINCT j.value FROM catalogs c, json_each(c.columns) j ORDER BY 1').pluck().all() as string[];
}
