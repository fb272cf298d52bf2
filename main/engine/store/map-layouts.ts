import type { Connection } from './connection.js';

/** A stored 2-D layout (see migration 16). */
export interface MapLayoutRow {
  id: number;
  name: string;
  weights: Record<string, number>;
  /** Per space: the model key and generation the layout was computed from. */
  models: Record<string, { model: string; generation: number }>;
  logSeq: number;
  computedAt: number;
  sampled: number;
  seconds: number;
  mean: Float32Array;
}

export interface MapPointRow {
  itemId: number;
  x: number;
  y: number;
  placed: boolean;
}

interface RawLayout {
  id: number;
  name: string;
  weights: string;
  models: string;
  logSeq: number;
  computedAt: number;
  sampled: number;
  seconds: number;
  mean: Buffer;
}

const floats = (blob: Buffer): Float32Array => new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const blobOf = (vector: Float32Array): Buffer => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

export function mapLayout(sql: Connection, name: string): MapLayoutRow | undefined {
  const row = sql
    .stmt('SELECT id, name, weights, models, log_seq AS logSeq, computed_at AS computedAt, sampled, seconds, mean FROM map_layouts WHERE name = ?')
    .get(name) as RawLayout | undefined;
  return row && { ...row, weights: JSON.parse(row.weights) as MapLayoutRow['weights'], models: JSON.parse(row.models) as MapLayoutRow['models'], mean: floats(row.mean) };
}

/** Replaces the layout of that name (its points with it), in one transaction. */
export function saveMapLayout(sql: Connection, layout: Omit<MapLayoutRow, 'id'>, points: readonly MapPointRow[]): number {
  return sql.write(() => {
    sql.stmt('DELETE FROM map_layouts WHERE name = ?').run(layout.name);
    const id = Number(
      sql
        .stmt('INSERT INTO map_layouts (name, weights, models, log_seq, computed_at, sampled, seconds, mean) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(layout.name, JSON.stringify(layout.weights), JSON.stringify(layout.models), layout.logSeq, layout.computedAt, layout.sampled, layout.seconds, blobOf(layout.mean)).lastInsertRowid,
    );
    insertPoints(sql, id, points);
    return id;
  });
}

/** Adds (or moves) points of a layout: new items placed by their neighbours. */
export function addMapPoints(sql: Connection, layoutId: number, points: readonly MapPointRow[]): void {
  sql.write(() => insertPoints(sql, layoutId, points));
}

function insertPoints(sql: Connection, layoutId: number, points: readonly MapPointRow[]): void {
  const insert = sql.stmt(
    `INSERT INTO map_points (layout_id, item_id, x, y, placed) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (layout_id, item_id) DO UPDATE SET x = excluded.x, y = excluded.y, placed = excluded.placed`,
  );
  for (const point of points) insert.run(layoutId, point.itemId, point.x, point.y, point.placed ? 1 : 0);
}

/** The points of a layout whose items are still in the library and readable. */
export function mapPoints(sql: Connection, layoutId: number): MapPointRow[] {
  return (
    sql
      .stmt(
        `SELECT p.item_id AS itemId, p.x, p.y, p.placed FROM map_points p JOIN items i ON i.id = p.item_id
         WHERE p.layout_id = ? AND i.status = 'ok' ORDER BY p.item_id`,
      )
      .all(layoutId) as { itemId: number; x: number; y: number; placed: number }[]
  ).map((row) => ({ ...row, placed: row.placed === 1 }));
}

export function dropMapLayouts(sql: Connection): number {
  return sql.write(() => sql.stmt('DELETE FROM map_layouts').run().changes);
}
