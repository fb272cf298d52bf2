import type { Database } from 'better-sqlite3';
import { SPACES, type Space } from '../../../preload/contract.js';
import { badInput } from '../errors.js';

/**
 * The vec0 table of each space, and the trigger that keeps it in step with item_vectors.
 *
 * sqlite-vec 0.1.x has no ON DELETE CASCADE, no INSERT OR REPLACE and fixed dimensions per
 * table. So item_vectors is the bookkeeping table that foreign keys cascade into, and a
 * trigger on it deletes the vec0 row: removing an item removes its vectors inside the same
 * transaction, whoever removes it.
 */
export function vectorTable(space: Space): string {
  // Names are interpolated into SQL, so only the fixed list is accepted.
  if (!SPACES.includes(space)) throw badInput(`Unknown space "${String(space)}".`);
  return `vec_${space}`;
}

/**
 * Vectors per sqlite-vec chunk. A chunk is one blob, and SQLite reaches a byte inside a blob
 * by walking its overflow pages from the start: with the default 1024 vectors (2-3 MB per
 * chunk) one exact-pass lookup cost ~200 µs on a 100k library, with 64 ~12 µs while the file
 * fits SQLite's 2 GB memory map. Past it (a 1M library is ~8 GB) every page of the walk is a
 * read of its own: 64 vectors (128-196 KB) cost ~150-400 µs a lookup, 8 (16-24 KB, a walk of
 * 4-6 pages) ~22 µs, for the same insert rate and 3% more file. Tables made before keep
 * their size until rebuilt.
 */
export const CHUNK_SIZE = 8;

export function createVectorTable(db: Database, space: Space, dims: number): void {
  if (!Number.isInteger(dims) || dims <= 0) throw badInput(`Dimensions must be a positive integer, got ${dims}.`);
  const table = vectorTable(space);
  db.exec(`
    CREATE VIRTUAL TABLE ${table} USING vec0(embedding float[${dims}] distance_metric=cosine, chunk_size=${CHUNK_SIZE});
    CREATE TRIGGER ${table}_follow_item_vectors AFTER DELETE ON item_vectors
      WHEN old.space = '${space}'
      BEGIN DELETE FROM ${table} WHERE rowid = old.item_id; END;
  `);
}

export function dropVectorTable(db: Database, space: Space): void {
  const table = vectorTable(space);
  // The trigger goes first: deleting item_vectors rows must not touch a table being dropped.
  db.exec(`DROP TRIGGER IF EXISTS ${table}_follow_item_vectors; DROP TABLE IF EXISTS ${table};`);
}

export function vectorTableExists(db: Database, space: Space): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(vectorTable(space)) !==
    undefined
  );
}

/** Vector slots the table's chunks hold, and how many of them hold a live vector. */
export function vectorSlots(db: Database, space: Space): { slots: number; live: number } {
  const table = vectorTable(space);
  return db
    .prepare(
      `SELECT (SELECT coalesce(sum(size), 0) FROM ${table}_chunks) AS slots,
              (SELECT count(*) FROM ${table}_rowids) AS live`,
    )
    .get() as { slots: number; live: number };
}

/**
 * Rebuilds a space's vec0 table with only its live vectors. sqlite-vec frees a chunk only
 * when all its vectors are gone and never refills holes, so a library with churn would
 * otherwise keep growing. Runs inside the caller's transaction.
 */
export function rebuildVectorTable(db: Database, space: Space, dims: number): void {
  const table = vectorTable(space);
  db.exec(`
    CREATE TEMP TABLE semblance_vectors_kept (id INTEGER PRIMARY KEY, embedding BLOB NOT NULL);
    INSERT INTO temp.semblance_vectors_kept (id, embedding) SELECT rowid, embedding FROM ${table};
  `);
  try {
    dropVectorTable(db, space);
    createVectorTable(db, space, dims);
    db.exec(`INSERT INTO ${table} (rowid, embedding) SELECT id, embedding FROM temp.semblance_vectors_kept ORDER BY id`);
  } finally {
    db.exec('DROP TABLE temp.semblance_vectors_kept');
  }
}

/** A float32 vector as the blob sqlite-vec stores. */
export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** A blob from sqlite-vec as an aligned float32 array of its own. */
export function fromBlob(blob: Buffer): Float32Array {
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}

/** A sqlite-vec shadow table's column names, sorted and joined: what its layout is checked by. */
function shadowColumns(db: Database, table: string): string {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).sort().join();
}

interface ChunkRow {
  size: number;
  validity: Buffer;
  rowids: Buffer;
  vectors: Buffer;
}

/**
 * Reads every vector of a space straight from sqlite-vec 0.1.x's shadow tables:
 * `<table>_chunks` (validity bitmap, int64 rowids) and `<table>_vector_chunks00` (float32
 * vectors, `size` per chunk). Returns false, having read nothing, if the layout is not the
 * expected one, so the caller can fall back to the public vec0 scan. A test checks both
 * paths agree, so an upgrade of sqlite-vec cannot change results silently.
 */
export function readVectorChunks(
  db: Database,
  space: Space,
  dims: number,
  callback: (itemId: number, vector: Float32Array) => void,
): boolean {
  const table = vectorTable(space);
  if (shadowColumns(db, `${table}_chunks`) !== 'chunk_id,rowids,size,validity' || shadowColumns(db, `${table}_vector_chunks00`) !== 'rowid,vectors') {
    return false;
  }
  const from = chunkRows(space);
  const malformed = db
    .prepare(
      `SELECT count(*) ${from} WHERE v.vectors IS NULL OR length(c.validity) * 8 < c.size
         OR length(c.rowids) < c.size * 8 OR length(v.vectors) < c.size * ? * 4`,
    )
    .pluck()
    .get(dims) as number;
  if (malformed > 0) return false;
  const chunks = db
    .prepare(`SELECT c.size, c.validity, c.rowids, v.vectors ${from} ORDER BY c.chunk_id`)
    .iterate() as IterableIterator<ChunkRow>;
  for (const chunk of chunks) {
    // Chunk blobs are large, so Node gives each its own aligned memory: view it, no copy.
    const blob = chunk.vectors;
    const vectors =
      blob.byteOffset % 4 === 0 ? new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4) : fromBlob(blob);
    for (let i = 0; i < chunk.size; i++) {
      if (((chunk.validity[i >> 3] as number) & (1 << (i & 7))) === 0) continue;
      const itemId = Number(chunk.rowids.readBigInt64LE(i * 8));
      callback(itemId, vectors.subarray(i * dims, (i + 1) * dims));
    }
  }
  return true;
}

/**
 * sqlite-vec's chunks joined to their vectors. `+c.chunk_id`: the vectors table's key is
 * declared `rowid PRIMARY KEY` with no type, so an INTEGER column compared to it would give
 * the comparison numeric affinity and keep SQLite from its index: every chunk would scan
 * every chunk (quadratic: at 1M vectors of 8 per chunk, hours).
 */
export function chunkRows(space: Space): string {
  const table = vectorTable(space);
  return `FROM ${table}_chunks c LEFT JOIN ${table}_vector_chunks00 v ON v.rowid = +c.chunk_id`;
}

/** Requested vectors in one chunk worth reading the whole chunk blob for, rather than one by one. */
const WHOLE_CHUNK_MIN = 4;

/**
 * Reads many vectors of a space at once, by their chunks: items written together share
 * chunks, so replaying a thousand new items reads a few dozen blobs instead of making a
 * thousand vec0 lookups. Ids whose chunk holds fewer than WHOLE_CHUNK_MIN of them, or any
 * id if the shadow tables' layout is not the known one, are left for the caller's
 * one-by-one path: returns the vectors read and the ids left.
 */
export function readVectorsByChunk(db: Database, space: Space, dims: number, itemIds: readonly number[]): { found: Map<number, Float32Array>; left: number[] } {
  const found = new Map<number, Float32Array>();
  const table = vectorTable(space);
  if (shadowColumns(db, `${table}_rowids`) !== 'chunk_id,chunk_offset,id,rowid' || shadowColumns(db, `${table}_vector_chunks00`) !== 'rowid,vectors') {
    return { found, left: [...itemIds] };
  }
  const located = db
    .prepare(`SELECT rowid, chunk_id, chunk_offset FROM ${table}_rowids WHERE rowid IN (SELECT value FROM json_each(?))`)
    .raw()
    .all(JSON.stringify(itemIds)) as [number, number, number][];
  const byChunk = new Map<number, [number, number][]>();
  for (const [id, chunk, offset] of located) {
    const list = byChunk.get(chunk) ?? [];
    list.push([id, offset]);
    byChunk.set(chunk, list);
  }
  const readChunk = db.prepare(`SELECT vectors FROM ${table}_vector_chunks00 WHERE rowid = ?`).pluck();
  const left = new Set(itemIds);
  for (const [chunk, entries] of byChunk) {
    if (entries.length < WHOLE_CHUNK_MIN) continue;
    const blob = readChunk.get(chunk) as Buffer | undefined;
    if (!blob) continue;
    for (const [id, offset] of entries) {
      const start = offset * dims * 4;
      if (start + dims * 4 > blob.byteLength) continue;
      found.set(id, fromBlob(blob.subarray(start, start + dims * 4)));
      left.delete(id);
    }
  }
  return { found, left: [...left] };
}
