import type { Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';
import { createVectorTable, fromBlob, readVectorsByChunk, toBlob, vectorTable, vectorTableExists } from './vector-tables.js';

/**
 * What `store copy` reads of a SQLite library (and writes into one, at the end of this file): its tables a page at a time in key order (so a
 * copy resumes after the last key it wrote), its vectors with their generations, and every
 * table's row count (what a copy does not carry is named, never dropped silently).
 */

/** The tables a copy carries, parents before children, with their keys. */
export const CARRIED_TABLES: readonly { name: string; key: readonly string[] }[] = [
  { name: 'roots', key: ['id'] },
  { name: 'items', key: ['id'] },
  { name: 'spaces', key: ['name'] },
  { name: 'labels', key: ['item_id', 'label_set', 'label'] },
  { name: 'label_sets', key: ['name'] },
  { name: 'settings', key: ['key'] },
  { name: 'albums', key: ['id'] },
  { name: 'album_items', key: ['album_id', 'item_id'] },
  { name: 'catalogs', key: ['name'] },
  { name: 'picture_hashes', key: ['content_hash'] },
];

/** Kept in step with the tables above and the vectors, or the SQLite search index's own log and state: nothing to copy. */
const BOOKKEEPING = new Set(['item_vectors', 'sqlite_sequence', 'vector_log', 'index_state', 'copies_in_progress']);

export interface TablePage {
  columns: string[];
  rows: unknown[][];
}

export function tableColumns(sql: Connection, table: string): string[] {
  return (sql.db.prepare(`PRAGMA table_info(${quoteName(table)})`).all() as { name: string }[]).map((c) => c.name);
}

/** Up to `limit` rows of a table after the key `after` (all from the first when null), in key order. */
export function readTableAfter(sql: Connection, table: string, key: readonly string[], after: readonly unknown[] | null, limit: number): TablePage {
  const columns = tableColumns(sql, table);
  const keyList = key.map(quoteName).join(', ');
  const where = after ? `WHERE (${keyList}) > (${key.map(() => '?').join(', ')})` : '';
  const rows = sql
    .stmt(`SELECT * FROM ${quoteName(table)} ${where} ORDER BY ${keyList} LIMIT ?`)
    .raw()
    .all(...(after ?? []), limit) as unknown[][];
  return { columns, rows };
}

/** Up to `limit` of a space's vectors after item `after`, in item order, with the generation of the model that made each. */
export function readVectorsAfter(sql: Connection, space: Space, dims: number, after: number, limit: number): { itemId: number; generation: number; vector: Float32Array }[] {
  const page = sql.stmt('SELECT item_id, generation FROM item_vectors WHERE space = ? AND item_id > ? ORDER BY item_id LIMIT ?').raw().all(space, after, limit) as [number, number][];
  const { found, left } = readVectorsByChunk(sql.db, space, dims, page.map(([id]) => id));
  const one = sql.stmt(`SELECT embedding FROM ${vectorTable(space)} WHERE rowid = ?`).pluck();
  for (const id of left) {
    const blob = one.get(BigInt(id)) as Buffer | undefined;
    if (blob) found.set(id, fromBlob(blob));
  }
  return page.flatMap(([itemId, generation]) => {
    const vector = found.get(itemId);
    return vector ? [{ itemId, generation, vector }] : [];
  });
}

/** Rows in every table of the library that a copy does not carry (vec0's and FTS's own tables aside). */
export function uncarriedCounts(sql: Connection): Map<string, number> {
  const carried = new Set([...CARRIED_TABLES.map((t) => t.name), ...BOOKKEEPING]);
  const tables = sql.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string | null }[];
  const virtual = tables.filter((t) => /CREATE VIRTUAL TABLE/i.test(t.sql ?? '')).map((t) => t.name);
  const counts = new Map<string, number>();
  for (const { name } of tables) {
    if (carried.has(name) || name.startsWith('vec_') || virtual.some((v) => name === v || name.startsWith(`${v}_`))) continue;
    const n = sql.db.prepare(`SELECT count(*) FROM ${quoteName(name)}`).pluck().get() as number;
    if (n > 0) counts.set(name, n);
  }
  return counts;
}

export function countRows(sql: Connection, table: string): number {
  return sql.db.prepare(`SELECT count(*) FROM ${quoteName(table)}`).pluck().get() as number;
}

const quoteName = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`not a table or column name: ${name}`);
  return `"${name}"`;
};

/**
 * The other way: rows written into this library by a copy from another store, each batch in
 * one transaction with where the copy stands (`copies_in_progress`, migration 20).
 */
export function writeCopiedRows(sql: Connection, table: string, columns: readonly string[], rows: readonly unknown[][], progress: CopyPosition): void {
  sql.write(() => {
    if (rows.length > 0) {
      const insert = sql.stmt(`INSERT INTO ${quoteName(table)} (${columns.map(quoteName).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const row of rows) insert.run(...row);
    }
    saveCopyPosition(sql, table, progress);
  });
}

/** Vectors copied into this library (the space's vec0 table made first, if it is not there). */
export function writeCopiedVectors(sql: Connection, space: Space, dims: number, rows: readonly { itemId: number; generation: number; vector: Float32Array }[], progress: CopyPosition): void {
  sql.write(() => {
    if (!vectorTableExists(sql.db, space)) {
      createVectorTable(sql.db, space, dims);
      sql.forgetStatements();
    }
    const vector = sql.stmt(`INSERT INTO ${vectorTable(space)} (rowid, embedding) VALUES (?, ?)`);
    const row = sql.stmt('INSERT INTO item_vectors (item_id, space, generation) VALUES (?, ?, ?)');
    for (const r of rows) {
      vector.run(BigInt(r.itemId), toBlob(r.vector));
      row.run(r.itemId, space, r.generation);
    }
    saveCopyPosition(sql, vectorTable(space), progress);
  });
}

export interface CopyPosition {
  source: string;
  lastKey: string | null;
  done: boolean;
}

function saveCopyPosition(sql: Connection, table: string, { source, lastKey, done }: CopyPosition): void {
  sql
    .stmt('INSERT INTO copies_in_progress (source, table_name, last_key, done) VALUES (?, ?, ?, ?) ON CONFLICT (source, table_name) DO UPDATE SET last_key = excluded.last_key, done = excluded.done')
    .run(source, table, lastKey, done ? 1 : 0);
}

export function copyPositions(sql: Connection, source: string): Map<string, { lastKey: string | null; done: boolean }> {
  const rows = sql.stmt('SELECT table_name, last_key, done FROM copies_in_progress WHERE source = ?').all(source) as { table_name: string; last_key: string | null; done: number }[];
  return new Map(rows.map((r) => [r.table_name, { lastKey: r.last_key, done: r.done === 1 }]));
}

export function otherCopySources(sql: Connection, source: string): string[] {
  return sql.stmt('SELECT DISTINCT source FROM copies_in_progress WHERE source <> ?').pluck().all(source) as string[];
}

export function finishCopy(sql: Connection, source: string): void {
  sql.stmt('DELETE FROM copies_in_progress WHERE source = ?').run(source);
}
