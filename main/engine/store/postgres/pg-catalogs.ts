import type { CatalogStatus, ItemKind, ItemStatus, Space } from '../../../../preload/contract.js';
import { fromRow, type CatalogRow } from '../catalogs.js';
import type { CatalogStore, ItemRow, ItemWrite, PictureRecord, ProductStore, SavedCatalog } from '../library-store.js';
import type { PgItems } from './pg-items.js';
import type { PgStore } from './pg-store.js';

/**
 * Catalogs on PostgreSQL, as the SQLite store keeps them (store/catalogs.ts): each catalog's
 * mapping, columns and last import, its products by key, and what finding substitutes looks
 * up. The products themselves are items, written through PgItems like photos.
 */
export class PgCatalogs implements CatalogStore, ProductStore {
  constructor(
    private readonly store: PgStore,
    private readonly items: PgItems,
  ) {}

  async catalog(name: string): Promise<SavedCatalog | undefined> {
    const { rows } = await this.store.pool.query<CatalogRow>('SELECT name, file, mapping, columns, summary, imported_at FROM catalogs WHERE name = $1', [name]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async catalogs(): Promise<SavedCatalog[]> {
    const { rows } = await this.store.pool.query<CatalogRow>('SELECT name, file, mapping, columns, summary, imported_at FROM catalogs ORDER BY name');
    return rows.map(fromRow);
  }

  catalogStatuses(): Promise<CatalogStatus[]> {
    return this.items.catalogStatuses();
  }

  async catalogItems(catalog: string): Promise<Map<string, { id: number; rowHash: string | null }>> {
    const prefix = `${catalog}:`;
    const { rows } = await this.store.pool.query<{ id: string; key: string; row_hash: string | null }>(
      'SELECT id, catalog_key AS key, row_hash FROM items WHERE catalog_key IS NOT NULL AND left(catalog_key, length($1)) = $1',
      [prefix],
    );
    return new Map(rows.map((r) => [r.key, { id: Number(r.id), rowHash: r.row_hash }]));
  }

  /** The record is saved as the SQLite store saves it (JSON text; '{}' for none), so a copy either way reads the same. */
  async saveCatalog(record: SavedCatalog): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(
        `INSERT INTO catalogs (name, file, mapping, columns, summary, imported_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET file = excluded.file, mapping = excluded.mapping, columns = excluded.columns,
           summary = excluded.summary, imported_at = excluded.imported_at`,
        [record.name, record.file, JSON.stringify(record.mapping ?? {}), JSON.stringify(record.columns), JSON.stringify(record.summary ?? {}), record.importedAt],
      );
      await this.store.noteLibraryChange(client);
    });
  }

  writeItems(writes: readonly ItemWrite[]): Promise<number[]> {
    return this.items.writeItems(writes);
  }

  removeItems(itemIds: readonly number[]): Promise<number> {
    return this.items.removeItems(itemIds);
  }

  setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): Promise<void> {
    return this.items.setPictureHashes(entries);
  }

  readVectors(space: Space, itemIds: Iterable<number>): Promise<Map<number, Float32Array>> {
    return this.items.readVectors(space, itemIds);
  }

  async getItems(itemIds: readonly number[]): Promise<Map<number, ItemRow>> {
    const { rows } = await this.store.pool.query<{ id: string; kind: ItemKind; path: string | null; catalog_key: string | null; title: string | null; status: ItemStatus }>(
      'SELECT id, kind, coalesce(path, picture) AS path, catalog_key, title, status FROM items WHERE id = ANY($1::bigint[])',
      [[...itemIds]],
    );
    return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), kind: r.kind, path: r.path, catalogKey: r.catalog_key, title: r.title, status: r.status }]));
  }

  async itemIdByCatalogKey(key: string): Promise<number | undefined> {
    const { rows } = await this.store.pool.query<{ id: string }>('SELECT id FROM items WHERE catalog_key = $1', [key]);
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  /** Keys ending in ":<row id>", without case (as SQLite's LIKE matches them). */
  async catalogKeysForRowId(rowId: string): Promise<string[]> {
    const { rows } = await this.store.pool.query<{ key: string }>(
      "SELECT catalog_key AS key FROM items WHERE catalog_key IS NOT NULL AND catalog_key ILIKE '%:' || $1 ESCAPE '\\' ORDER BY catalog_key",
      [rowId.replace(/[%_\\]/g, (c) => `\\${c}`)],
    );
    return rows.map((r) => r.key);
  }

  /** Every column of every catalog, each once (what conditions may name besides the roles). */
  async catalogColumns(): Promise<string[]> {
    const { rows } = await this.store.pool.query<{ column: string }>('SELECT DISTINCT c.value AS column FROM catalogs, json_array_elements_text(catalogs.columns::json) c ORDER BY 1');
    return rows.map((r) => r.column);
  }

  /** Where an item's picture is: a photo's file, or a product's picture and its catalog's folder. */
  async picture(itemId: number): Promise<PictureRecord | undefined> {
    const { rows } = await this.store.pool.query<{ kind: ItemKind; file: string | null; content_hash: string | null; catalog_folder: string | null }>(
      'SELECT kind, coalesce(path, picture) AS file, content_hash, catalog_folder FROM items WHERE id = $1',
      [itemId],
    );
    const row = rows[0];
    return row ? { kind: row.kind, file: row.file, contentHash: row.content_hash, catalogFolder: row.catalog_folder } : undefined;
  }
}
