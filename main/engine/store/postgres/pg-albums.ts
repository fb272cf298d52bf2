import type pg from 'pg';
import type { AlbumSummary, AlbumView } from '../../../../preload/contract.js';
import { badInput, notFound } from '../../errors.js';
import type { AlbumRecord } from '../albums.js';
import type { AlbumStore } from '../library-store.js';
import type { PgStore } from './pg-store.js';

/**
 * Albums on PostgreSQL, with the SQLite store's rules (store/albums.ts): names are unique
 * whatever their case, a plain album lists items by id, a smart one keeps a query or a view
 * and takes no items by hand, and deleting one says what it was so it can be made again.
 * Each change is one transaction, announced to the other processes when it commits.
 */
export class PgAlbums implements AlbumStore {
  private readonly store: PgStore;

  constructor(store: PgStore) {
    this.store = store;
  }

  async albums(): Promise<AlbumSummary[]> {
    const { rows } = await this.store.pool.query<AlbumRow & { items: string | null }>(
      `SELECT a.id, a.name, a.query, a.view,
         CASE WHEN a.query IS NULL AND a.view IS NULL THEN (SELECT count(*) FROM album_items ai WHERE ai.album_id = a.id) END AS items
       FROM albums a ORDER BY lower(a.name), a.id`,
    );
    return rows.map((row) => ({ ...record(row), items: row.items === null ? null : Number(row.items) }));
  }

  async albumByName(name: string, client: pg.PoolClient | pg.Pool = this.store.pool): Promise<AlbumRecord | undefined> {
    const { rows } = await client.query<AlbumRow>('SELECT id, name, query, view FROM albums WHERE lower(name) = lower($1)', [name.trim()]);
    return rows[0] ? record(rows[0]) : undefined;
  }

  async createAlbum(name: string, query: string | null, view: AlbumView | null = null): Promise<AlbumRecord> {
    return this.store.transaction(async (client) => {
      // Two processes naming a new album alike at once: the second waits here, then finds the first's.
      await client.query('LOCK TABLE albums IN SHARE ROW EXCLUSIVE MODE');
      const existing = await this.albumByName(name, client);
      if (existing) throw badInput(`There is an album "${existing.name}" already.`);
      const now = Date.now();
      const { rows } = await client.query<{ id: string }>('INSERT INTO albums (name, query, view, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id', [
        name.trim(),
        query,
        view === null ? null : JSON.stringify(view),
        now,
      ]);
      await this.store.noteLibraryChange(client);
      return { id: Number(rows[0]?.id), name: name.trim(), query, view };
    });
  }

  async addToAlbum(name: string, itemIds: readonly number[]): Promise<number> {
    return this.store.transaction(async (client) => {
      const album = await this.known(client, name);
      if (album.query !== null || album.view !== null) throw badInput(`"${album.name}" is a smart album: its items are what ${album.query !== null ? `its query finds ("${album.query}")` : 'its view finds'}.`);
      const { rows: missing } = await client.query<{ id: string }>('SELECT id FROM unnest($1::bigint[]) AS id WHERE id NOT IN (SELECT id FROM items)', [[...itemIds]]);
      if (missing.length > 0) throw notFound(`No item with id ${missing.slice(0, 5).map((m) => m.id).join(', ')}${missing.length > 5 ? '…' : ''}.`);
      const now = Date.now();
      const { rowCount } = await client.query('INSERT INTO album_items (album_id, item_id, added_at) SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING', [album.id, [...itemIds], now]);
      await client.query('UPDATE albums SET updated_at = $1 WHERE id = $2', [now, album.id]);
      await this.store.noteLibraryChange(client);
      return rowCount ?? 0;
    });
  }

  async removeFromAlbum(name: string, itemIds: readonly number[]): Promise<number> {
    return this.store.transaction(async (client) => {
      const album = await this.known(client, name);
      const { rowCount } = await client.query('DELETE FROM album_items WHERE album_id = $1 AND item_id = ANY($2::bigint[])', [album.id, [...itemIds]]);
      await this.store.noteLibraryChange(client);
      return rowCount ?? 0;
    });
  }

  async renameAlbum(name: string, to: string): Promise<void> {
    await this.store.transaction(async (client) => {
      const album = await this.known(client, name);
      const other = await this.albumByName(to, client);
      if (other && other.id !== album.id) throw badInput(`There is an album "${other.name}" already.`);
      await client.query('UPDATE albums SET name = $1, updated_at = $2 WHERE id = $3', [to.trim(), Date.now(), album.id]);
      await this.store.noteLibraryChange(client);
    });
  }

  async deleteAlbum(name: string): Promise<{ name: string; query: string | null; view: AlbumView | null; itemIds: number[] }> {
    return this.store.transaction(async (client) => {
      const album = await this.known(client, name);
      const { rows } = await client.query<{ item_id: string }>('SELECT item_id FROM album_items WHERE album_id = $1 ORDER BY added_at, item_id', [album.id]);
      await client.query('DELETE FROM albums WHERE id = $1', [album.id]);
      await this.store.noteLibraryChange(client);
      return { name: album.name, query: album.query, view: album.view, itemIds: rows.map((r) => Number(r.item_id)) };
    });
  }

  private async known(client: pg.PoolClient, name: string): Promise<AlbumRecord> {
    const album = await this.albumByName(name, client);
    if (album) return album;
    const { rows } = await client.query<{ name: string }>('SELECT name FROM albums ORDER BY lower(name) LIMIT 20');
    throw notFound(`No album "${name}"${rows.length > 0 ? ` (albums: ${rows.map((r) => r.name).join(', ')})` : ''}.`);
  }
}

interface AlbumRow {
  id: string | number;
  name: string;
  query: string | null;
  view: string | null;
}

function record(row: AlbumRow): AlbumRecord {
  return { id: Number(row.id), name: row.name, query: row.query, view: row.view === null ? null : (JSON.parse(row.view) as AlbumView) };
}
