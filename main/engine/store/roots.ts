import type { RootStatus, Space } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { Connection } from './connection.js';
import type { LibraryItem } from './library-store.js';

/** Library items with the number of their current vectors among the spaces in @spaces. */
const LIBRARY_ITEMS = `SELECT i.id, i.path, i.size, i.mtime_ms AS mtimeMs, i.content_hash AS contentHash, i.status,
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

export function rootItemIds(sql: Connection, rootId: number): number[] {
  return sql.stmt('SELECT id FROM items WHERE root_id = ?').pluck().all(rootId) as number[];
}

export function deleteRoot(sql: Connection, rootId: number): number {
  return sql.stmt('DELETE FROM roots WHERE id = ?').run(rootId).changes;
}

/**
 * A library folder came or went. Gone: its items turn offline (kept, vectors and all).
 * Back: they turn ok again; the next scan re-checks each file by size and time.
 */
export function setRootOnline(sql: Connection, rootId: number, online: boolean): number {
  return sql.write(() => {
    sql.stmt('UPDATE roots SET online = ? WHERE id = ?').run(online ? 1 : 0, rootId);
    const [from, to] = online ? ['offline', 'ok'] : ['ok', 'offline'];
    return sql.stmt('UPDATE items SET status = ?, updated_at = ? WHERE root_id = ? AND status = ?').run(to, Date.now(), rootId, from).changes;
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
export function moveItem(sql: Connection, itemId: number, to: { path: string; rootId: number; size: number; mtimeMs: number }): void {
  sql
    .stmt('UPDATE items SET path = ?, root_id = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?')
    .run(to.path, to.rootId, to.size, to.mtimeMs, Date.now(), itemId);
}

/** Same content, new size or time on disk (a touch, a copy back): nothing to re-embed. */
export function touchItem(sql: Connection, itemId: number, size: number, mtimeMs: number): void {
  sql.stmt('UPDATE items SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, itemId);
}
