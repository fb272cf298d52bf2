import type { RootStatus, Space } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { Connection } from './connection.js';
import type { FileFacts, LibraryItem } from './library-store.js';

/** Library items with the number of their current vectors among the spaces in @spaces. */
const LIBRARY_ITEMS = `SELECT i.id, i.path, i.path_bytes AS pathBytes, i.size, i.mtime_ms AS mtimeMs, i.ctime_ms AS ctimeMs,
    i.device, i.content_hash AS contentHash, i.status,
    (SELECT count(*) FROM item_vectors iv JOIN spaces s ON s.name = iv.space AND s.generation = iv.generation
     WHERE iv.item_id = i.id AND iv.space IN (SELECT value FROM json_each(@spaces))) AS fresh
  FROM items i`;

export function roots(sql: Connection): RootStatus[] {
  const rows = sql
    .stmt(
      `SELECT r.id, r.path, r.online, (SELECT count(*) FROM items i WHERE i.root_id = r.id) AS items
       FROM roots r ORDER BY r.path`,
    )
    .all() as { id: number; path: string; online: number; items: number }[];
  return rows.map((r) => ({ ...r, online: r.online === 1 }));
}

export function addRoot(sql: Connection, rootPath: string): number {
  if (!rootPath) throw badInput('A library folder path must not be empty.');
  sql.stmt('INSERT INTO roots (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING').run(rootPath, Date.now());
  return sql.stmt('SELECT id FROM roots WHERE path = ?').pluck().get(rootPath) as number;
}

/**
 * Makes `outer` the library folder of everything the `inner` folders (inside it) held: their
 * items move to it, ids, vectors and tags unchanged, and the inner entries go. One folder
 * entry per place on disk, so counts add up and forgetting one never takes another's photos.
 */
export function absorbRoots(sql: Connection, outer: string, inner: readonly number[]): number {
  return sql.write(() => {
    const id = addRoot(sql, outer);
    const others = JSON.stringify(inner.filter((rootId) => rootId !== id));
    sql.stmt('UPDATE items SET root_id = ? WHERE root_id IN (SELECT value FROM json_each(?))').run(id, others);
    sql.stmt('DELETE FROM roots WHERE id IN (SELECT value FROM json_each(?))').run(others);
    return id;
  });
}

/** The paths of a library folder's items that could be read (what the grid shows). */
export function rootItemPaths(sql: Connection, rootId: number): string[] {
  return sql.stmt("SELECT path FROM items WHERE root_id = ? AND status <> 'error' AND path IS NOT NULL").pluck().all(rootId) as string[];
}

export function rootItemIds(sql: Connection, rootId: number): number[] {
  return sql.stmt('SELECT id FROM items WHERE root_id = ?').pluck().all(rootId) as number[];
}

export function deleteRoot(sql: Connection, rootId: number): number {
  return sql.stmt('DELETE FROM roots WHERE id = ?').run(rootId).changes;
}

/**
 * A library folder came or went. Gone: its items turn offline (kept, vectors and all).
 * Back: only the folder is marked; each item turns ok again when the scan sees its file.
 */
export function setRootOnline(sql: Connection, rootId: number, online: boolean): number {
  return sql.write(() => {
    sql.stmt('UPDATE roots SET online = ? WHERE id = ?').run(online ? 1 : 0, rootId);
    if (online) return 0;
    return sql.stmt("UPDATE items SET status = 'offline', updated_at = ? WHERE root_id = ? AND status = 'ok'").run(Date.now(), rootId).changes;
  });
}

/** The items of a library folder, with whether each has current vectors in all `spaces`. */
export function rootItems(sql: Connection, rootId: number, spaces: readonly Space[]): LibraryItem[] {
  return libraryItems(sql, `${LIBRARY_ITEMS} WHERE i.root_id = @value`, rootId, spaces);
}

/** Items of this content that have current vectors in all `spaces` (to move or copy). */
export function completeItemsWithHash(sql: Connection, hash: string, spaces: readonly Space[]): LibraryItem[] {
  return libraryItems(sql, `${LIBRARY_ITEMS} WHERE i.content_hash = @value AND i.status <> 'error'`, hash, spaces).filter((item) => item.complete);
}

function libraryItems(sql: Connection, text: string, value: unknown, spaces: readonly Space[]): LibraryItem[] {
  const rows = sql.stmt(text).all({ spaces: JSON.stringify(spaces), value }) as (Omit<LibraryItem, 'complete'> & { fresh: number })[];
  return rows.map(({ fresh, ...item }) => ({ ...item, complete: fresh === spaces.length }));
}

/** A file was moved or renamed: its item (id, vectors, labels) follows it. */
export function moveItem(sql: Connection, itemId: number, to: FileFacts & { path: string; rootId: number }): void {
  sql
    .stmt(
      `UPDATE items SET path = @path, path_bytes = @pathBytes, root_id = @rootId, size = @size, mtime_ms = @mtimeMs,
         ctime_ms = @ctimeMs, device = @device, status = 'ok', error = NULL, updated_at = @now WHERE id = @id`,
    )
    .run({ ...to, pathBytes: to.pathBytes ?? null, now: Date.now(), id: itemId });
}

/** Same content, new size, times or device number (a touch, a copy back, a remount): nothing to re-embed. */
export function touchItem(sql: Connection, itemId: number, facts: FileFacts): void {
  sql
    .stmt(
      `UPDATE items SET size = @size, mtime_ms = @mtimeMs, ctime_ms = @ctimeMs, device = @device,
         status = CASE status WHEN 'offline' THEN 'ok' ELSE status END WHERE id = @id`,
    )
    .run({ size: facts.size, mtimeMs: facts.mtimeMs, ctimeMs: facts.ctimeMs, device: facts.device, id: itemId });
}

/**
 * Items whose folder cannot be reached now (an unmounted drive, a folder gone as a whole)
 * turn offline, and back to ok when seen again; failed items keep their error.
 */
export function setItemsStatus(sql: Connection, itemIds: readonly number[], status: 'ok' | 'offline'): number {
  const from = status === 'ok' ? 'offline' : 'ok';
  return sql
    .stmt('UPDATE items SET status = ?, updated_at = ? WHERE status = ? AND id IN (SELECT value FROM json_each(?))')
    .run(status, Date.now(), from, JSON.stringify(itemIds)).changes;
}

