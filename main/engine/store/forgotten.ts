import type { FolderImpact, ForgottenFolder, Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';
import type { SpaceModel } from './library-store.js';
import { decodeRow, keptParts, reinsertItem, type KeptVector, type Row } from './kept-items.js';
import { toBlob } from './vector-tables.js';
import { readVectors } from './vectors.js';

/**
 * Forgotten library folders, kept for undo (migration 7). Forgetting a folder takes its
 * items out of the library at once (searches, counts and the grid never see them), but
 * their rows, tags and vectors move here first: undo puts them back with the same ids and
 * nothing is embedded again. After the undo window (or "forget now") they are purged.
 */
export const UNDO_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What forgetting a folder would take out of the library, for the question asked first. */
export function rootImpact(sql: Connection, rootId: number, rootPath: string): FolderImpact {
  const counts = sql
    .stmt(
      `SELECT count(*) AS photos,
         (SELECT count(*) FROM labels l JOIN items i ON i.id = l.item_id WHERE i.root_id = @root AND l.label_set = '') AS tags,
         (SELECT count(*) FROM labels l JOIN items i ON i.id = l.item_id WHERE i.root_id = @root AND l.label_set <> '') AS labels,
         (SELECT count(DISTINCT ai.album_id) FROM album_items ai JOIN items i ON i.id = ai.item_id WHERE i.root_id = @root) AS albums
       FROM items WHERE root_id = @root`,
    )
    .get({ root: rootId }) as { photos: number; tags: number; labels: number; albums: number };
  return { path: rootPath, ...counts, undoHours: UNDO_WINDOW_MS / 3_600_000 };
}

/**
 * Forgetting runs in steps, so that a job can report progress, stay cancellable and leave the
 * event loop free between them (at 50k photos one transaction held the app for 14 s):
 * `startForget` makes the (incomplete) folder row, `keepChunk` copies items' rows, labels,
 * albums and current vectors, `markComplete` makes it undoable, `dropChunk` takes items out of
 * the library, `finishForget` removes the folder entry. Until `markComplete` nothing left the
 * library, and an incomplete row is dropped (a cancel now, a crash at the next open).
 */
export function startForget(sql: Connection, root: { id: number; path: string }, now: number): { folderId: number; ids: number[] } {
  return sql.write(() => {
    const ids = sql.stmt('SELECT id FROM items WHERE root_id = ? ORDER BY id').pluck().all(root.id) as number[];
    const added = sql.stmt('SELECT added_at FROM roots WHERE id = ?').pluck().get(root.id) as number;
    const folderId = Number(
      sql
        .stmt('INSERT INTO forgotten_folders (path, added_at, forgotten_at, photos, complete) VALUES (?, ?, ?, ?, 0)')
        .run(root.path, added, now, ids.length).lastInsertRowid,
    );
    return { folderId, ids };
  });
}

export function keepChunk(sql: Connection, folderId: number, ids: readonly number[], models: ReadonlyMap<Space, SpaceModel>): void {
  sql.write(() => {
    const keep = sql.stmt('INSERT INTO forgotten_items (folder_id, item_id, item, labels, albums) VALUES (?, ?, ?, ?, ?)');
    const kept: number[] = [];
    for (const id of ids) {
      const parts = keptParts(sql, id);
      if (!parts) continue; // gone meanwhile
      keep.run(folderId, id, parts.item, parts.labels, parts.albums);
      kept.push(id);
    }
    const keepVector = sql.stmt('INSERT INTO forgotten_vectors (folder_id, item_id, space, generation, embedding) VALUES (?, ?, ?, ?, ?)');
    for (const model of models.values()) {
      for (const [id, vector] of readVectors(sql, model, kept)) keepVector.run(folderId, id, model.space, model.generation, toBlob(vector));
    }
  });
}

export function markComplete(sql: Connection, folderId: number): void {
  sql.write(() =>
    sql
      .stmt('UPDATE forgotten_folders SET complete = 1, labels = (SELECT coalesce(sum(json_array_length(labels)), 0) FROM forgotten_items WHERE folder_id = ?) WHERE id = ?')
      .run(folderId, folderId),
  );
}

export function dropChunk(sql: Connection, ids: readonly number[]): void {
  sql.write(() => sql.stmt('DELETE FROM items WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)));
}

/** Removes the folder entry, and whatever is still under it (kept already: it was in the library when the forget began). */
export function finishForget(sql: Connection, folderId: number, rootId: number): void {
  sql.write(() => {
    sql.stmt('DELETE FROM items WHERE root_id = ? AND id IN (SELECT item_id FROM forgotten_items WHERE folder_id = ?)').run(rootId, folderId);
    // Items that arrived under it meanwhile (a watcher) stay, with no folder: keep the entry then.
    if (sql.stmt('SELECT 1 FROM items WHERE root_id = ? LIMIT 1').get(rootId) === undefined) sql.stmt('DELETE FROM roots WHERE id = ?').run(rootId);
  });
}

export function forgottenFolders(sql: Connection): ForgottenFolder[] {
  const rows = sql
    .stmt(
      `SELECT f.id, f.path, f.photos, f.forgotten_at AS forgottenAt, f.labels
       FROM forgotten_folders f WHERE f.complete = 1 ORDER BY f.forgotten_at DESC, f.id DESC`,
    )
    .all() as Omit<ForgottenFolder, 'undoUntil'>[];
  return rows.map((row) => ({ ...row, undoUntil: row.forgottenAt + UNDO_WINDOW_MS }));
}

/**
 * Puts up to `limit` of a forgotten folder's items back under `rootId` (the folder again, or
 * the library folder that holds it now), each taken out of the forgotten tables in the same
 * transaction, so a cancelled undo leaves the rest still undoable. An item whose file is in
 * the library again by now (the folder was added back meanwhile) stays as it is; a vector
 * whose space has another model since is left out (the next index embeds that item again).
 * Returns how many came back and how many are left; with none left the folder row goes.
 */
export function restoreChunk(sql: Connection, folderId: number, rootId: number, models: ReadonlyMap<Space, SpaceModel>, limit: number): { restored: number; left: number } {
  return sql.write(() => {
    const columns = new Set(sql.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('items') as string[]);
    const rows = sql.stmt('SELECT item_id AS itemId, item, labels, albums FROM forgotten_items WHERE folder_id = ? ORDER BY item_id LIMIT ?').all(folderId, limit) as {
      itemId: number;
      item: string;
      labels: string;
      albums: string;
    }[];
    const vectorRows = sql.stmt('SELECT space, generation, embedding FROM forgotten_vectors WHERE folder_id = ? AND item_id = ?');
    const done = sql.stmt('DELETE FROM forgotten_items WHERE folder_id = ? AND item_id = ?');
    let restored = 0;
    let labelsBack = 0; // leaving the kept ones, restored or already back
    for (const row of rows) {
      const item = decodeRow(JSON.parse(row.item) as Row);
      const labels = JSON.parse(row.labels) as { label_set: string; label: string; confidence: number }[];
      labelsBack += labels.length;
      const back = !(typeof item.path === 'string' && sql.stmt('SELECT 1 FROM items WHERE path = ?').get(item.path) !== undefined);
      if (back) {
        reinsertItem(sql, columns, { itemId: row.itemId, item: { ...item, root_id: rootId }, labels, albums: JSON.parse(row.albums) as number[] }, vectorRows.all(folderId, row.itemId) as KeptVector[], models);
        restored++;
      }
      done.run(folderId, row.itemId);
    }
    const left = sql.stmt('SELECT count(*) FROM forgotten_items WHERE folder_id = ?').pluck().get(folderId) as number;
    if (left === 0) sql.stmt('DELETE FROM forgotten_folders WHERE id = ?').run(folderId);
    // What is still kept, after a cancelled undo.
    else sql.stmt('UPDATE forgotten_folders SET photos = ?, labels = max(0, labels - ?) WHERE id = ?').run(left, labelsBack, folderId);
    return { restored, left };
  });
}

/** Drops forgotten folders for good: one (the user's "forget now"), or those past the undo window. */
export function purgeForgotten(sql: Connection, which: { id: number } | { before: number }): number {
  return sql.write(() =>
    'id' in which
      ? sql.stmt('DELETE FROM forgotten_folders WHERE id = ?').run(which.id).changes
      : sql.stmt('DELETE FROM forgotten_folders WHERE forgotten_at < ? OR complete = 0').run(which.before).changes,
  );
}
