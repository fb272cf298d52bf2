import path from 'node:path';
import { SPACES, type BrowseRequest, type BrowseResponse, type ItemDetail, type ItemSummary, type LabelSetSummary, type Space } from '../../../preload/contract.js';
import { BOOKKEEPING_ATTRIBUTES } from '../catalog/import-catalog.js';
import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';

const DEFAULT_PAGE = 200;

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
  attributes: string | null;
}

/** One item in full: file facts, tags with confidence, product fields, spaces with vectors. */
export function itemDetail(store: Store, id: number): ItemDetail {
  const row = store.db
    .prepare(
      `SELECT i.id, i.kind, i.path, i.title, i.status, i.error, coalesce(i.taken_at, i.mtime_ms) AS takenAt,
              i.width, i.height, i.size, r.path AS root, i.attributes
       FROM items i LEFT JOIN roots r ON r.id = i.root_id WHERE i.id = ?`,
    )
    .get(id) as DetailRow | undefined;
  if (!row) throw notFound(`No item with id ${id}.`);
  const attributes = row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {};
  const fields: ItemDetail['fields'] = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (BOOKKEEPING_ATTRIBUTES.has(key)) continue;
    fields[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null ? null : JSON.stringify(value);
  }
  const labels = store.db
    .prepare('SELECT label_set AS "set", label, confidence FROM labels WHERE item_id = ? ORDER BY confidence DESC, label')
    .all(id) as ItemDetail['labels'];
  const spaces = (
    store.db
      .prepare(
        `SELECT iv.space FROM item_vectors iv JOIN spaces s ON s.name = iv.space AND s.generation = iv.generation
         WHERE iv.item_id = ?`,
      )
      .pluck()
      .all(id) as Space[]
  ).sort((a, b) => SPACES.indexOf(a) - SPACES.indexOf(b));
  const imageError = typeof attributes.imageError === 'string' ? attributes.imageError : null;
  return {
    id: row.id,
    kind: row.kind,
    path: row.path ?? (typeof attributes.image === 'string' ? attributes.image : null),
    title: row.title,
    status: row.status,
    error: row.error ?? imageError,
    takenAt: row.kind === 'photo' ? row.takenAt : null,
    width: row.width,
    height: row.height,
    sizeBytes: row.size,
    root: row.root,
    catalog: typeof attributes.catalog === 'string' ? attributes.catalog : null,
    labels,
    fields,
    spaces,
  };
}

/** The library without a query, a page at a time, so a grid of 100k items asks only for what it shows. */
export function browseItems(store: Store, request: BrowseRequest): BrowseResponse {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (request.kinds) {
    clauses.push('kind IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(request.kinds));
  }
  if (request.statuses) {
    clauses.push('status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(request.statuses));
  }
  if (request.folder) {
    // substr, not LIKE: paths may hold % and _.
    const folder = path.resolve(request.folder) + path.sep;
    clauses.push('substr(path, 1, length(?)) = ?');
    params.push(folder, folder);
  }
  if (request.label) {
    clauses.push('id IN (SELECT item_id FROM labels WHERE label = ?)');
    params.push(request.label);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const order = request.sort === 'name' ? 'coalesce(title, path) COLLATE NOCASE, id' : 'coalesce(taken_at, mtime_ms, created_at) DESC, id DESC';
  const offset = request.offset ?? 0;
  const limit = request.limit ?? DEFAULT_PAGE;
  const total = store.db.prepare(`SELECT count(*) FROM items ${where}`).pluck().get(...params) as number;
  const items = store.db
    .prepare(
      `SELECT id, kind, coalesce(path, json_extract(attributes, '$.image')) AS path, title, status
       FROM items ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as ItemSummary[];
  return { total, offset, items };
}

/** Each applied label set with its tags and how many items carry each. */
export function labelSets(store: Store): LabelSetSummary[] {
  const rows = store.db
    .prepare(
      `SELECT label_set AS name, label, count(*) AS items FROM labels
       WHERE label_set <> '' GROUP BY label_set, label ORDER BY label_set, items DESC, label`,
    )
    .all() as { name: string; label: string; items: number }[];
  const sets = new Map<string, LabelSetSummary>();
  for (const row of rows) {
    const set = sets.get(row.name) ?? { name: row.name, labels: [] };
    set.labels.push({ label: row.label, items: row.items });
    sets.set(row.name, set);
  }
  return [...sets.values()];
}
