import {
  ITEM_KINDS,
  ITEM_STATUSES,
  SPACES,
  type BrowseRequest,
  type BrowseResponse,
  type ItemDetail,
  type ItemError,
  type ItemKind,
  type ItemStatus,
  type ItemSummary,
  type SearchFilters,
  type Space,
  type TimelineResponse,
} from '../../../preload/contract.js';
import { notFound } from '../errors.js';
import type { Connection } from './connection.js';
import { browseFilters, filterClause } from './item-filters.js';
import type { ErrorGroup, ItemCounts, ItemInput, ItemRow, PictureRecord } from './library-store.js';

export const DEFAULT_PAGE = 200;

/** Inserts or updates the item with this path (photos) or catalog key (products); returns its id. */
export function upsertItem(sql: Connection, item: ItemInput): number {
  const now = Date.now();
  const values = {
    kind: item.kind,
    root_id: item.rootId ?? null,
    path: item.path ?? null,
    catalog_key: item.catalogKey ?? null,
    content_hash: item.contentHash ?? null,
    size: item.size ?? null,
    mtime_ms: item.mtimeMs ?? null,
    ctime_ms: item.ctimeMs ?? null,
    device: item.device ?? null,
    path_bytes: item.pathBytes ?? null,
    width: item.width ?? null,
    height: item.height ?? null,
    taken_at: item.takenAt ?? null,
    title: item.title ?? null,
    attributes: item.attributes ? JSON.stringify(item.attributes) : null,
    roles: item.roles ? JSON.stringify(item.roles) : null,
    caption: item.caption ?? null,
    catalog: item.catalog ?? null,
    catalog_folder: item.catalogFolder ?? null,
    row_id: item.rowId ?? null,
    row_hash: item.rowHash ?? null,
    picture: item.picture ?? null,
    picture_error: item.pictureError ?? null,
    status: item.status ?? 'ok',
    error: item.error ?? null,
    now,
  };
  const existing = (
    item.path
      ? sql.stmt('SELECT id FROM items WHERE path = ?').pluck().get(item.path)
      : sql.stmt('SELECT id FROM items WHERE catalog_key = ?').pluck().get(item.catalogKey)
  ) as number | undefined;
  if (existing !== undefined) {
    sql
      .stmt(
        `UPDATE items SET kind = @kind, root_id = @root_id, path = @path, catalog_key = @catalog_key,
           content_hash = @content_hash, size = @size, mtime_ms = @mtime_ms, ctime_ms = @ctime_ms,
           device = @device, path_bytes = @path_bytes, width = @width,
           height = @height, taken_at = @taken_at, title = @title, attributes = @attributes, roles = @roles,
           caption = @caption, catalog = @catalog, catalog_folder = @catalog_folder, row_id = @row_id,
           row_hash = @row_hash, picture = @picture, picture_error = @picture_error,
           status = @status, error = @error, updated_at = @now
         WHERE id = @id`,
      )
      .run({ ...values, id: existing });
    return existing;
  }
  const result = sql
    .stmt(
      `INSERT INTO items (kind, root_id, path, catalog_key, content_hash, size, mtime_ms, ctime_ms, device, path_bytes, width,
         height, taken_at, title, attributes, roles, caption, catalog, catalog_folder, row_id, row_hash,
         picture, picture_error, status, error, created_at, updated_at)
       VALUES (@kind, @root_id, @path, @catalog_key, @content_hash, @size, @mtime_ms, @ctime_ms, @device, @path_bytes, @width,
         @height, @taken_at, @title, @attributes, @roles, @caption, @catalog, @catalog_folder, @row_id, @row_hash,
         @picture, @picture_error, @status, @error, @now, @now)`,
    )
    .run(values);
  return Number(result.lastInsertRowid);
}

/** Deletes items; their vectors and labels go with them (the schema cascades). */
export function deleteItems(sql: Connection, itemIds: readonly number[]): number {
  const remove = sql.stmt('DELETE FROM items WHERE id = ?');
  return itemIds.reduce((n, id) => n + remove.run(id).changes, 0);
}

export function getItems(sql: Connection, itemIds: readonly number[]): Map<number, ItemRow> {
  const rows = sql
    .stmt(
      `SELECT id, kind, coalesce(path, picture) AS path, catalog_key AS catalogKey, title, status
       FROM items WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(itemIds)) as ItemRow[];
  return new Map(rows.map((row) => [row.id, row]));
}

export function itemIdByPath(sql: Connection, file: string): number | undefined {
  return sql.stmt('SELECT id FROM items WHERE path = ?').pluck().get(file) as number | undefined;
}

export function itemIdByCatalogKey(sql: Connection, key: string): number | undefined {
  return sql.stmt('SELECT id FROM items WHERE catalog_key = ?').pluck().get(key) as number | undefined;
}

/** Catalog keys ending in ":<row id>", for a product named by its row id alone. */
export function catalogKeysForRowId(sql: Connection, rowId: string): string[] {
  return sql
    .stmt("SELECT catalog_key FROM items WHERE catalog_key IS NOT NULL AND catalog_key LIKE '%:' || ? ESCAPE '\\'")
    .pluck()
    .all(rowId.replace(/[%_\\]/g, (c) => `\\${c}`)) as string[];
}

/** Product rows of a catalog: id, catalog key and the hash of the row they were made from. */
export function catalogItems(sql: Connection, catalog: string): Map<string, { id: number; rowHash: string | null }> {
  const prefix = `${catalog}:`;
  const rows = sql
    .stmt(
      `SELECT id, catalog_key AS key, row_hash AS rowHash FROM items
       WHERE catalog_key IS NOT NULL AND substr(catalog_key, 1, length(?)) = ?`,
    )
    .all(prefix, prefix) as { id: number; key: string; rowHash: string | null }[];
  return new Map(rows.map((r) => [r.key, { id: r.id, rowHash: r.rowHash }]));
}

/** Ids of the items that pass every given filter (each filter is an any-of list). */
export function filterItemIds(sql: Connection, filters: SearchFilters): number[] {
  const { where, params } = filterClause(filters);
  return sql
    .stmt(`SELECT id FROM items ${where}`)
    .pluck()
    .all(...params) as number[];
}

/** Items that pass the filters, newest first (EXIF date, else file time), a page at a time, and how many pass. */
export function listItems(sql: Connection, filters: SearchFilters, page: { offset: number; limit: number }): { total: number; items: ItemRow[] } {
  const { where, params } = filterClause(filters);
  const total = sql
    .stmt(`SELECT count(*) FROM items ${where}`)
    .pluck()
    .get(...params) as number;
  const rows = sql
    .stmt(
      `SELECT id, kind, coalesce(path, picture) AS path, catalog_key AS catalogKey, title, status FROM items ${where}
       ORDER BY coalesce(taken_at, mtime_ms, created_at) DESC, id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, page.limit, page.offset) as ItemRow[];
  return { total, items: rows };
}

/** When each item was taken (EXIF date, else file time), for sorting by date. */
export function takenTimes(sql: Connection, itemIds: readonly number[]): Map<number, number> {
  const rows = sql
    .stmt('SELECT id, coalesce(taken_at, mtime_ms, created_at) AS t FROM items WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(itemIds)) as { id: number; t: number }[];
  return new Map(rows.map((r) => [r.id, r.t]));
}

export function countItems(sql: Connection): ItemCounts {
  const byKind = Object.fromEntries(ITEM_KINDS.map((k) => [k, 0])) as Record<ItemKind, number>;
  const byStatus = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
  const readable = Object.fromEntries(ITEM_KINDS.map((k) => [k, 0])) as Record<ItemKind, number>;
  let total = 0;
  const rows = sql.stmt('SELECT kind, status, count(*) AS n FROM items GROUP BY kind, status').all() as { kind: ItemKind; status: ItemStatus; n: number }[];
  for (const { kind, status, n } of rows) {
    byKind[kind] += n;
    byStatus[status] += n;
    if (status !== 'error') readable[kind] += n;
    total += n;
  }
  return { total, byKind, byStatus, readable };
}

export function recentErrors(sql: Connection, limit: number): ItemError[] {
  return errorPage(sql, { offset: 0, limit }).errors;
}

/** Failed items by reason, most common first. */
export function errorGroups(sql: Connection): ErrorGroup[] {
  return sql
    .stmt(
      `SELECT coalesce(error, 'unknown error') AS reason, count(*) AS count FROM items
       WHERE status = 'error' GROUP BY 1 ORDER BY 2 DESC, 1`,
    )
    .all() as ErrorGroup[];
}

/** One page of failed items, newest first, of one reason or of all. */
export function errorPage(sql: Connection, page: { reason?: string; offset: number; limit: number }): { total: number; errors: ItemError[] } {
  const where = `status = 'error'${page.reason === undefined ? '' : " AND coalesce(error, 'unknown error') = @reason"}`;
  const params = { reason: page.reason ?? null, offset: page.offset, limit: page.limit };
  const total = sql.stmt(`SELECT count(*) FROM items WHERE ${where}`).pluck().get(params) as number;
  const errors = sql
    .stmt(
      `SELECT id, path, coalesce(error, 'unknown error') AS reason FROM items
       WHERE ${where} ORDER BY updated_at DESC, id DESC LIMIT @limit OFFSET @offset`,
    )
    .all(params) as ItemError[];
  return { total, errors };
}

/**
 * Failed photos are read again by the next index: forgetting their size and time makes the
 * scan see them as changed. Returns the folders they are in (root ids), to index them.
 */
export function retryErrors(sql: Connection, itemIds: readonly number[] | null): { count: number; rootIds: number[] } {
  return sql.write(() => {
    const chosen = itemIds === null ? '' : ' AND id IN (SELECT value FROM json_each(@ids))';
    const params = { ids: JSON.stringify(itemIds ?? []) };
    const rootIds = sql
      .stmt(`SELECT DISTINCT root_id FROM items WHERE status = 'error' AND kind = 'photo' AND root_id IS NOT NULL${chosen}`)
      .pluck()
      .all(params) as number[];
    const count = sql.stmt(`UPDATE items SET mtime_ms = NULL, size = NULL WHERE status = 'error' AND kind = 'photo'${chosen}`).run(params).changes;
    return { count, rootIds };
  });
}

export function picture(sql: Connection, itemId: number): PictureRecord | undefined {
  return sql
    .stmt('SELECT kind, coalesce(path, picture) AS file, content_hash AS contentHash, catalog_folder AS catalogFolder FROM items WHERE id = ?')
    .get(itemId) as PictureRecord | undefined;
}

interface DetailRow {
  id: number;
  kind: ItemDetail['kind'];
  path: string | null;
  title: string | null;
  status: ItemDetail['status'];
  error: string | null;
  takenAt: number | null;
  width: number | null;
  height: number | null;
  size: number | null;
  root: string | null;
  catalog: string | null;
  attributes: string | null;
}

/** One item in full: file facts, tags with confidence, product fields, spaces with vectors. */
export function itemDetail(sql: Connection, id: number): ItemDetail {
  const row = sql
    .stmt(
      `SELECT i.id, i.kind, coalesce(i.path, i.picture) AS path, i.title, i.status, coalesce(i.error, i.picture_error) AS error,
              coalesce(i.taken_at, i.mtime_ms) AS takenAt, i.width, i.height, i.size, r.path AS root, i.catalog, i.attributes
       FROM items i LEFT JOIN roots r ON r.id = i.root_id WHERE i.id = ?`,
    )
    .get(id) as DetailRow | undefined;
  if (!row) throw notFound(`No item with id ${id}.`);
  const attributes = row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {};
  const fields: ItemDetail['fields'] = {};
  for (const [key, value] of Object.entries(attributes)) {
    fields[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null ? null : JSON.stringify(value);
  }
  const labels = sql
    .stmt('SELECT label_set AS "set", label, confidence FROM labels WHERE item_id = ? ORDER BY confidence DESC, label')
    .all(id) as ItemDetail['labels'];
  const spaces = (
    sql
      .stmt(
        `SELECT iv.space FROM item_vectors iv JOIN spaces s ON s.name = iv.space AND s.generation = iv.generation
         WHERE iv.item_id = ?`,
      )
      .pluck()
      .all(id) as Space[]
  ).sort((a, b) => SPACES.indexOf(a) - SPACES.indexOf(b));
  return {
    id: row.id,
    kind: row.kind,
    path: row.path,
    title: row.title,
    status: row.status,
    error: row.error,
    takenAt: row.kind === 'photo' ? row.takenAt : null,
    width: row.width,
    height: row.height,
    sizeBytes: row.size,
    root: row.root,
    catalog: row.catalog,
    labels,
    fields,
    spaces,
  };
}

function browseClause(request: BrowseRequest): { where: string; params: (string | number)[] } {
  return filterClause(browseFilters(request));
}

/**
 * The library's months, newest first, with how many items each holds and where each starts in
 * the date order browse pages through: a scrubber jumps to any month with one page request.
 * Months are local time, as people remember them (EXIF date, else file time).
 */
export function timeline(sql: Connection, request: BrowseRequest): TimelineResponse {
  const { where, params } = browseClause(request);
  const rows = sql
    .stmt(
      `SELECT strftime('%Y-%m', coalesce(taken_at, mtime_ms, created_at) / 1000, 'unixepoch', 'localtime') AS month, count(*) AS count
       FROM items ${where} GROUP BY month ORDER BY month DESC`,
    )
    .all(...params) as { month: string; count: number }[];
  let offset = 0;
  const months = rows.map(({ month, count }) => {
    const entry = { month, count, offset };
    offset += count;
    return entry;
  });
  return { total: offset, months };
}

/** The library without a query, a page at a time, so a grid of 100k items asks only for what it shows. */
export function browse(sql: Connection, request: BrowseRequest): BrowseResponse {
  const { where, params } = browseClause(request);
  const byDate = 'coalesce(taken_at, mtime_ms, created_at) DESC, id DESC';
  const offset = request.offset ?? 0;
  const limit = request.limit ?? DEFAULT_PAGE;
  const total = sql
    .stmt(`SELECT count(*) FROM items ${where}`)
    .pluck()
    .get(...params) as number;
  if (request.label && request.sort !== 'name') {
    // One tag: the surest first, with how sure (the highest of the sets that gave it).
    const rows = sql
      .stmt(
        `SELECT id, kind, coalesce(path, picture) AS path, title, catalog_key AS key, status,
           (SELECT max(confidence) FROM labels l WHERE l.item_id = items.id AND l.label = ?) AS confidence
         FROM items ${where} ORDER BY confidence DESC, ${byDate} LIMIT ? OFFSET ?`,
      )
      .all(request.label, ...params, limit, offset) as ItemSummary[];
    return { total, offset, items: rows };
  }
  const order = request.sort === 'name' ? 'coalesce(title, path) COLLATE NOCASE, id' : byDate;
  const items = sql
    .stmt(
      `SELECT id, kind, coalesce(path, picture) AS path, title, catalog_key AS key, status, coalesce(taken_at, mtime_ms, created_at) AS takenAt
       FROM items ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as ItemSummary[];
  return { total, offset, items };
}
