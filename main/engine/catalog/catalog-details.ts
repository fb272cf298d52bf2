import type { CatalogDetail, CatalogStatus } from '../../../preload/contract.js';
import type { LibraryStore } from '../store/library-store.js';

/** Every imported catalog with its mapping and last import (for the report window and --json). */
export function catalogDetails(store: LibraryStore): CatalogDetail[] {
  const counts = store.catalogProductCounts();
  return store.catalogs().map((c) => ({
    name: c.name,
    file: c.file,
    products: counts.get(c.name) ?? 0,
    importedAt: c.importedAt || null,
    unreadable: c.summary ? c.summary.unreadable.length : 0,
    problems: c.summary ? c.summary.problems.length : 0,
    mapping: c.mapping,
    columns: c.columns,
    summary: c.summary,
  }));
}

/** The same, without the mapping and summaries: what `status` shows. */
export function catalogStatuses(store: LibraryStore): CatalogStatus[] {
  return catalogDetails(store).map(({ name, file, products, importedAt, unreadable, problems }) => ({ name, file, products, importedAt, unreadable, problems }));
}
