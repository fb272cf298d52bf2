import type { CatalogImportSummary, CatalogMapping } from '../../../preload/contract.js';
import type { SavedCatalog } from './library-store.js';
import type { Connection } from './connection.js';

/** The catalogs table: each catalog's mapping, columns and last import (JSON columns). */
interface CatalogRow {
  name: string;
  file: string;
  mapping: string;
  columns: string;
  summary: string;
  imported_at: number;
}

function fromRow(row: CatalogRow): SavedCatalog {
  return {
    name: row.name,
    file: row.file,
    mapping: row.mapping === '{}' ? null : (JSON.parse(row.mapping) as CatalogMapping),
    columns: JSON.parse(row.columns) as string[],
    summary: row.summary === '{}' ? null : (JSON.parse(row.summary) as CatalogImportSummary),
    importedAt: row.imported_at,
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

/** How many products each catalog has. */
export function productCounts(sql: Connection): Map<string, number> {
  const rows = sql.stmt("SELECT catalog, count(*) AS n FROM items WHERE kind = 'product' AND catalog IS NOT NULL GROUP BY catalog").all() as { catalog: string; n: number }[];
  return new Map(rows.map((r) => [r.catalog, r.n]));
}
