import type { MapCluster } from '../../../preload/contract.js';
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
  /** When its clusters were found (null: laid out before clusters were). */
  clusteredAt: number | null;
  /** The vocabulary its clusters were named with (null: not named yet). */
  namedWith: string | null;
}

export interface MapPointRow {
  itemId: number;
  x: number;
  y: number;
  placed: boolean;
  /** Its region and leaf cluster (-1: none). */
  region: number;
  leaf: number;
}

/** A cluster of a layout as kept (see migration 17): its names as found, before a tag may rename it. */
export type MapClusterRow = Omit<MapCluster, 'id' | 'name' | 'tag'> & { cluster: number };

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
  clusteredAt: number | null;
  namedWith: string | null;
}

const floats = (blob: Buffer): Float32Array => new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const blobOf = (vector: Float32Array): Buffer => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

export function mapLayout(sql: Connection, name: string): MapLayoutRow | undefined {
  const row = sql
    .stmt(
      `SELECT id, name, weights, models, log_seq AS logSeq, computed_at AS computedAt, sampled, seconds, mean, clustered_at AS clusteredAt, named_with AS namedWith
       FROM map_layouts WHERE name = ?`,
    )
    .get(name) as RawLayout | undefined;
  return row && { ...row, weights: JSON.parse(row.weights) as MapLayoutRow['weights'], models: JSON.parse(row.models) as MapLayoutRow['models'], mean: floats(row.mean) };
}

/** Replaces the layout of that name (its points with it), in one transaction. */
export function saveMapLayout(sql: Connection, layout: Omit<MapLayoutRow, 'id' | 'namedWith'>, points: readonly MapPointRow[], clusters: readonly MapClusterRow[]): number {
  return sql.write(() => {
    sql.stmt('DELETE FROM map_layouts WHERE name = ?').run(layout.name);
    const id = Number(
      sql
        .stmt('INSERT INTO map_layouts (name, weights, models, log_seq, computed_at, sampled, seconds, mean, clustered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          layout.name,
          JSON.stringify(layout.weights),
          JSON.stringify(layout.models),
          layout.logSeq,
          layout.computedAt,
          layout.sampled,
          layout.seconds,
          blobOf(layout.mean),
          layout.clusteredAt,
        ).lastInsertRowid,
    );
    insertPoints(sql, id, points);
    insertClusters(sql, id, clusters);
    return id;
  });
}

/** The clusters of a layout laid out before clusters were: its points' clusters and the list. */
export function saveMapClusters(sql: Connection, layoutId: number, points: readonly MapPointRow[], clusters: readonly MapClusterRow[], at: number): void {
  sql.write(() => {
    const update = sql.stmt('UPDATE map_points SET region = ?, leaf = ? WHERE layout_id = ? AND item_id = ?');
    for (const point of points) update.run(point.region, point.leaf, layoutId, point.itemId);
    sql.stmt('DELETE FROM map_clusters WHERE layout_id = ?').run(layoutId);
    insertClusters(sql, layoutId, clusters);
    sql.stmt('UPDATE map_layouts SET clustered_at = ?, named_with = NULL WHERE id = ?').run(at, layoutId);
  });
}

function insertClusters(sql: Connection, layoutId: number, clusters: readonly MapClusterRow[]): void {
  const insert = sql.stmt(
    `INSERT INTO map_clusters (layout_id, cluster, level, parent, size, x, y, radius, label, confidence, words)
     VALUES (@layoutId, @cluster, @level, @parent, @size, @x, @y, @radius, @label, @confidence, @words)`,
  );
  for (const cluster of clusters) insert.run({ ...cluster, layoutId, words: JSON.stringify(cluster.words) });
}

export function mapClusters(sql: Connection, layoutId: number): MapClusterRow[] {
  return (
    sql
      .stmt('SELECT cluster, level, parent, size, x, y, radius, label, confidence, words FROM map_clusters WHERE layout_id = ? ORDER BY cluster')
      .all(layoutId) as (Omit<MapClusterRow, 'words'> & { words: string })[]
  ).map((row) => ({ ...row, words: JSON.parse(row.words) as string[] }));
}

/** The clusters' names, and the vocabulary they were found with. */
export function nameMapClusters(sql: Connection, layoutId: number, names: readonly Pick<MapClusterRow, 'cluster' | 'label' | 'confidence' | 'words'>[], namedWith: string): void {
  sql.write(() => {
    const update = sql.stmt('UPDATE map_clusters SET label = ?, confidence = ?, words = ? WHERE layout_id = ? AND cluster = ?');
    for (const name of names) update.run(name.label, name.confidence, JSON.stringify(name.words), layoutId, name.cluster);
    sql.stmt('UPDATE map_layouts SET named_with = ? WHERE id = ?').run(namedWith, layoutId);
  });
}

/** What a cluster's words come from, per item: a product's name and category; a photo's file and folders (under its library folder) and caption; the text read in either's picture. */
export interface WordSource {
  kind: 'photo' | 'product';
  /** A product's name and category, or a photo's caption, and the text read in the picture. */
  text: string;
  /** A photo's file and its library folder. */
  path: string | null;
  root: string | null;
}

export function itemWordSources(sql: Connection, itemIds: readonly number[]): Map<number, WordSource> {
  const rows = sql
    .stmt(
      `SELECT i.id, i.kind, concat_ws(' ', CASE WHEN i.kind = 'product' THEN i.title END, json_extract(i.roles, '$.category'), i.caption, t.text) AS text,
         CASE WHEN i.kind = 'photo' THEN i.path END AS path, r.path AS root
       FROM items i LEFT JOIN picture_text t ON t.content_hash = i.content_hash LEFT JOIN roots r ON r.id = i.root_id
       WHERE i.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(itemIds)) as ({ id: number } & WordSource)[];
  return new Map(rows.map(({ id, ...source }) => [id, source]));
}

/** A product's category (its catalog's category column), for colouring the map. */
export function itemCategories(sql: Connection, itemIds: readonly number[]): Map<number, string> {
  const rows = sql
    .stmt(
      `SELECT id, json_extract(roles, '$.category') AS category FROM items
       WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'product' AND json_extract(roles, '$.category') IS NOT NULL`,
    )
    .all(JSON.stringify(itemIds)) as { id: number; category: unknown }[];
  return new Map(rows.map((row) => [row.id, String(row.category)]));
}

/** Adds (or moves) points of a layout: new items placed by their neighbours. */
export function addMapPoints(sql: Connection, layoutId: number, points: readonly MapPointRow[]): void {
  sql.write(() => insertPoints(sql, layoutId, points));
}

function insertPoints(sql: Connection, layoutId: number, points: readonly MapPointRow[]): void {
  const insert = sql.stmt(
    `INSERT INTO map_points (layout_id, item_id, x, y, placed, region, leaf) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (layout_id, item_id) DO UPDATE SET x = excluded.x, y = excluded.y, placed = excluded.placed, region = excluded.region, leaf = excluded.leaf`,
  );
  for (const point of points) insert.run(layoutId, point.itemId, point.x, point.y, point.placed ? 1 : 0, point.region, point.leaf);
}

/** The points of a layout whose items are still in the library and readable. */
export function mapPoints(sql: Connection, layoutId: number): MapPointRow[] {
  return (
    sql
      .stmt(
        `SELECT p.item_id AS itemId, p.x, p.y, p.placed, p.region, p.leaf FROM map_points p JOIN items i ON i.id = p.item_id
         WHERE p.layout_id = ? AND i.status = 'ok' ORDER BY p.item_id`,
      )
      .all(layoutId) as (Omit<MapPointRow, 'placed'> & { placed: number })[]
  ).map((row) => ({ ...row, placed: row.placed === 1 }));
}

export function dropMapLayouts(sql: Connection): number {
  return sql.write(() => sql.stmt('DELETE FROM map_layouts').run().changes);
}
