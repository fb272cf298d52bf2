import type { FolderImpact, ForgottenFolder, Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';
import type { SpaceModel } from './library-store.js';
import { fromBlob, toBlob } from './vector-tables.js';
import { putVector, readVectors } from './vectors.js';

/**
 * Forgotten library folders, kept for undo (migration 7). Forgetting a folder takes its
 * items out of the library at once (searches, counts and the grid never see them), but
 * their rows, tags and vectors move here first: undo puts them back with the same ids and
 * nothing is embedded again. After the undo window (or "forget now") they are purged.
 */
export const UNDO_WINDOW_MS = 24 * 60 * 60 * 1000;

type Row = Record<string, unknown>;

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
 * Moves a folder's items (rows, labels, current vectors) into the forgotten tables and out
 * of the library, in one transaction. Returns the forgotten folder's id.
 */
export function forgetRoot(sql: Connection, root: { id: number; path: string }, models: ReadonlyMap<Space, SpaceModel>, now: number): number {
  return sql.write(() => {
    const ids = sql.stmt('SELECT id FROM items WHERE root_id = ?').pluck().all(root.id) as number[];
    const added = sql.stmt('SELECT added_at FROM roots WHERE id = ?').pluck().get(root.id) as number;
    const folderId = Number(
      sql.stmt('INSERT INTO forgotten_folders (path, added_at, forgotten_at, photos) VALUES (?, ?, ?, ?)').run(root.path, added, now, ids.length).lastInsertRowid,
    );
    const keep = sql.stmt('INSERT INTO forgotten_items (folder_id, item_id, item, labels, albums) VALUES (?, ?, ?, ?, ?)');
    const albumIds = sql.stmt('SELECT album_id FROM album_items WHERE item_id = ?').pluck();
    const itemRow = sql.stmt('SELECT * FROM items WHERE id = ?');
    const labelRows = sql.stmt('SELECT label_set, label, confidence FROM labels WHERE item_id = ?');
    for (const id of ids) {
      keep.run(folderId, id, JSON.stringify(encodeRow(itemRow.get(id) as Row)), JSON.stringify(labelRows.all(id)), JSON.stringify(albumIds.all(id)));
    }
    const keepVector = sql.stmt('INSERT INTO forgotten_vectors (folder_id, item_id, space, generation, embedding) VALUES (?, ?, ?, ?, ?)');
    for (const model of models.values()) {
      for (const [id, vector] of readVectors(sql, model, ids)) keepVector.run(folderId, id, model.space, model.generation, toBlob(vector));
    }
    sql.stmt('DELETE FROM items WHERE root_id = ?').run(root.id);
    sql.stmt('DELETE FROM roots WHERE id = ?').run(root.id);
    return folderId;
  });
}

export function forgottenFolders(sql: Connection): ForgottenFolder[] {
  const rows = sql
    .stmt(
      `SELECT f.id, f.path, f.photos, f.forgotten_at AS forgottenAt,
         (SELECT coalesce(sum(json_array_length(labels)), 0) FROM forgotten_items WHERE folder_id = f.id) AS labels
       FROM forgotten_folders f ORDER BY f.forgotten_at DESC, f.id DESC`,
    )
    .all() as Omit<ForgottenFolder, 'undoUntil'>[];
  return rows.map((row) => ({ ...row, undoUntil: row.forgottenAt + UNDO_WINDOW_MS }));
}

/**
 * Puts a forgotten folder's items back under `rootId` (the folder again, or the library
 * folder that holds it now). An item whose file is in the library again by now (the folder
 * was added back meanwhile) stays as it is; a vector whose space has another model since is
 * left out (the next index embeds that item again). Returns how many items came back.
 */
export function restoreForgotten(sql: Connection, folderId: number, rootId: number, models: ReadonlyMap<Space, SpaceModel>): number {
  return sql.write(() => {
    const columns = new Set((sql.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('items') as string[]));
    const rows = sql.stmt('SELECT item_id AS itemId, item, labels, albums FROM forgotten_items WHERE folder_id = ?').all(folderId) as {
      itemId: number;
      item: string;
      labels: string;
      albums: string;
    }[];
    const addToAlbum = sql.stmt('INSERT OR IGNORE INTO album_items (album_id, item_id, added_at) SELECT id, ?, ? FROM albums WHERE id = ?');
    const vectorRows = sql.stmt('SELECT space, generation, embedding FROM forgotten_vectors WHERE folder_id = ? AND item_id = ?');
    const addLabel = sql.stmt('INSERT OR IGNORE INTO labels (item_id, label_set, label, confidence) VALUES (?, ?, ?, ?)');
    let restored = 0;
    for (const row of rows) {
      const item = decodeRow(JSON.parse(row.item) as Row);
      if (typeof item.path === 'string' && sql.stmt('SELECT 1 FROM items WHERE path = ?').get(item.path) !== undefined) continue;
      const idFree = sql.stmt('SELECT 1 FROM items WHERE id = ?').get(row.itemId) === undefined;
      const values: Row = { ...item, root_id: rootId };
      if (!idFree) delete values.id;
      const names = Object.keys(values).filter((name) => columns.has(name));
      const id = Number(
        sql.db
          .prepare(`INSERT INTO items (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
          .run(...names.map((name) => values[name]))
          .lastInsertRowid,
      );
      for (const label of JSON.parse(row.labels) as { label_set: string; label: string; confidence: number }[]) {
        addLabel.run(id, label.label_set, label.label, label.confidence);
      }
      for (const albumId of JSON.parse(row.albums) as number[]) addToAlbum.run(id, Date.now(), albumId);
      for (const vector of vectorRows.all(folderId, row.itemId) as { space: Space; generation: number; embedding: Buffer }[]) {
        const model = models.get(vector.space);
        if (!model || model.generation !== vector.generation) continue;
        const unit = fromBlob(vector.embedding);
        if (unit.length === model.dims) putVector(sql, id, vector.space, model.generation, unit);
      }
      restored++;
    }
    sql.stmt('DELETE FROM forgotten_folders WHERE id = ?').run(folderId);
    return restored;
  });
}

/** Drops forgotten folders for good: one (the user's "forget now"), or those past the undo window. */
export function purgeForgotten(sql: Connection, which: { id: number } | { before: number }): number {
  return sql.write(() =>
    'id' in which
      ? sql.stmt('DELETE FROM forgotten_folders WHERE id = ?').run(which.id).changes
      : sql.stmt('DELETE FROM forgotten_folders WHERE forgotten_at < ?').run(which.before).changes,
  );
}

/** JSON keeps numbers and strings; a blob (a path's raw bytes) goes as hex. */
function encodeRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Buffer.isBuffer(value) ? { hex: value.toString('hex') } : value]));
}

function decodeRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value !== null && typeof value === 'object' && typeof (value as { hex?: unknown }).hex === 'string' ? Buffer.from((value as { hex: string }).hex, 'hex') : value,
    ]),
  );
}
