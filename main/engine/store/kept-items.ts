import type { Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';
import type { SpaceModel } from './library-store.js';
import { fromBlob } from './vector-tables.js';
import { putVector } from './vectors.js';

/**
 * Items taken out of the library for a while (a forgotten folder, duplicates set aside), kept
 * so that undo puts them back as they were: the row as JSON (a later column comes back too),
 * their labels and tags, their albums, and their vectors, so nothing is embedded again.
 */
export type Row = Record<string, unknown>;

export interface KeptItem {
  itemId: number;
  item: Row;
  labels: { label_set: string; label: string; confidence: number }[];
  albums: number[];
}

export interface KeptVector {
  space: Space;
  generation: number;
  embedding: Buffer;
}

/** What keeping an item copies: its row, labels and albums. */
export function keptParts(sql: Connection, itemId: number): { item: string; labels: string; albums: string } | undefined {
  const row = sql.stmt('SELECT * FROM items WHERE id = ?').get(itemId) as Row | undefined;
  if (!row) return undefined;
  return {
    item: JSON.stringify(encodeRow(row)),
    labels: JSON.stringify(sql.stmt('SELECT label_set, label, confidence FROM labels WHERE item_id = ?').all(itemId)),
    albums: JSON.stringify(sql.stmt('SELECT album_id FROM album_items WHERE item_id = ?').pluck().all(itemId)),
  };
}

/**
 * Puts a kept item back (its old id when free), with its labels, its albums that still exist
 * and the vectors whose space still has the same model (the next index embeds the others).
 */
export function reinsertItem(sql: Connection, columns: ReadonlySet<string>, kept: KeptItem, vectors: readonly KeptVector[], models: ReadonlyMap<Space, SpaceModel>): number {
  const idFree = sql.stmt('SELECT 1 FROM items WHERE id = ?').get(kept.itemId) === undefined;
  const values: Row = { ...kept.item };
  if (!idFree) delete values.id;
  const names = Object.keys(values).filter((name) => columns.has(name));
  const id = Number(
    sql.db
      .prepare(`INSERT INTO items (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...names.map((name) => values[name])).lastInsertRowid,
  );
  const addLabel = sql.stmt('INSERT OR IGNORE INTO labels (item_id, label_set, label, confidence) VALUES (?, ?, ?, ?)');
  for (const label of kept.labels) addLabel.run(id, label.label_set, label.label, label.confidence);
  const addToAlbum = sql.stmt('INSERT OR IGNORE INTO album_items (album_id, item_id, added_at) SELECT id, ?, ? FROM albums WHERE id = ?');
  for (const albumId of kept.albums) addToAlbum.run(id, Date.now(), albumId);
  for (const vector of vectors) {
    const model = models.get(vector.space);
    if (!model || model.generation !== vector.generation) continue;
    const unit = fromBlob(vector.embedding);
    if (unit.length === model.dims) putVector(sql, id, vector.space, model.generation, unit);
  }
  return id;
}

/** JSON keeps numbers and strings; a blob (a path's raw bytes) goes as hex. */
export function encodeRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Buffer.isBuffer(value) ? { hex: value.toString('hex') } : value]));
}

export function decodeRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value !== null && typeof value === 'object' && typeof (value as { hex?: unknown }).hex === 'string' ? Buffer.from((value as { hex: string }).hex, 'hex') : value,
    ]),
  );
}
