import type { AlbumSummary, AlbumView } from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { Connection } from './connection.js';

/**
 * Albums (migration 9): a plain album lists items by id, so it survives moves and renames of
 * their files; a smart album keeps a query instead, and its items are whatever that query
 * finds at the time it is opened.
 */
export interface AlbumRecord {
  id: number;
  name: string;
  /** A smart album's query (the query language); null for a plain album. */
  query: string | null;
  /** A smart album's weighted view instead of a query. */
  view: AlbumView | null;
}

type AlbumRow = Omit<AlbumRecord, 'view'> & { view: string | null };

function record(row: AlbumRow): AlbumRecord {
  return { ...row, view: row.view === null ? null : (JSON.parse(row.view) as AlbumView) };
}

export function albums(sql: Connection): AlbumSummary[] {
  const rows = sql
    .stmt(
      `SELECT a.id, a.name, a.query, a.view, CASE WHEN a.query IS NULL AND a.view IS NULL THEN (SELECT count(*) FROM album_items ai WHERE ai.album_id = a.id) END AS items
       FROM albums a ORDER BY a.name COLLATE NOCASE`,
    )
    .all() as (AlbumRow & { items: number | null })[];
  return rows.map((row) => ({ ...record(row), items: row.items }));
}

export function albumByName(sql: Connection, name: string): AlbumRecord | undefined {
  const row = sql.stmt('SELECT id, name, query, view FROM albums WHERE name = ? COLLATE NOCASE').get(name.trim()) as AlbumRow | undefined;
  return row ? record(row) : undefined;
}

function known(sql: Connection, name: string): AlbumRecord {
  const album = albumByName(sql, name);
  if (!album) {
    const names = (sql.stmt('SELECT name FROM albums ORDER BY name COLLATE NOCASE').pluck().all() as string[]).slice(0, 20);
    throw notFound(`No album "${name}"${names.length > 0 ? ` (albums: ${names.join(', ')})` : ''}.`);
  }
  return album;
}

export function createAlbum(sql: Connection, name: string, query: string | null, view: AlbumView | null = null): AlbumRecord {
  return sql.write(() => {
    const existing = albumByName(sql, name);
    if (existing) throw badInput(`There is an album "${existing.name}" already.`);
    const now = Date.now();
    const id = Number(
      sql.stmt('INSERT INTO albums (name, query, view, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(name.trim(), query, view === null ? null : JSON.stringify(view), now, now)
        .lastInsertRowid,
    );
    return { id, name: name.trim(), query, view };
  });
}

/** Adds items to a plain album (items already in it stay once); how many were new. */
export function addToAlbum(sql: Connection, name: string, itemIds: readonly number[]): number {
  return sql.write(() => {
    const album = known(sql, name);
    if (album.query !== null || album.view !== null) throw badInput(`"${album.name}" is a smart album: its items are what ${album.query !== null ? `its query finds ("${album.query}")` : 'its view finds'}.`);
    const missing = sql.stmt('SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM items)').pluck().all(JSON.stringify(itemIds)) as number[];
    if (missing.length > 0) throw notFound(`No item with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
    const add = sql.stmt('INSERT OR IGNORE INTO album_items (album_id, item_id, added_at) VALUES (?, ?, ?)');
    const now = Date.now();
    const added = itemIds.reduce((n, id) => n + add.run(album.id, id, now).changes, 0);
    sql.stmt('UPDATE albums SET updated_at = ? WHERE id = ?').run(now, album.id);
    return added;
  });
}

export function removeFromAlbum(sql: Connection, name: string, itemIds: readonly number[]): number {
  return sql.write(() => {
    const album = known(sql, name);
    return sql.stmt('DELETE FROM album_items WHERE album_id = ? AND item_id IN (SELECT value FROM json_each(?))').run(album.id, JSON.stringify(itemIds)).changes;
  });
}

export function renameAlbum(sql: Connection, name: string, to: string): void {
  sql.write(() => {
    const album = known(sql, name);
    const other = albumByName(sql, to);
    if (other && other.id !== album.id) throw badInput(`There is an album "${other.name}" already.`);
    sql.stmt('UPDATE albums SET name = ?, updated_at = ? WHERE id = ?').run(to.trim(), Date.now(), album.id);
  });
}

/** Deletes an album (the items stay in the library); what it was, so it can be made again (undo). */
export function deleteAlbum(sql: Connection, name: string): { name: string; query: string | null; view: AlbumView | null; itemIds: number[] } {
  return sql.write(() => {
    const album = known(sql, name);
    const itemIds = sql.stmt('SELECT item_id FROM album_items WHERE album_id = ? ORDER BY added_at, item_id').pluck().all(album.id) as number[];
    sql.stmt('DELETE FROM albums WHERE id = ?').run(album.id);
    return { name: album.name, query: album.query, view: album.view, itemIds };
  });
}
