import type { FolderImpact, ForgottenFolder, RootStatus } from '../../../../preload/contract.js';
import { badInput } from '../../errors.js';
import { UNDO_WINDOW_MS } from '../forgotten.js';
import type { ForgetStore } from '../library-store.js';
import type { PgItems } from './pg-items.js';
import { type PgStore, vectorTable } from './pg-store.js';

/**
 * Forgotten folders on PostgreSQL (migration 4), step for step as `store/forgotten.ts` keeps
 * them on SQLite: a folder's items leave the library at once, their rows (as JSON, so a later
 * column comes back too), tags, albums and current vectors wait in the forgotten tables, and
 * undo puts them back with the same ids, nothing embedded again. Every step that changes the
 * library is recorded in the change sequence, so every process serving the database hears it.
 */
export class PgForgotten implements ForgetStore {
  private readonly store: PgStore;
  private readonly items: PgItems;

  constructor(store: PgStore, items: PgItems) {
    this.store = store;
    this.items = items;
  }

  async rootByPath(rootPath: string): Promise<RootStatus | undefined> {
    return (await this.items.roots()).find((root) => root.path === rootPath);
  }

  addRoot(rootPath: string): Promise<number> {
    return this.items.addRoot(rootPath);
  }

  async rootImpact(rootId: number): Promise<FolderImpact> {
    const { rows } = await this.store.pool.query<{ path: string; photos: string; tags: string; labels: string; albums: string }>(
      `SELECT r.path,
         (SELECT count(*) FROM items WHERE root_id = r.id) AS photos,
         (SELECT count(*) FROM labels l JOIN items i ON i.id = l.item_id WHERE i.root_id = r.id AND l.label_set = '') AS tags,
         (SELECT count(*) FROM labels l JOIN items i ON i.id = l.item_id WHERE i.root_id = r.id AND l.label_set <> '') AS labels,
         (SELECT count(DISTINCT ai.album_id) FROM album_items ai JOIN items i ON i.id = ai.item_id WHERE i.root_id = r.id) AS albums
       FROM roots r WHERE r.id = $1`,
      [rootId],
    );
    const row = rows[0];
    if (!row) throw badInput(`No library folder with id ${rootId}.`);
    return { path: row.path, photos: Number(row.photos), tags: Number(row.tags), labels: Number(row.labels), albums: Number(row.albums), undoHours: UNDO_WINDOW_MS / 3_600_000 };
  }

  startForget(rootId: number, now = Date.now()): Promise<{ folderId: number; ids: number[] }> {
    return this.store.transaction(async (client) => {
      const { rows: root } = await client.query<{ path: string; added_at: string }>('SELECT path, added_at FROM roots WHERE id = $1', [rootId]);
      if (!root[0]) throw badInput(`No library folder with id ${rootId}.`);
      const { rows } = await client.query<{ id: string }>('SELECT id FROM items WHERE root_id = $1 ORDER BY id', [rootId]);
      const ids = rows.map((r) => Number(r.id));
      const { rows: made } = await client.query<{ id: string }>(
        'INSERT INTO forgotten_folders (path, added_at, forgotten_at, photos, complete) VALUES ($1, $2, $3, $4, false) RETURNING id',
        [root[0].path, root[0].added_at, now, ids.length],
      );
      return { folderId: Number(made[0]?.id), ids };
    });
  }

  /** Copies the items' rows, tags and albums, and their vectors in each space's current model. */
  async keepForgotten(folderId: number, ids: readonly number[]): Promise<void> {
    const spaces = await this.items.spaceModels();
    await this.store.transaction(async (client) => {
      const { rows } = await client.query<{ item_id: string }>(
        `INSERT INTO forgotten_items (folder_id, item_id, item, labels, albums)
         SELECT $1, i.id, to_jsonb(i),
           coalesce((SELECT jsonb_agg(jsonb_build_object('label_set', l.label_set, 'label', l.label, 'confidence', l.confidence)) FROM labels l WHERE l.item_id = i.id), '[]'::jsonb),
           coalesce((SELECT jsonb_agg(jsonb_build_object('album_id', a.album_id, 'added_at', a.added_at)) FROM album_items a WHERE a.item_id = i.id), '[]'::jsonb)
         FROM items i WHERE i.id = ANY($2::bigint[])
         ON CONFLICT DO NOTHING
         RETURNING item_id`,
        [folderId, [...ids]],
      );
      const kept = rows.map((r) => Number(r.item_id));
      for (const space of spaces.values()) {
        await client.query(
          `INSERT INTO forgotten_vectors (folder_id, item_id, space, generation, embedding)
           SELECT $1, item_id, $2, generation, embedding FROM ${vectorTable(space.name)} WHERE item_id = ANY($3::bigint[]) AND generation = $4
           ON CONFLICT DO NOTHING`,
          [folderId, space.name, kept, space.generation],
        );
      }
    });
  }

  async markForgotten(folderId: number): Promise<void> {
    await this.store.pool.query(
      `UPDATE forgotten_folders SET complete = true,
         labels = (SELECT coalesce(sum(jsonb_array_length(labels)), 0) FROM forgotten_items WHERE folder_id = $1)
       WHERE id = $1`,
      [folderId],
    );
  }

  async dropForgotten(ids: readonly number[]): Promise<void> {
    await this.items.removeItems(ids);
  }

  /** The folder entry goes, and whatever is still under it that was kept; items that arrived meanwhile keep it. */
  async finishForget(folderId: number, rootId: number): Promise<void> {
    await this.store.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'DELETE FROM items WHERE root_id = $1 AND id IN (SELECT item_id FROM forgotten_items WHERE folder_id = $2) RETURNING id',
        [rootId, folderId],
      );
      await this.store.noteChanges(
        client,
        rows.map((r) => Number(r.id)),
      );
      await client.query('DELETE FROM roots WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM items WHERE root_id = $1)', [rootId]);
      await this.store.noteLibraryChange(client);
    });
  }

  async forgottenFolders(): Promise<ForgottenFolder[]> {
    const { rows } = await this.store.pool.query<{ id: string; path: string; photos: string; forgotten_at: string; labels: string }>(
      'SELECT id, path, photos, forgotten_at, labels FROM forgotten_folders WHERE complete ORDER BY forgotten_at DESC, id DESC',
    );
    return rows.map((r) => {
      const forgottenAt = Number(r.forgotten_at);
      return { id: Number(r.id), path: r.path, photos: Number(r.photos), forgottenAt, labels: Number(r.labels), undoUntil: forgottenAt + UNDO_WINDOW_MS };
    });
  }

  /**
   * Up to `limit` items back under `rootId`, each taken out of the forgotten tables in the same
   * transaction (a cancelled undo leaves the rest undoable). An item whose file is in the
   * library again meanwhile stays as it is; a vector whose space has another model since is
   * left out (the next index embeds that item again); an album deleted since is not made again.
   */
  restoreChunk(folderId: number, rootId: number, limit: number): Promise<{ restored: number; left: number }> {
    return this.store.transaction(async (client) => {
      const spaces = await this.items.spaceModels();
      const { rows } = await client.query<{ item_id: string; path: string | null; labels: number }>(
        `SELECT item_id, item->>'path' AS path, jsonb_array_length(labels) AS labels FROM forgotten_items
         WHERE folder_id = $1 ORDER BY item_id LIMIT $2 FOR UPDATE`,
        [folderId, limit],
      );
      const chunk = rows.map((r) => Number(r.item_id));
      const labelsBack = rows.reduce((n, r) => n + Number(r.labels), 0);
      // Set-based, a few statements a chunk: an item whose file is back in the library stays out; an id taken meanwhile gets a new one.
      const { rows: pathTaken } = await client.query<{ path: string }>('SELECT path FROM items WHERE path = ANY($1::text[])', [rows.flatMap((r) => (r.path === null ? [] : [r.path]))]);
      const taken = new Set(pathTaken.map((r) => r.path));
      const back = rows.filter((r) => r.path === null || !taken.has(r.path)).map((r) => Number(r.item_id));
      const { rows: idTaken } = await client.query<{ id: string }>('SELECT id FROM items WHERE id = ANY($1::bigint[])', [back]);
      const busy = new Set(idTaken.map((r) => Number(r.id)));
      const { rows: fresh } = await client.query<{ id: string }>("SELECT nextval('items_id_seq') AS id FROM generate_series(1, $1)", [busy.size]);
      const newIds = back.map((id) => (busy.has(id) ? Number(fresh.pop()?.id) : id));
      const mapping = `JOIN unnest($2::bigint[], $3::bigint[]) AS m(old_id, new_id) ON m.old_id = f.item_id`;
      const params = [folderId, back, newIds];
      await client.query(
        `INSERT INTO items SELECT (jsonb_populate_record(NULL::items, f.item || jsonb_build_object('id', m.new_id, 'root_id', $4::bigint))).*
         FROM forgotten_items f ${mapping} WHERE f.folder_id = $1`,
        [...params, rootId],
      );
      await client.query(
        `INSERT INTO labels (item_id, label_set, label, confidence)
         SELECT m.new_id, x.label_set, x.label, x.confidence FROM forgotten_items f ${mapping},
           jsonb_to_recordset(f.labels) AS x(label_set text, label text, confidence double precision)
         WHERE f.folder_id = $1 ON CONFLICT DO NOTHING`,
        params,
      );
      await client.query(
        `INSERT INTO album_items (album_id, item_id, added_at)
         SELECT a.id, m.new_id, x.added_at FROM forgotten_items f ${mapping},
           jsonb_to_recordset(f.albums) AS x(album_id bigint, added_at bigint) JOIN albums a ON a.id = x.album_id
         WHERE f.folder_id = $1 ON CONFLICT DO NOTHING`,
        params,
      );
      for (const space of spaces.values()) {
        await client.query(
          `INSERT INTO ${vectorTable(space.name)} (item_id, generation, embedding)
           SELECT m.new_id, f.generation, f.embedding FROM forgotten_vectors f ${mapping}
           WHERE f.folder_id = $1 AND f.space = $4 AND f.generation = $5 AND vector_dims(f.embedding) = $6`,
          [...params, space.name, space.generation, space.dims],
        );
      }
      await client.query('DELETE FROM forgotten_vectors WHERE folder_id = $1 AND item_id = ANY($2::bigint[])', [folderId, chunk]);
      await client.query('DELETE FROM forgotten_items WHERE folder_id = $1 AND item_id = ANY($2::bigint[])', [folderId, chunk]);
      await this.store.noteChanges(client, newIds);
      const { rows: count } = await client.query<{ n: string }>('SELECT count(*) AS n FROM forgotten_items WHERE folder_id = $1', [folderId]);
      const left = Number(count[0]?.n ?? 0);
      if (left === 0) await client.query('DELETE FROM forgotten_folders WHERE id = $1', [folderId]);
      // What is still kept, after a cancelled undo.
      else await client.query('UPDATE forgotten_folders SET photos = $1, labels = greatest(0, labels - $2) WHERE id = $3', [left, labelsBack, folderId]);
      await this.store.noteLibraryChange(client);
      return { restored: back.length, left };
    });
  }

  /**
   * Drops forgotten folders for good: one (the user's "forget now"), or those begun before
   * `before`. Unlike on SQLite, an unfinished one goes only then too: another process may be
   * forgetting it right now (an unfinished one is never listed, and left its items in place).
   */
  async purgeForgotten(which: { id: number } | { before: number }): Promise<number> {
    const { rowCount } =
      'id' in which
        ? await this.store.pool.query('DELETE FROM forgotten_folders WHERE id = $1', [which.id])
        : await this.store.pool.query('DELETE FROM forgotten_folders WHERE forgotten_at < $1', [which.before]);
    return rowCount ?? 0;
  }
}
