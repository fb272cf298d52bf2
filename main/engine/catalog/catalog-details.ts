import type { CatalogDetail } from '../../../preload/contract.js';
import type { CatalogStore } from '../store/library-store.js';

/** Every imported catalog with its mapping and last import (for the report window and --json). */
export async function catalogDetails(store: Pick<CatalogStore, 'catalogs' | 'catalogStatuses'>): Promise<CatalogDetail[]> {
  const [statuses, catalogs] = await Promise.all([store.catalogStatuses(), store.catalogs()]);
  const byName = new Map(statuses.map((s) => [s.name, s]));
  return catalogs.flatMap((c) => {
    const status = byName.get(c.name);
    return status ? [{ ...status, mapping: c.mapping, columns: c.columns, summary: c.summary }] : [];
  });
}
