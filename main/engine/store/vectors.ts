import { SPACES, type Space, type SpaceStatus } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { Connection } from './connection.js';
import type { SpaceModel } from './library-store.js';
import {
  createVectorTable,
  dropVectorTable,
  fromBlob,
  readVectorChunks,
  readVectorsByChunk,
  toBlob,
  vectorTable,
  vectorTableExists,
} from './vector-tables.js';

/** Ids worth the bulk path of readVectors (one freshness query, whole chunks). */
const BULK_READ_MIN = 256;

export function loadSpaceModels(sql: Connection): Map<Space, SpaceModel> {
  const rows = sql.db.prepare('SELECT name, model_id, dims, generation FROM spaces').all() as { name: Space; model_id: string; dims: number; generation: number }[];
  return new Map(rows.map((r) => [r.name, { space: r.name, modelId: r.model_id, dims: r.dims, generation: r.generation }]));
}

/**
 * Records which model fills a space, in one transaction. A different model bumps the
 * generation (older vectors turn stale); other dimensions need a new vec0 table, so the old
 * vectors are dropped then. Returns how many vectors were dropped.
 */
export function writeSpaceModel(sql: Connection, current: SpaceModel | undefined, space: Space, modelId: string, dims: number): number {
  vectorTable(space);
  if (!modelId.trim()) throw badInput('A model id must not be empty.');
  if (!Number.isInteger(dims) || dims <= 0 || dims > 65536) throw badInput(`Dimensions of ${space} must be a whole number from 1 to 65536, got ${dims}.`);
  let dropped = 0;
  sql.write(() => {
    if (!current || current.dims !== dims || !vectorTableExists(sql.db, space)) {
      dropped = sql.db.prepare('SELECT count(*) FROM item_vectors WHERE space = ?').pluck().get(space) as number;
      dropVectorTable(sql.db, space);
      createVectorTable(sql.db, space, dims);
    }
    sql.db
      .prepare(
        `INSERT INTO spaces (name, model_id, dims, generation, updated_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (name) DO UPDATE SET model_id = excluded.model_id, dims = excluded.dims,
           generation = generation + 1, updated_at = excluded.updated_at`,
      )
      .run(space, modelId, dims, Date.now());
  });
  sql.forgetStatements(); // statements on a dropped vec0 table are invalid now
  return dropped;
}

/** Replaces one item's vector in a space (inside the caller's transaction). */
export function putVector(sql: Connection, itemId: number, space: Space, generation: number, unit: Float32Array): void {
  sql.stmt('DELETE FROM item_vectors WHERE item_id = ? AND space = ?').run(itemId, space);
  sql.stmt(`INSERT INTO ${vectorTable(space)} (rowid, embedding) VALUES (?, ?)`).run(BigInt(itemId), toBlob(unit));
  sql.stmt('INSERT INTO item_vectors (item_id, space, generation) VALUES (?, ?, ?)').run(itemId, space, generation);
}

/** Drops an item's vectors, all of them or those outside `keep`; true when any went. */
export function dropVectors(sql: Connection, itemId: number, keep?: readonly Space[]): boolean {
  if (!keep) return sql.stmt('DELETE FROM item_vectors WHERE item_id = ?').run(itemId).changes > 0;
  return sql.stmt('DELETE FROM item_vectors WHERE item_id = ? AND space NOT IN (SELECT value FROM json_each(?))').run(itemId, JSON.stringify(keep)).changes > 0;
}

/** The current (not stale) unit vectors of some items in one space; others are absent. */
export function readVectors(sql: Connection, model: SpaceModel | undefined, itemIds: Iterable<number>): Map<number, Float32Array> {
  const out = new Map<number, Float32Array>();
  if (!model) return out;
  const ids = [...itemIds];
  let left: Iterable<number> = ids;
  if (ids.length >= BULK_READ_MIN) {
    // Many ids (a replay of the change log): one query for freshness, whole chunks for vectors.
    const fresh = sql
      .stmt('SELECT item_id FROM item_vectors WHERE space = ? AND generation = ? AND item_id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(model.space, model.generation, JSON.stringify(ids)) as number[];
    const read = readVectorsByChunk(sql.db, model.space, model.dims, fresh);
    for (const [id, vector] of read.found) out.set(id, vector);
    left = read.left;
    const select = sql.stmt(`SELECT embedding FROM ${vectorTable(model.space)} WHERE rowid = ?`).pluck();
    for (const id of left) {
      const blob = select.get(BigInt(id)) as Buffer | undefined;
      if (blob) out.set(id, fromBlob(blob));
    }
    return out;
  }
  const fresh = sql.stmt('SELECT 1 FROM item_vectors WHERE item_id = ? AND space = ? AND generation = ?').pluck();
  const select = sql.stmt(`SELECT embedding FROM ${vectorTable(model.space)} WHERE rowid = ?`).pluck();
  for (const id of left) {
    if (fresh.get(id, model.space, model.generation) === undefined) continue;
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
export function forEachVector(sql: Connection, model: SpaceModel | undefined, callback: (itemId: number, vector: Float32Array) => void): void {
  if (!model) return;
  const fresh = new Set(sql.stmt('SELECT item_id FROM item_vectors WHERE space = ? AND generation = ?').pluck().all(model.space, model.generation) as number[]);
  const visit = (itemId: number, vector: Float32Array): void => {
    if (fresh.has(itemId)) callback(itemId, vector);
  };
  if (!readVectorChunks(sql.db, model.space, model.dims, visit)) scanVectorTable(sql, model.space, visit);
}

/** The slow, public way: one vec0 row at a time. */
export function scanVectorTable(sql: Connection, space: Space, callback: (itemId: number, vector: Float32Array) => void): void {
  const rows = sql.db.prepare(`SELECT rowid, embedding FROM ${vectorTable(space)}`).raw().iterate() as IterableIterator<[number, Buffer]>;
  for (const [rowid, blob] of rows) callback(rowid, fromBlob(blob));
}

export function spaceStatuses(sql: Connection, models: ReadonlyMap<Space, SpaceModel>): SpaceStatus[] {
  return SPACES.map((space) => {
    const model = models.get(space);
    if (!model) return { space, model: null, dims: null, vectors: 0, stale: 0 };
    const { fresh, stale } = sql
      .stmt(
        `SELECT coalesce(sum(generation = @g), 0) AS fresh, coalesce(sum(generation <> @g), 0) AS stale
         FROM item_vectors WHERE space = @space`,
      )
      .get({ g: model.generation, space }) as { fresh: number; stale: number };
    return { space, model: model.modelId, dims: model.dims, vectors: fresh, stale };
  });
}

/** Whether a space holds any current vector (an index lookup, unlike counting them). */
export function hasVectors(sql: Connection, model: SpaceModel | undefined): boolean {
  if (!model) return false;
  return sql.stmt('SELECT 1 FROM item_vectors WHERE space = ? AND generation = ? LIMIT 1').get(model.space, model.generation) !== undefined;
}
