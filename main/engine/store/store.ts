import fs from 'node:fs';
import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import {
  ITEM_KINDS,
  ITEM_STATUSES,
  SPACES,
  type ItemError,
  type ItemKind,
  type ItemStatus,
  type RootStatus,
  type SearchFilters,
  type Space,
  type SpaceStatus,
} from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import { toUnitVector } from '../vector/unit-vector.js';
import { openDatabase, schemaVersion, type OpenOptions } from './open-database.js';
import {
  createVectorTable,
  dropVectorTable,
  fromBlob,
  readVectorChunks,
  rebuildVectorTable,
  toBlob,
  vectorSlots,
  vectorTable,
  vectorTableExists,
} from './vector-tables.js';

/** Library items with the number of their current vectors among the spaces in @spaces. */
const LIBRARY_ITEMS = `SELECT i.id, i.path, i.size, i.mtime_ms AS mtimeMs, i.content_hash AS contentHash, i.status,
    (SELECT count(*) FROM item_vectors iv JOIN spaces s ON s.name = iv.space AND s.generation = iv.generation
     WHERE iv.item_id = i.id AND iv.space IN (SELECT value FROM json_each(@spaces))) AS fresh
  FROM items i`;

/** Empty vector slots worth a rebuild of a space's table (and more than the live ones). */
const COMPACT_MIN_WASTE = 4096;

export interface ItemInput {
  kind: ItemKind;
  /** Photos: the absolute file path (unique). */
  path?: string | null;
  /** Products: "<catalog>:<row id>" (unique). */
  catalogKey?: string | null;
  rootId?: number | null;
  contentHash?: string | null;
  size?: number | null;
  mtimeMs?: number | null;
  width?: number | null;
  height?: number | null;
  takenAt?: number | null;
  title?: string | null;
  attributes?: Record<string, unknown> | null;
  status?: ItemStatus;
  error?: string | null;
}

/** An item and the vectors to store with it; spaces left out keep the vectors they had. */
export interface ItemWrite {
  item: ItemInput;
  vectors?: Partial<Record<Space, ArrayLike<number>>>;
  /** Drop the item's vectors in the spaces `vectors` leaves out (a product that lost its image). */
  replaceVectors?: boolean;
}

export interface SpaceModel {
  space: Space;
  modelId: string;
  dims: number;
  generation: number;
}

export interface LibraryItem {
  id: number;
  path: string | null;
  size: number | null;
  mtimeMs: number | null;
  contentHash: string | null;
  status: ItemStatus;
  /** Has current vectors in every space asked about. */
  complete: boolean;
}

export interface ItemRow {
  id: number;
  kind: ItemKind;
  /** A photo's file, or a product's picture (null for a product without one). */
  path: string | null;
  catalogKey: string | null;
  title: string | null;
  status: ItemStatus;
}

/** What a committed write changed, for in-memory indexes that mirror the vectors. */
export type StoreChange =
  | { type: 'vectors'; itemId: number; vectors: ReadonlyMap<Space, Float32Array> }
  | { type: 'removed'; itemIds: readonly number[] }
  | { type: 'space-reset'; space: Space };

type ChangeListener = (change: StoreChange) => void;

/**
 * The database behind the engine: items, their vectors per space, roots and labels.
 *
 * One Store is the one writer of its file. Every write is one transaction (an item and all
 * its vectors together), and listeners hear of it only after it committed.
 */
export class Store {
  readonly db: Database;
  readonly file: string;
  private readonly listeners = new Set<ChangeListener>();
  private readonly statements = new Map<string, Statement>();
  private spaceModels = new Map<Space, SpaceModel>();

  private constructor(db: Database, file: string) {
    this.db = db;
    this.file = file;
    this.reloadSpaceModels();
  }

  static open(file: string, options?: OpenOptions): Store {
    return new Store(openDatabase(file, options), file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes whenever another connection commits; lets mirrors notice writes they did not see. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  // ---- spaces -------------------------------------------------------------------------

  spaceModel(space: Space): SpaceModel | undefined {
    return this.spaceModels.get(space);
  }

  /**
   * Declares which model fills a space. A different model makes the space's existing
   * vectors stale (out of search, counted as stale until re-embedded), so two models'
   * vectors are never mixed. A model with other dimensions needs a new vec0 table: the old
   * vectors are dropped then, and their items still count as stale.
   */
  setSpaceModel(space: Space, modelId: string, dims: number): { changed: boolean; droppedVectors: number } {
    vectorTable(space);
    if (!modelId.trim()) throw badInput('A model id must not be empty.');
    if (!Number.isInteger(dims) || dims <= 0 || dims > 65536) {
      throw badInput(`Dimensions of ${space} must be a whole number from 1 to 65536, got ${dims}.`);
    }
    const current = this.spaceModels.get(space);
    if (current && current.modelId === modelId && current.dims === dims) return { changed: false, droppedVectors: 0 };

    let droppedVectors = 0;
    this.db
      .transaction(() => {
        const now = Date.now();
        if (!current || current.dims !== dims || !vectorTableExists(this.db, space)) {
          droppedVectors = this.db.prepare('SELECT count(*) FROM item_vectors WHERE space = ?').pluck().get(space) as number;
          dropVectorTable(this.db, space);
          createVectorTable(this.db, space, dims);
        }
        this.db
          .prepare(
            `INSERT INTO spaces (name, model_id, dims, generation, updated_at) VALUES (?, ?, ?, 1, ?)
             ON CONFLICT (name) DO UPDATE SET model_id = excluded.model_id, dims = excluded.dims,
               generation = generation + 1, updated_at = excluded.updated_at`,
          )
          .run(space, modelId, dims, now);
      })
      .immediate();
    this.statements.clear(); // statements on a dropped vec0 table are invalid now
    this.reloadSpaceModels();
    this.emit({ type: 'space-reset', space });
    return { changed: true, droppedVectors };
  }

  private reloadSpaceModels(): void {
    const rows = this.db.prepare('SELECT name, model_id, dims, generation FROM spaces').all() as {
      name: Space;
      model_id: string;
      dims: number;
      generation: number;
    }[];
    this.spaceModels = new Map(
      rows.map((r) => [r.name, { space: r.name, modelId: r.model_id, dims: r.dims, generation: r.generation }]),
    );
  }

  // ---- items --------------------------------------------------------------------------

  /** Writes one item and its vectors in one transaction; returns the item id. */
  writeItem(write: ItemWrite): number {
    return this.writeItems([write])[0] as number;
  }

  /**
   * Writes items and their vectors in one transaction (all or nothing). Every vector is
   * checked before anything is written, so bad input never leaves half a batch behind.
   */
  writeItems(writes: readonly ItemWrite[]): number[] {
    const prepared = writes.map((write, index) => ({ ...this.prepareWrite(write, index), replace: write.replaceVectors === true }));
    const changes: StoreChange[] = [];
    const ids = this.db
      .transaction(() =>
        prepared.map(({ item, vectors, replace }) => {
          const id = this.upsertItemRow(item);
          if (replace) {
            const kept = JSON.stringify([...vectors.keys()]);
            const dropped = this.stmt('DELETE FROM item_vectors WHERE item_id = ? AND space NOT IN (SELECT value FROM json_each(?))').run(id, kept);
            if (dropped.changes > 0) changes.push({ type: 'removed', itemIds: [id] });
          }
          if (item.status === 'error') {
            // An item that cannot be read has no valid vectors: old ones would mislead search.
            if (this.stmt('DELETE FROM item_vectors WHERE item_id = ?').run(id).changes > 0) changes.push({ type: 'removed', itemIds: [id] });
          }
          for (const [space, unit] of vectors) {
            const model = this.spaceModels.get(space) as SpaceModel;
            this.stmt('DELETE FROM item_vectors WHERE item_id = ? AND space = ?').run(id, space);
            this.stmt(`INSERT INTO ${vectorTable(space)} (rowid, embedding) VALUES (?, ?)`).run(BigInt(id), toBlob(unit));
            this.stmt('INSERT INTO item_vectors (item_id, space, generation) VALUES (?, ?, ?)').run(
              id,
              space,
              model.generation,
            );
          }
          if (vectors.size > 0) changes.push({ type: 'vectors', itemId: id, vectors });
          return id;
        }),
      )
      .immediate();
    for (const change of changes) this.emit(change);
    return ids;
  }

  private prepareWrite(write: ItemWrite, index: number): { item: ItemInput; vectors: Map<Space, Float32Array> } {
    const { item } = write;
    const where = writes(index, item);
    if (!ITEM_KINDS.includes(item.kind)) throw badInput(`${where}: kind must be photo or product.`);
    if (!item.path && !item.catalogKey) throw badInput(`${where}: needs a path or a catalog key.`);
    if (item.status !== undefined && !ITEM_STATUSES.includes(item.status)) {
      throw badInput(`${where}: status must be one of ${ITEM_STATUSES.join(', ')}.`);
    }
    const vectors = new Map<Space, Float32Array>();
    for (const [space, vector] of Object.entries(write.vectors ?? {}) as [Space, ArrayLike<number>][]) {
      if (!SPACES.includes(space)) throw badInput(`${where}: unknown space "${space}".`);
      const model = this.spaceModels.get(space);
      if (!model) throw badInput(`${where}: the ${space} space has no model yet, so it cannot hold vectors.`);
      vectors.set(space, toUnitVector(vector, model.dims, `${where}, ${space} vector`));
    }
    return { item, vectors };
  }

  private upsertItemRow(item: ItemInput): number {
    const now = Date.now();
    const values = {
      kind: item.kind,
      root_id: item.rootId ?? null,
      path: item.path ?? null,
      catalog_key: item.catalogKey ?? null,
      content_hash: item.contentHash ?? null,
      size: item.size ?? null,
      mtime_ms: item.mtimeMs ?? null,
      width: item.width ?? null,
      height: item.height ?? null,
      taken_at: item.takenAt ?? null,
      title: item.title ?? null,
      attributes: item.attributes ? JSON.stringify(item.attributes) : null,
      status: item.status ?? 'ok',
      error: item.error ?? null,
      now,
    };
    const existing = (
      item.path
        ? this.stmt('SELECT id FROM items WHERE path = ?').pluck().get(item.path)
        : this.stmt('SELECT id FROM items WHERE catalog_key = ?').pluck().get(item.catalogKey)
    ) as number | undefined;
    if (existing !== undefined) {
      this.stmt(
        `UPDATE items SET kind = @kind, root_id = @root_id, path = @path, catalog_key = @catalog_key,
           content_hash = @content_hash, size = @size, mtime_ms = @mtime_ms, width = @width,
           height = @height, taken_at = @taken_at, title = @title, attributes = @attributes,
           status = @status, error = @error, updated_at = @now
         WHERE id = @id`,
      ).run({ ...values, id: existing });
      return existing;
    }
    const result = this.stmt(
      `INSERT INTO items (kind, root_id, path, catalog_key, content_hash, size, mtime_ms, width,
         height, taken_at, title, attributes, status, error, created_at, updated_at)
       VALUES (@kind, @root_id, @path, @catalog_key, @content_hash, @size, @mtime_ms, @width,
         @height, @taken_at, @title, @attributes, @status, @error, @now, @now)`,
    ).run(values);
    return Number(result.lastInsertRowid);
  }

  /**
   * Removes items with their vectors and labels (the schema cascades). When removals have
   * left a space's vector table more than half empty, it is rebuilt to give the room back.
   */
  removeItems(itemIds: readonly number[]): number {
    if (itemIds.length === 0) return 0;
    const removed = this.db
      .transaction(() => itemIds.reduce((n, id) => n + this.stmt('DELETE FROM items WHERE id = ?').run(id).changes, 0))
      .immediate();
    this.emit({ type: 'removed', itemIds: [...itemIds] });
    for (const { space, dims } of this.spaceModels.values()) {
      const { slots, live } = vectorSlots(this.db, space);
      if (slots - live > Math.max(COMPACT_MIN_WASTE, live)) this.compactVectors(space, dims);
    }
    return removed;
  }

  /** Rebuilds one space's vector table with its live vectors only (same ids, same values). */
  compactVectors(space: Space, dims: number): void {
    this.db.transaction(() => rebuildVectorTable(this.db, space, dims)).immediate();
    this.statements.clear(); // statements on the old vec0 table are invalid now
  }

  getItems(itemIds: readonly number[]): Map<number, ItemRow> {
    const rows = this.stmt(
      `SELECT id, kind, coalesce(path, json_extract(attributes, '$.image')) AS path, catalog_key AS catalogKey, title, status
       FROM items WHERE id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(itemIds)) as ItemRow[];
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Product rows of a catalog: id, catalog key and the hash of the row they were made from. */
  catalogItems(catalog: string): Map<string, { id: number; rowHash: string | null }> {
    const prefix = `${catalog}:`;
    const rows = this.stmt(
      `SELECT id, catalog_key AS key, json_extract(attributes, '$.rowHash') AS rowHash FROM items
       WHERE catalog_key IS NOT NULL AND substr(catalog_key, 1, length(?)) = ?`,
    ).all(prefix, prefix) as { id: number; key: string; rowHash: string | null }[];
    return new Map(rows.map((r) => [r.key, { id: r.id, rowHash: r.rowHash }]));
  }

  itemIdByCatalogKey(key: string): number | undefined {
    return this.stmt('SELECT id FROM items WHERE catalog_key = ?').pluck().get(key) as number | undefined;
  }

  /** Catalog keys ending in ":<row id>", for a product named by its row id alone. */
  catalogKeysForRowId(rowId: string): string[] {
    return this.stmt("SELECT catalog_key FROM items WHERE catalog_key IS NOT NULL AND catalog_key LIKE '%:' || ? ESCAPE '\\'")
      .pluck()
      .all(rowId.replace(/[%_\\]/g, (c) => `\\${c}`)) as string[];
  }

  /** Ids of the items that pass every given filter (each filter is an any-of list). */
  filterItemIds(filters: SearchFilters): number[] {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const anyOf = (column: string, values: readonly (string | number)[] | undefined): void => {
      if (!values) return;
      clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(values));
    };
    anyOf('kind', filters.kinds);
    anyOf('root_id', filters.roots);
    anyOf('status', filters.statuses);
    if (filters.labels) {
      clauses.push('id IN (SELECT item_id FROM labels WHERE label IN (SELECT value FROM json_each(?)))');
      params.push(JSON.stringify(filters.labels));
    }
    if (filters.folders) {
      // Inside a folder: the path starts with "<folder>/" (substr, not LIKE: paths may hold % and _).
      // items.path is spelled out: json_each has a column called path too.
      const folders = filters.folders.map((f) => (f.endsWith(path.sep) ? f : f + path.sep));
      clauses.push('EXISTS (SELECT 1 FROM json_each(?) f WHERE substr(items.path, 1, length(f.value)) = f.value)');
      params.push(JSON.stringify(folders));
    }
    if (filters.after !== undefined) {
      clauses.push('coalesce(taken_at, mtime_ms) >= ?');
      params.push(filters.after);
    }
    if (filters.before !== undefined) {
      clauses.push('coalesce(taken_at, mtime_ms) <= ?');
      params.push(filters.before);
    }
    for (const { field, op, value } of filters.where ?? []) {
      // Field names reach SQL only as a bound JSON path; strings compare without case.
      const column = "json_extract(attributes, '$.\"' || ? || '\"')";
      const sqlOp = op === '=' ? '=' : op === '!=' ? '<>' : op;
      clauses.push(typeof value === 'string' ? `lower(${column}) ${sqlOp} lower(?)` : `${column} ${sqlOp} ?`);
      params.push(field.replace(/"/g, ''), value);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.db
      .prepare(`SELECT id FROM items ${where}`)
      .pluck()
      .all(...params) as number[];
  }

  // ---- vectors ------------------------------------------------------------------------

  /** The current (not stale) unit vectors of some items in one space; others are absent. */
  readVectors(space: Space, itemIds: Iterable<number>): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    const model = this.spaceModels.get(space);
    if (!model) return out;
    const fresh = this.stmt('SELECT 1 FROM item_vectors WHERE item_id = ? AND space = ? AND generation = ?').pluck();
    const select = this.stmt(`SELECT embedding FROM ${vectorTable(space)} WHERE rowid = ?`).pluck();
    for (const id of itemIds) {
      if (fresh.get(id, space, model.generation) === undefined) continue;
      const blob = select.get(BigInt(id)) as Buffer | undefined;
      if (blob) out.set(id, fromBlob(blob));
    }
    return out;
  }

  /**
   * Calls back with every current (not stale) vector of a space. Reads sqlite-vec's chunk
   * tables directly where their layout is the known one (about 20× faster than a vec0 scan,
   * which matters when a 100k library loads), else through the public vec0 table.
   */
  forEachVector(space: Space, callback: (itemId: number, vector: Float32Array) => void): void {
    const model = this.spaceModels.get(space);
    if (!model) return;
    const fresh = new Set(
      this.stmt('SELECT item_id FROM item_vectors WHERE space = ? AND generation = ?')
        .pluck()
        .all(space, model.generation) as number[],
    );
    const visit = (itemId: number, vector: Float32Array): void => {
      if (fresh.has(itemId)) callback(itemId, vector);
    };
    if (!readVectorChunks(this.db, space, model.dims, visit)) this.scanVectorTable(space, visit);
  }

  /** The slow, public way: one vec0 row at a time. */
  scanVectorTable(space: Space, callback: (itemId: number, vector: Float32Array) => void): void {
    const rows = this.db.prepare(`SELECT rowid, embedding FROM ${vectorTable(space)}`).raw().iterate() as IterableIterator<
      [number, Buffer]
    >;
    for (const [rowid, blob] of rows) callback(rowid, fromBlob(blob));
  }

  // ---- library ------------------------------------------------------------------------

  /** The items of a library folder, with whether each has current vectors in all `spaces`. */
  rootItems(rootId: number, spaces: readonly Space[]): LibraryItem[] {
    return this.libraryItems(`${LIBRARY_ITEMS} WHERE i.root_id = @value`, rootId, spaces);
  }

  /** Items of this content that have current vectors in all `spaces` (to move or copy). */
  completeItemsWithHash(hash: string, spaces: readonly Space[]): LibraryItem[] {
    return this.libraryItems(`${LIBRARY_ITEMS} WHERE i.content_hash = @value AND i.status <> 'error'`, hash, spaces).filter(
      (item) => item.complete,
    );
  }

  private libraryItems(sql: string, value: unknown, spaces: readonly Space[]): LibraryItem[] {
    const rows = this.stmt(sql).all({ spaces: JSON.stringify(spaces), value }) as (Omit<LibraryItem, 'complete'> & { fresh: number })[];
    return rows.map(({ fresh, ...item }) => ({ ...item, complete: fresh === spaces.length }));
  }

  /**
   * A library folder came or went. Gone: its items turn offline (kept, vectors and all).
   * Back: they turn ok again; the next scan re-checks each file by size and time.
   */
  setRootOnline(rootId: number, online: boolean): number {
    return this.db
      .transaction(() => {
        this.stmt('UPDATE roots SET online = ? WHERE id = ?').run(online ? 1 : 0, rootId);
        const [from, to] = online ? ['offline', 'ok'] : ['ok', 'offline'];
        return this.stmt('UPDATE items SET status = ?, updated_at = ? WHERE root_id = ? AND status = ?').run(to, Date.now(), rootId, from)
          .changes;
      })
      .immediate();
  }

  /** A file was moved or renamed: its item (id, vectors, labels) follows it. */
  moveItem(itemId: number, to: { path: string; rootId: number; size: number; mtimeMs: number }): void {
    this.stmt('UPDATE items SET path = ?, root_id = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?').run(
      to.path,
      to.rootId,
      to.size,
      to.mtimeMs,
      Date.now(),
      itemId,
    );
  }

  /** Same content, new size or time on disk (a touch, a copy back): nothing to re-embed. */
  touchItem(itemId: number, size: number, mtimeMs: number): void {
    this.stmt('UPDATE items SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, itemId);
  }

  itemIdByPath(file: string): number | undefined {
    return this.stmt('SELECT id FROM items WHERE path = ?').pluck().get(file) as number | undefined;
  }

  /** When each item was taken (EXIF date, else file time), for sorting by date. */
  takenTimes(itemIds: readonly number[]): Map<number, number> {
    const rows = this.stmt(
      'SELECT id, coalesce(taken_at, mtime_ms, created_at) AS t FROM items WHERE id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(itemIds)) as { id: number; t: number }[];
    return new Map(rows.map((r) => [r.id, r.t]));
  }

  rootByPath(rootPath: string): RootStatus | undefined {
    return this.roots().find((root) => root.path === rootPath);
  }

  /** Forgets a library folder and its items (the files on disk are not touched). */
  removeRoot(rootId: number): number {
    const ids = this.stmt('SELECT id FROM items WHERE root_id = ?').pluck().all(rootId) as number[];
    this.removeItems(ids);
    return this.stmt('DELETE FROM roots WHERE id = ?').run(rootId).changes;
  }

  // ---- roots and labels ---------------------------------------------------------------

  addRoot(rootPath: string): number {
    if (!rootPath) throw badInput('A library folder path must not be empty.');
    this.stmt('INSERT INTO roots (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING').run(
      rootPath,
      Date.now(),
    );
    return this.stmt('SELECT id FROM roots WHERE path = ?').pluck().get(rootPath) as number;
  }

  /** Replaces the labels one label set gave an item. */
  setLabels(itemId: number, labelSet: string, labels: readonly { label: string; confidence: number }[]): void {
    for (const { label, confidence } of labels) {
      if (!label) throw badInput('A label must not be empty.');
      if (!(confidence >= 0 && confidence <= 1)) throw badInput(`Confidence of "${label}" must lie in [0, 1].`);
    }
    this.db
      .transaction(() => {
        if (this.stmt('SELECT 1 FROM items WHERE id = ?').get(itemId) === undefined) {
          throw notFound(`No item with id ${itemId}.`);
        }
        this.stmt('DELETE FROM labels WHERE item_id = ? AND label_set = ?').run(itemId, labelSet);
        const insert = this.stmt('INSERT INTO labels (item_id, label_set, label, confidence) VALUES (?, ?, ?, ?)');
        for (const { label, confidence } of labels) insert.run(itemId, labelSet, label, confidence);
      })
      .immediate();
  }

  // ---- settings -----------------------------------------------------------------------

  getSetting<T>(key: string): T | undefined {
    const value = this.stmt('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  setSetting(key: string, value: unknown): void {
    this.stmt(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(key, JSON.stringify(value), Date.now());
  }

  // ---- status -------------------------------------------------------------------------

  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  sizeBytes(): number {
    return [this.file, `${this.file}-wal`].reduce((sum, f) => sum + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  }

  roots(): RootStatus[] {
    const rows = this.stmt(
      `SELECT r.id, r.path, r.online, (SELECT count(*) FROM items i WHERE i.root_id = r.id) AS items
       FROM roots r ORDER BY r.path`,
    ).all() as { id: number; path: string; online: number; items: number }[];
    return rows.map((r) => ({ ...r, online: r.online === 1 }));
  }

  countItems(): { total: number; byKind: Record<ItemKind, number>; byStatus: Record<ItemStatus, number> } {
    const byKind = Object.fromEntries(ITEM_KINDS.map((k) => [k, 0])) as Record<ItemKind, number>;
    const byStatus = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>;
    let total = 0;
    const rows = this.stmt('SELECT kind, status, count(*) AS n FROM items GROUP BY kind, status').all() as {
      kind: ItemKind;
      status: ItemStatus;
      n: number;
    }[];
    for (const { kind, status, n } of rows) {
      byKind[kind] += n;
      byStatus[status] += n;
      total += n;
    }
    return { total, byKind, byStatus };
  }

  spaces(): SpaceStatus[] {
    return SPACES.map((space) => {
      const model = this.spaceModels.get(space);
      if (!model) return { space, model: null, dims: null, vectors: 0, stale: 0 };
      const { fresh, stale } = this.stmt(
        `SELECT coalesce(sum(generation = @g), 0) AS fresh, coalesce(sum(generation <> @g), 0) AS stale
         FROM item_vectors WHERE space = @space`,
      ).get({ g: model.generation, space }) as { fresh: number; stale: number };
      return { space, model: model.modelId, dims: model.dims, vectors: fresh, stale };
    });
  }

  /** Whether a space holds any current vector (an index lookup, unlike counting them). */
  hasVectors(space: Space): boolean {
    const model = this.spaceModels.get(space);
    if (!model) return false;
    return this.stmt('SELECT 1 FROM item_vectors WHERE space = ? AND generation = ? LIMIT 1').get(space, model.generation) !== undefined;
  }

  recentErrors(limit = 100): ItemError[] {
    return this.stmt(
      `SELECT id, path, coalesce(error, 'unknown error') AS reason FROM items
       WHERE status = 'error' ORDER BY updated_at DESC, id DESC LIMIT ?`,
    ).all(limit) as ItemError[];
  }

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

function writes(index: number, item: ItemInput): string {
  return `Item ${index + 1} (${item.path ?? item.catalogKey ?? 'no path'})`;
}
