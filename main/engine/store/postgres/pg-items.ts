import type pg from 'pg';
import type { BrowseRequest, BrowseResponse, CatalogStatus, ErrorGroup, ItemDetail, ItemError, ItemKind, ItemStatus, RootStatus, SearchFilters, SearchHit, Space, TimelineResponse } from '../../../../preload/contract.js';
import { badInput } from '../../errors.js';
import { prepareItemWrite } from '../item-write.js';
import { browseFilters } from '../item-filters.js';
import { DEFAULT_PAGE } from '../items.js';
import type { FileFacts, IndexStore, ItemInput, ItemWrite, LibraryItem } from '../library-store.js';
import { filterSql } from './pg-search.js';
import { SPACES, type PgSpace, type PgStore, vectorFromBinary, vectorTable, vectorText } from './pg-store.js';

/**
 * The library's items on PostgreSQL, as the index job and the web tier use them: the same
 * promises as the SQLite store's (`IndexStore`), the same rows (the tables mirror SQLite's).
 * Every write records its items in the change sequence inside its own transaction, so other
 * processes on the database learn of it when, and only when, it commits.
 */
export class PgItems implements IndexStore {
  private readonly store: PgStore;
  /** The spaces' models as last read; a model set by another process is read again on a miss. */
  private models = new Map<Space, PgSpace>();

  constructor(store: PgStore) {
    this.store = store;
  }

  async spaceModels(): Promise<Map<Space, PgSpace>> {
    this.models = new Map((await this.store.spaces()).map((space) => [space.name, space]));
    return this.models;
  }

  /**
   * Declares which model fills a space, as the SQLite store does: another model makes the
   * space's vectors stale (a new generation), other dimensions a new table. The space's HNSW
   * index is made with it and grows with each write.
   */
  async setSpaceModel(space: Space, modelId: string, dims: number): Promise<{ changed: boolean }> {
    const current = (await this.spaceModels()).get(space);
    if (current && current.modelId === modelId && current.dims === dims) return { changed: false };
    if (current && current.dims !== dims) await this.store.pool.query(`DROP TABLE IF EXISTS ${vectorTable(space)}`);
    await this.store.putSpace({ name: space, modelId, dims, generation: (current?.generation ?? 0) + 1, updatedAt: Date.now() });
    await this.store.indexSpace(space);
    await this.spaceModels();
    return { changed: true };
  }

  async addRoot(rootPath: string): Promise<number> {
    if (!rootPath) throw badInput('A library folder path must not be empty.');
    await this.store.pool.query('INSERT INTO roots (path, added_at) VALUES ($1, $2) ON CONFLICT (path) DO NOTHING', [rootPath, Date.now()]);
    const { rows } = await this.store.pool.query<{ id: string }>('SELECT id FROM roots WHERE path = $1', [rootPath]);
    return Number(rows[0]?.id);
  }

  async roots(): Promise<RootStatus[]> {
    const { rows } = await this.store.pool.query<{ id: string; path: string; online: string; items: string }>(
      'SELECT r.id, r.path, r.online, (SELECT count(*) FROM items i WHERE i.root_id = r.id) AS items FROM roots r ORDER BY r.path',
    );
    return rows.map((r) => ({ id: Number(r.id), path: r.path, online: Number(r.online) === 1, items: Number(r.items) }));
  }

  async setRootOnline(rootId: number, online: boolean): Promise<number> {
    return this.store.transaction(async (client) => {
      await client.query('UPDATE roots SET online = $1 WHERE id = $2', [online ? 1 : 0, rootId]);
      if (online) return 0;
      const { rows } = await client.query<{ id: string }>("UPDATE items SET status = 'offline', updated_at = $1 WHERE root_id = $2 AND status = 'ok' RETURNING id", [Date.now(), rootId]);
      await this.store.noteChanges(client, rows.map((r) => Number(r.id)));
      return rows.length;
    });
  }

  async rootItems(rootId: number, spaces: readonly Space[]): Promise<LibraryItem[]> {
    return this.libraryItems('i.root_id = $1', [rootId], spaces);
  }

  async completeItemsWithHash(hash: string, spaces: readonly Space[]): Promise<LibraryItem[]> {
    return (await this.libraryItems("i.content_hash = $1 AND i.status <> 'error'", [hash], spaces)).filter((item) => item.complete);
  }

  async readVectors(space: Space, itemIds: Iterable<number>): Promise<Map<number, Float32Array>> {
    const model = this.models.get(space) ?? (await this.spaceModels()).get(space);
    const out = new Map<number, Float32Array>();
    const ids = [...itemIds];
    if (!model || ids.length === 0) return out;
    const { rows } = await this.store.pool.query<{ item_id: string; embedding: Buffer }>(
      `SELECT item_id, vector_send(embedding) AS embedding FROM ${vectorTable(space)} WHERE item_id = ANY($1::bigint[]) AND generation = $2`,
      [ids, model.generation],
    );
    for (const row of rows) out.set(Number(row.item_id), vectorFromBinary(row.embedding));
    return out;
  }

  /** Items and their vectors in one transaction (all or nothing), every vector checked first. */
  async writeItems(writes: readonly ItemWrite[]): Promise<number[]> {
    let models = this.models;
    if (writes.some((write) => Object.keys(write.vectors ?? {}).some((space) => !models.has(space as Space)))) models = await this.spaceModels();
    const prepared = writes.map((write, index) => prepareItemWrite(write, index, models));
    return this.store.transaction(async (client) => {
      const ids: number[] = [];
      for (const { item, vectors, replace } of prepared) {
        const id = await upsertItem(client, item);
        ids.push(id);
        // An item that cannot be read has no valid vectors: old ones would mislead search.
        const keep = item.status === 'error' ? [] : replace ? [...vectors.keys()] : null;
        if (keep) for (const space of models.keys()) if (!keep.includes(space)) await client.query(`DELETE FROM ${vectorTable(space)} WHERE item_id = $1`, [id]);
        for (const [space, vector] of vectors) {
          await client.query(
            `INSERT INTO ${vectorTable(space)} (item_id, generation, embedding) VALUES ($1, $2, $3::vector)
             ON CONFLICT (item_id) DO UPDATE SET generation = excluded.generation, embedding = excluded.embedding`,
            [id, (models.get(space) as PgSpace).generation, vectorText(vector)],
          );
        }
      }
      await this.store.noteChanges(client, ids);
      return ids;
    });
  }

  /** Removes items; their vectors, labels and album places go with them (the schema cascades). */
  async removeItems(itemIds: readonly number[]): Promise<number> {
    if (itemIds.length === 0) return 0;
    return this.store.transaction(async (client) => {
      const { rowCount } = await client.query('DELETE FROM items WHERE id = ANY($1::bigint[])', [[...itemIds]]);
      await this.store.noteChanges(client, itemIds);
      return rowCount ?? 0;
    });
  }

  async moveItem(itemId: number, to: FileFacts & { path: string; rootId: number }): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(
        `UPDATE items SET path = $1, path_bytes = $2, root_id = $3, size = $4, mtime_ms = $5, ctime_ms = $6, device = $7,
           status = 'ok', error = NULL, updated_at = $8 WHERE id = $9`,
        [to.path, to.pathBytes ? Buffer.from(to.pathBytes) : null, to.rootId, to.size, to.mtimeMs, to.ctimeMs, to.device, Date.now(), itemId],
      );
      await this.store.noteChanges(client, [itemId]);
    });
  }

  async touchItem(itemId: number, facts: FileFacts): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(
        `UPDATE items SET size = $1, mtime_ms = $2, ctime_ms = $3, device = $4,
           status = CASE status WHEN 'offline' THEN 'ok' ELSE status END WHERE id = $5`,
        [facts.size, facts.mtimeMs, facts.ctimeMs, facts.device, itemId],
      );
      await this.store.noteChanges(client, [itemId]);
    });
  }

  async setItemsStatus(itemIds: readonly number[], status: 'ok' | 'offline'): Promise<number> {
    if (itemIds.length === 0) return 0;
    return this.store.transaction(async (client) => {
      const { rows } = await client.query<{ id: string }>('UPDATE items SET status = $1, updated_at = $2 WHERE status = $3 AND id = ANY($4::bigint[]) RETURNING id', [
        status,
        Date.now(),
        status === 'ok' ? 'offline' : 'ok',
        [...itemIds],
      ]);
      await this.store.noteChanges(
        client,
        rows.map((r) => Number(r.id)),
      );
      return rows.length;
    });
  }

  async setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.store.pool.query(
      `INSERT INTO picture_hashes (content_hash, hashes) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (content_hash) DO UPDATE SET hashes = excluded.hashes`,
      [entries.map((e) => e.contentHash), entries.map((e) => e.hashes.join(''))],
    );
  }

  // ---- reads for the web tier --------------------------------------------------------------

  async counts(): Promise<{ total: number; byKind: Record<ItemKind, number>; byStatus: Record<ItemStatus, number>; readable: Record<ItemKind, number> }> {
    const { rows } = await this.store.pool.query<{ kind: ItemKind; status: ItemStatus; n: string }>('SELECT kind, status, count(*) AS n FROM items GROUP BY kind, status');
    const byKind: Record<ItemKind, number> = { photo: 0, product: 0 };
    const byStatus: Record<ItemStatus, number> = { ok: 0, error: 0, offline: 0 };
    const readable: Record<ItemKind, number> = { photo: 0, product: 0 };
    for (const { kind, status, n } of rows) {
      byKind[kind] += Number(n);
      byStatus[status] += Number(n);
      if (status !== 'error') readable[kind] += Number(n);
    }
    return { total: byKind.photo + byKind.product, byKind, byStatus, readable };
  }

  /** Every reason items failed for, with how many, most common first. */
  async errorGroups(): Promise<ErrorGroup[]> {
    const { rows } = await this.store.pool.query<{ reason: string; count: string }>(
      "SELECT coalesce(error, 'unknown error') AS reason, count(*) AS count FROM items WHERE status = 'error' GROUP BY 1 ORDER BY 2 DESC, 1",
    );
    return rows.map((r) => ({ reason: r.reason, count: Number(r.count) }));
  }

  /** One page of failed items, newest first, of one reason or of all (as the SQLite store pages them). */
  async errorPage(page: { reason?: string; offset: number; limit: number }): Promise<{ total: number; errors: ItemError[] }> {
    const where = `status = 'error'${page.reason === undefined ? '' : " AND coalesce(error, 'unknown error') = $1"}`;
    const params = page.reason === undefined ? [] : [page.reason];
    const [count, rows] = await Promise.all([
      this.store.pool.query<{ n: string }>(`SELECT count(*) AS n FROM items WHERE ${where}`, params),
      this.store.pool.query<{ id: string; path: string | null; reason: string }>(
        `SELECT id, path, coalesce(error, 'unknown error') AS reason FROM items WHERE ${where}
         ORDER BY updated_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, page.limit, page.offset],
      ),
    ]);
    return { total: Number(count.rows[0]?.n ?? 0), errors: rows.rows.map((r) => ({ id: Number(r.id), path: r.path, reason: r.reason })) };
  }

  /** The paths of a library folder's items that could be read (what the grid shows, so what its folder tree counts). */
  async rootItemPaths(rootId: number): Promise<string[]> {
    const { rows } = await this.store.pool.query<{ path: string }>("SELECT path FROM items WHERE root_id = $1 AND status <> 'error' AND path IS NOT NULL", [rootId]);
    return rows.map((r) => r.path);
  }

  /** Each catalog's products and what its last import could not read. */
  async catalogStatuses(): Promise<CatalogStatus[]> {
    const { rows } = await this.store.pool.query<{ name: string; file: string; imported_at: string | null; unreadable: number; problems: number; products: string }>(
      `SELECT c.name, c.file, nullif(c.imported_at, 0) AS imported_at,
         coalesce(json_array_length(c.summary::json -> 'unreadable'), 0) AS unreadable,
         coalesce(json_array_length(c.summary::json -> 'problems'), 0) AS problems,
         (SELECT count(*) FROM items i WHERE i.kind = 'product' AND i.catalog = c.name) AS products
       FROM catalogs c ORDER BY c.name`,
    );
    return rows.map((r) => ({ name: r.name, file: r.file, importedAt: numberOrNull(r.imported_at), unreadable: r.unreadable, problems: r.problems, products: Number(r.products) }));
  }

  /** Vectors per space, current and stale. */
  async vectorCounts(): Promise<Map<Space, { vectors: number; stale: number }>> {
    const out = new Map<Space, { vectors: number; stale: number }>();
    for (const model of (await this.spaceModels()).values()) {
      const { rows } = await this.store.pool.query<{ fresh: string; stale: string }>(
        `SELECT count(*) FILTER (WHERE generation = $1) AS fresh, count(*) FILTER (WHERE generation <> $1) AS stale FROM ${vectorTable(model.name)}`,
        [model.generation],
      );
      out.set(model.name, { vectors: Number(rows[0]?.fresh ?? 0), stale: Number(rows[0]?.stale ?? 0) });
    }
    return out;
  }

  async itemDetail(id: number): Promise<ItemDetail | undefined> {
    const { rows } = await this.store.pool.query<ItemDetailRow>(
      `SELECT i.id, i.kind, coalesce(i.path, i.picture) AS path, i.title, i.status, coalesce(i.error, i.picture_error) AS error,
         coalesce(i.taken_at, i.mtime_ms) AS taken_at, i.width, i.height, i.size, i.catalog, i.attributes, r.path AS root
       FROM items i LEFT JOIN roots r ON r.id = i.root_id WHERE i.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const labels = await this.store.pool.query<{ label_set: string; label: string; confidence: number }>(
      'SELECT label_set, label, confidence FROM labels WHERE item_id = $1 ORDER BY confidence DESC, label',
      [id],
    );
    const spaces: Space[] = [];
    for (const model of (await this.spaceModels()).values()) {
      const found = await this.store.pool.query(`SELECT 1 FROM ${vectorTable(model.name)} WHERE item_id = $1 AND generation = $2`, [id, model.generation]);
      if (found.rows.length > 0) spaces.push(model.name);
    }
    spaces.sort((a, b) => SPACES.indexOf(a) - SPACES.indexOf(b));
    return {
      id: Number(row.id),
      kind: row.kind,
      path: row.path,
      title: row.title,
      status: row.status,
      error: row.error,
      takenAt: numberOrNull(row.taken_at),
      width: numberOrNull(row.width),
      height: numberOrNull(row.height),
      sizeBytes: numberOrNull(row.size),
      root: row.kind === 'photo' ? row.root : null,
      catalog: row.catalog,
      labels: labels.rows.map((l) => ({ set: l.label_set, label: l.label, confidence: l.confidence })),
      fields: row.attributes ? (JSON.parse(row.attributes) as ItemDetail['fields']) : {},
      spaces,
    };
  }

  /** The library without a query, a page at a time, newest first or by name, as the SQLite store pages it. */
  async browse(request: BrowseRequest): Promise<BrowseResponse> {
    const { where, params } = browseFilter(request);
    const offset = request.offset ?? 0;
    const limit = request.limit ?? DEFAULT_PAGE;
    const byDate = 'coalesce(taken_at, mtime_ms, created_at) DESC, id DESC';
    const count = await this.store.pool.query<{ n: string }>(`SELECT count(*) AS n FROM items ${where}`, params);
    const at = params.length;
    // One tag: the surest first (the highest confidence any set gave it).
    const byLabel = request.label !== undefined && request.sort !== 'name';
    const confidence = `(SELECT max(confidence) FROM labels l WHERE l.item_id = items.id AND l.label = $${at + 3})`;
    const order = byLabel ? `confidence DESC NULLS LAST, ${byDate}` : request.sort === 'name' ? 'lower(coalesce(title, path)), id' : byDate;
    const { rows } = await this.store.pool.query<{ id: string; kind: ItemKind; path: string | null; title: string | null; key: string | null; status: ItemStatus; taken_at: string | null; confidence: number | null }>(
      `SELECT id, kind, coalesce(path, picture) AS path, title, catalog_key AS key, status, coalesce(taken_at, mtime_ms, created_at) AS taken_at,
         ${byLabel ? confidence : 'NULL::double precision'} AS confidence
       FROM items ${where} ORDER BY ${order} LIMIT $${at + 1} OFFSET $${at + 2}`,
      [...params, limit, offset, ...(byLabel ? [request.label] : [])],
    );
    return {
      total: Number(count.rows[0]?.n ?? 0),
      offset,
      // As the SQLite store answers: a tag's page says how sure, the others when.
      items: rows.map(({ id, kind, path: file, title, key, status, taken_at, confidence: sure }) => ({
        id: Number(id),
        kind,
        path: file,
        title,
        key,
        status,
        ...(byLabel ? (sure !== null ? { confidence: sure } : {}) : taken_at !== null ? { takenAt: Number(taken_at) } : {}),
      })),
    };
  }

  /** Items that pass search filters, newest first (a query of filters only: `album:Trip`, `kind:photo after:2024`). */
  async listItems(filters: SearchFilters, limit: number): Promise<{ total: number; items: SearchHit[] }> {
    const { where, params } = filterSql(filters);
    const clause = where ? `WHERE ${where}` : '';
    const count = await this.store.pool.query<{ n: string }>(`SELECT count(*) AS n FROM items ${clause}`, params);
    const { rows } = await this.store.pool.query<{ id: string; kind: ItemKind; path: string | null; title: string | null; key: string | null; status: ItemStatus }>(
      `SELECT id, kind, coalesce(path, picture) AS path, title, catalog_key AS key, status FROM items ${clause}
       ORDER BY coalesce(taken_at, mtime_ms, created_at) DESC, id DESC LIMIT $${params.length + 1}`,
      [...params, limit],
    );
    return { total: Number(count.rows[0]?.n ?? 0), items: rows.map((r) => ({ id: Number(r.id), kind: r.kind, path: r.path, title: r.title, key: r.key, status: r.status, score: 0, breakdown: {} })) };
  }

  /** The months of what browse lists, newest first, in `timeZone` (the person's), each with where it starts in the date order. */
  async timeline(request: BrowseRequest, timeZone: string): Promise<TimelineResponse> {
    const { where, params } = browseFilter(request);
    const { rows } = await this.store.pool.query<{ month: string; count: string }>(
      `SELECT to_char(to_timestamp(coalesce(taken_at, mtime_ms, created_at) / 1000.0) AT TIME ZONE $${params.length + 1}, 'YYYY-MM') AS month, count(*) AS count
       FROM items ${where} GROUP BY month ORDER BY month DESC`,
      [...params, timeZone],
    );
    let offset = 0;
    const months = rows.map(({ month, count }) => {
      const entry = { month, count: Number(count), offset };
      offset += Number(count);
      return entry;
    });
    return { total: offset, months };
  }

  /** When each item was taken (EXIF date, else file time, else when it was added), for "newest first". */
  async takenTimes(ids: readonly number[]): Promise<Map<number, number>> {
    const { rows } = await this.store.pool.query<{ id: string; t: string }>('SELECT id, coalesce(taken_at, mtime_ms, created_at) AS t FROM items WHERE id = ANY($1::bigint[])', [[...ids]]);
    return new Map(rows.map((r) => [Number(r.id), Number(r.t)]));
  }

  /** Makes failed photos be read again by the next index (it reads a file whose size and time it does not know); how many, and their folders. */
  async retryErrors(itemIds: readonly number[] | null): Promise<{ count: number; rootIds: number[] }> {
    const chosen = itemIds === null ? '' : ' AND id = ANY($1::bigint[])';
    const params = itemIds === null ? [] : [[...itemIds]];
    return this.store.transaction(async (client) => {
      const { rows } = await client.query<{ root_id: string }>(`SELECT DISTINCT root_id FROM items WHERE status = 'error' AND kind = 'photo' AND root_id IS NOT NULL${chosen}`, params);
      const { rowCount } = await client.query(`UPDATE items SET mtime_ms = NULL, size = NULL WHERE status = 'error' AND kind = 'photo'${chosen}`, params);
      return { count: rowCount ?? 0, rootIds: rows.map((r) => Number(r.root_id)) };
    });
  }

  /** The content hash of an item (its thumbnail's name), if it has one. */
  async contentHash(id: number): Promise<string | undefined> {
    const { rows } = await this.store.pool.query<{ content_hash: string | null }>('SELECT content_hash FROM items WHERE id = $1', [id]);
    return rows[0]?.content_hash ?? undefined;
  }

  private async libraryItems(where: string, params: unknown[], spaces: readonly Space[]): Promise<LibraryItem[]> {
    const models = await this.spaceModels();
    // Complete: a vector of the space's current generation in every space asked about.
    const fresh = spaces.map((space) => {
      const model = models.get(space);
      return model ? `(EXISTS (SELECT 1 FROM ${vectorTable(space)} v WHERE v.item_id = i.id AND v.generation = ${Math.trunc(model.generation)}))::int` : '0';
    });
    const { rows } = await this.store.pool.query<LibraryItemRow>(
      `SELECT i.id, i.path, i.path_bytes, i.size, i.mtime_ms, i.ctime_ms, i.device, i.content_hash, i.status,
         ${fresh.length > 0 ? fresh.join(' + ') : '0'} AS fresh
       FROM items i WHERE ${where} ORDER BY i.id`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      path: r.path,
      pathBytes: r.path_bytes ? new Uint8Array(r.path_bytes) : null,
      size: numberOrNull(r.size),
      mtimeMs: numberOrNull(r.mtime_ms),
      ctimeMs: numberOrNull(r.ctime_ms),
      device: numberOrNull(r.device),
      contentHash: r.content_hash,
      status: r.status,
      complete: Number(r.fresh) === spaces.length,
    }));
  }
}

interface LibraryItemRow {
  id: string;
  path: string | null;
  path_bytes: Buffer | null;
  size: string | null;
  mtime_ms: string | null;
  ctime_ms: string | null;
  device: string | null;
  content_hash: string | null;
  status: ItemStatus;
  fresh: number | string;
}

interface ItemDetailRow {
  id: string;
  kind: ItemKind;
  path: string | null;
  title: string | null;
  status: ItemStatus;
  error: string | null;
  taken_at: string | null;
  width: string | null;
  height: string | null;
  size: string | null;
  catalog: string | null;
  attributes: string | null;
  root: string | null;
}

/** Browse's request as the search filters' SQL (product conditions are refused there, in words). */
function browseFilter(request: BrowseRequest): { where: string; params: unknown[] } {
  const { where, params } = filterSql(browseFilters(request));
  return { where: where ? `WHERE ${where}` : '', params };
}

const numberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

/** Inserts an item, or updates the one with its path (photos) or catalog key (products), as the SQLite store does. */
async function upsertItem(client: pg.PoolClient, item: ItemInput): Promise<number> {
  const now = Date.now();
  const values = [
    item.kind,
    item.rootId ?? null,
    item.path ?? null,
    item.catalogKey ?? null,
    item.contentHash ?? null,
    item.size ?? null,
    item.mtimeMs ?? null,
    item.ctimeMs ?? null,
    item.device ?? null,
    item.pathBytes ? Buffer.from(item.pathBytes) : null,
    item.width ?? null,
    item.height ?? null,
    item.takenAt ?? null,
    item.title ?? null,
    item.attributes ? JSON.stringify(item.attributes) : null,
    item.roles ? JSON.stringify(item.roles) : null,
    item.caption ?? null,
    item.catalog ?? null,
    item.catalogFolder ?? null,
    item.rowId ?? null,
    item.rowHash ?? null,
    item.picture ?? null,
    item.pictureError ?? null,
    item.status ?? 'ok',
    item.error ?? null,
    now,
  ];
  const columns = `kind, root_id, path, catalog_key, content_hash, size, mtime_ms, ctime_ms, device, path_bytes, width, height, taken_at, title,
    attributes, roles, caption, catalog, catalog_folder, row_id, row_hash, picture, picture_error, status, error`;
  const existing = await client.query<{ id: string }>(item.path ? 'SELECT id FROM items WHERE path = $1' : 'SELECT id FROM items WHERE catalog_key = $1', [item.path ?? item.catalogKey]);
  const id = existing.rows[0]?.id;
  if (id !== undefined) {
    const sets = columns.split(',').map((column, i) => `${column.trim()} = $${i + 1}`);
    await client.query(`UPDATE items SET ${sets.join(', ')}, updated_at = $26 WHERE id = $27`, [...values, id]);
    return Number(id);
  }
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO items (${columns}, created_at, updated_at) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}, $26) RETURNING id`,
    values,
  );
  return Number(rows[0]?.id);
}
