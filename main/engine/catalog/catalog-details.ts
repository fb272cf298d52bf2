import type { CatalogDetail } from '../../../preload/contract.js';
import type { LibraryStore } from '../store/library-store.js';

/** Every imported catalog with its mapping and last import (for the report window and --json). */
export function catalogDetails(store: LibraryStore): CatalogDetail[] {
  const statuses = new Map(store.catalogStatuses().map((s) => [s.name, s]));
  return store.catalogs().flatMap((c) => {
    const status = statuses.get(c.name);
    return status ? [{ ...status, mapping: c.mapping, columns: c.columns, summary: c.summary }] : [];
  });
}
