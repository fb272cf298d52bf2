import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as Usearch from 'usearch';
import type { BatchMatches, Index as UsearchIndex } from 'usearch';
import { seeded, type UmapReply, type UmapRequest } from './umap-worker.js';

/**
 * A 2-D map of a library's vectors: UMAP (umap-js, the PAIR team's port of McInnes' UMAP, the
 * standard for laying out embeddings) on a sample of at most SAMPLE points, whose nearest
 * neighbours come from an HNSW graph (usearch) rather than umap-js's own search (pure JS, slow
 * past a few thousand points); every other point is placed where its nearest sampled points
 * are. So 100,000 items cost about what SAMPLE does plus one graph search each, and a new
 * photo is placed the same way without moving the others.
 *
 * Vectors are centred on their mean first (a CNN's features all point one way; what tells
 * pictures apart is what is left), then made unit length: cosine is the distance.
 */
export interface MapVectors {
  /** n vectors of `dims` floats, row after row. */
  matrix: Float32Array;
  dims: number;
}

export interface LayoutOptions {
  /** Points laid out by UMAP; the rest are placed by their neighbours. */
  sample?: number;
  neighbours?: number;
  epochs?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Work done of total, in steps (the graph, the epochs, the placing). */
  progress?: (done: number, total: number) => void;
}

/** A layout: the sample's points, the rest placed; the sample's graph places later points too. */
export interface Layout {
  /** x, y of each input vector, in input order. */
  coords: Float32Array;
  /** Which inputs UMAP laid out (the others were placed by their neighbours). */
  sampled: Uint8Array;
  /** The mean the vectors were centred on, for placing new ones. */
  mean: Float32Array;
}

export const SAMPLE = 8000;
const NEIGHBOURS = 15;
/** Sampled points a placed point takes its position from. */
const PLACE_FROM = 6;
const BATCH = 512;
/** The nearest neighbours that hold a piece of the map together (see closeGaps). */
const STRONG_NEIGHBOURS = 5;
/** A piece whose gap to its nearest is over this many times their radii has drifted. */
const ADRIFT = 4;

const usearch = (): typeof Usearch => createRequire(import.meta.url)('usearch') as typeof Usearch;
const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function meanOf(vectors: MapVectors): Float32Array {
  const { matrix, dims } = vectors;
  const n = matrix.length / dims;
  const sum = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) sum[j] = (sum[j] as number) + (matrix[i * dims + j] as number);
  return Float32Array.from(sum, (x) => x / Math.max(1, n));
}

/** Each row less the mean, unit length (a row equal to the mean stays zero). */
export function centredRows(matrix: Float32Array, dims: number, mean: Float32Array): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let at = 0; at < matrix.length; at += dims) {
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const value = (matrix[at + j] as number) - (mean[j] as number);
      out[at + j] = value;
      norm += value * value;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dims; j++) out[at + j] = (out[at + j] as number) * scale;
  }
  return out;
}

export async function layOut(vectors: MapVectors, options: LayoutOptions = {}): Promise<Layout> {
  const { dims } = vectors;
  const n = vectors.matrix.length / dims;
  const mean = meanOf(vectors);
  const coords = new Float32Array(n * 2);
  const sampled = new Uint8Array(n);
  if (n === 0) return { coords, sampled, mean };
  const units = centredRows(vectors.matrix, dims, mean);
  const random = seeded(options.seed ?? 1);
  // The sample: every point when there are few, else an even random draw.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const sample = order.slice(0, Math.min(n, options.sample ?? SAMPLE)).sort((a, b) => a - b);
  for (const i of sample) sampled[i] = 1;
  const epochs = options.epochs ?? (sample.length > 10_000 ? 200 : 400);
  const placing = n - sample.length;
  const total = sample.length + epochs + placing;
  const report = (done: number): void => options.progress?.(Math.min(done, total), total);

  if (sample.length < 4) {
    // Too few for a graph: on a line, in order.
    sample.forEach((i, rank) => (coords[i * 2] = rank));
    return { coords, sampled, mean };
  }
  const index = graphOf(units, dims, sample);
  // A small library has small groups: fewer neighbours, or every group pulls on every other.
  const neighbours = Math.min(NEIGHBOURS, sample.length - 1, Math.max(3, Math.round(Math.sqrt(sample.length))));
  const indices: number[][] = [];
  const distances: number[][] = [];
  const slot = new Map(sample.map((i, s) => [i, s]));
  for (let start = 0; start < sample.length; start += BATCH) {
    options.signal?.throwIfAborted();
    const rows = sample.slice(start, start + BATCH);
    const found = searchRows(index, units, dims, rows, neighbours + 1);
    rows.forEach((i, r) => {
      // Itself first, at distance 0, as UMAP expects; then the nearest others.
      const near: [number, number][] = [[slot.get(i) as number, 0]];
      for (const [key, distance] of found[r] ?? []) if (key !== i && near.length <= neighbours) near.push([slot.get(key) as number, Math.max(0, distance)]);
      while (near.length <= neighbours) near.push(near[near.length - 1] as [number, number]);
      indices.push(near.map(([s]) => s));
      distances.push(near.map(([, d]) => d));
    });
    report(start + rows.length);
    await pause();
  }
  const laid = await umapInWorker({ indices, distances, neighbours: neighbours + 1, epochs, seed: options.seed ?? 1 }, options.signal, (epoch) => report(sample.length + epoch));
  closeGaps(laid, indices);
  sample.forEach((i, s) => {
    coords[i * 2] = laid[s * 2] as number;
    coords[i * 2 + 1] = laid[s * 2 + 1] as number;
  });
  const rest = order.filter((i) => !sampled[i]).sort((a, b) => a - b);
  for (let start = 0; start < rest.length; start += BATCH) {
    options.signal?.throwIfAborted();
    const rows = rest.slice(start, start + BATCH);
    placeRows(index, units, dims, rows, coords, coords);
    report(sample.length + epochs + start + rows.length);
    await pause();
  }
  report(total);
  return { coords, sampled, mean };
}

/**
 * Groups whose nearest neighbours are all among themselves (photos of flat colours beside
 * photos of animals) are held to the rest by no pull UMAP feels, so the optimisation drifts them
 * far apart and the map becomes a dot in each corner. A piece whose gap to its nearest
 * (larger) piece is more than ADRIFT times their radii is moved along the line between them to
 * a gap of their radii; pieces at the distances UMAP usually leaves between groups stay, and
 * every piece keeps its own shape.
 */
export function closeGaps(coords: Float32Array, neighbours: readonly (readonly number[])[]): void {
  const n = neighbours.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  // Pieces by each point's few nearest: UMAP's pull between points farther apart than those is
  // too weak to hold them (a component of the full graph can still fly apart).
  neighbours.forEach((row, i) => row.slice(0, STRONG_NEIGHBOURS + 1).forEach((j) => (parent[root(i)] = root(j))));
  const pieces = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const members = pieces.get(root(i));
    if (members) members.push(i);
    else pieces.set(root(i), [i]);
  }
  if (pieces.size < 2) return;
  const shape = (members: readonly number[]): { x: number; y: number; radius: number } => {
    let [x, y] = [0, 0];
    for (const i of members) [x, y] = [x + (coords[i * 2] as number) / members.length, y + (coords[i * 2 + 1] as number) / members.length];
    let radius = 1e-6;
    for (const i of members) radius = Math.max(radius, Math.hypot((coords[i * 2] as number) - x, (coords[i * 2 + 1] as number) - y));
    return { x, y, radius };
  };
  // Largest first: each smaller piece settles beside the nearest of those already settled.
  const ordered = [...pieces.values()].sort((a, b) => b.length - a.length);
  const settled = [shape(ordered[0] as number[])];
  for (const members of ordered.slice(1)) {
    const own = shape(members);
    let nearest = settled[0] as { x: number; y: number; radius: number };
    let nearestGap = Infinity;
    for (const other of settled) {
      const gap = Math.hypot(own.x - other.x, own.y - other.y) - own.radius - other.radius;
      if (gap < nearestGap) [nearest, nearestGap] = [other, gap];
    }
    // Only a piece adrift (far beyond the size of itself and its neighbour) is brought back.
    const near = own.radius + nearest.radius;
    if (nearestGap > ADRIFT * near) {
      const [dx, dy] = [own.x - nearest.x, own.y - nearest.y];
      const distance = Math.hypot(dx, dy) || 1;
      const move = near + near - distance; // to a gap as wide as the two pieces' radii
      const [mx, my] = [(dx / distance) * move, (dy / distance) * move];
      for (const i of members) {
        coords[i * 2] = (coords[i * 2] as number) + mx;
        coords[i * 2 + 1] = (coords[i * 2 + 1] as number) + my;
      }
      own.x += mx;
      own.y += my;
    }
    settled.push(own);
  }
}

/**
 * Places new vectors on an existing layout: each where its nearest laid-out points are (those
 * UMAP laid out), weighted by closeness. Returns x, y per vector.
 */
export function placeOnLayout(layout: { vectors: MapVectors; coords: Float32Array; mean: Float32Array }, vectors: MapVectors): Float32Array {
  const { dims } = vectors;
  const n = vectors.matrix.length / dims;
  const out = new Float32Array(n * 2);
  const known = layout.vectors.matrix.length / dims;
  if (n === 0 || known === 0) return out;
  const units = centredRows(layout.vectors.matrix, dims, layout.mean);
  const fresh = centredRows(vectors.matrix, dims, layout.mean);
  const all = new Float32Array(units.length + fresh.length);
  all.set(units);
  all.set(fresh, units.length);
  const index = graphOf(all, dims, Array.from({ length: known }, (_, i) => i));
  const coords = new Float32Array((known + n) * 2);
  coords.set(layout.coords);
  placeRows(index, all, dims, Array.from({ length: n }, (_, i) => known + i), coords, coords);
  out.set(coords.subarray(known * 2));
  return out;
}

/** An HNSW graph of the given rows (keys are row numbers). */
function graphOf(units: Float32Array, dims: number, rows: readonly number[]): UsearchIndex {
  const { Index, MetricKind, ScalarKind } = usearch();
  const index: UsearchIndex = new Index({ metric: MetricKind.IP, dimensions: dims, connectivity: 16, quantization: ScalarKind.F32, expansion_add: 128, expansion_search: 64, multi: false });
  for (let start = 0; start < rows.length; start += BATCH) {
    const slice = rows.slice(start, start + BATCH);
    const matrix = new Float32Array(slice.length * dims);
    slice.forEach((row, r) => matrix.set(units.subarray(row * dims, (row + 1) * dims), r * dims));
    index.add(BigUint64Array.from(slice, (row) => BigInt(row)), matrix, 0);
  }
  return index;
}

/** The k nearest keys of each row, with distances (1 − cosine), nearest first. */
function searchRows(index: UsearchIndex, units: Float32Array, dims: number, rows: readonly number[], k: number): [number, number][][] {
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((row, r) => matrix.set(units.subarray(row * dims, (row + 1) * dims), r * dims));
  const found = index.search(matrix, k, 0) as BatchMatches;
  return rows.map((_, r) => {
    // One row gets usearch's single answer, which has no counts: all its keys are found ones.
    const count = found.counts ? Number(found.counts[r] ?? 0) : found.keys.length;
    return Array.from({ length: count }, (_, j) => [Number(found.keys[r * k + j]), found.distances[r * k + j] as number] as [number, number]);
  });
}

/** Each row's position: the closeness-weighted mean of its nearest laid-out points'. */
function placeRows(index: UsearchIndex, units: Float32Array, dims: number, rows: readonly number[], from: Float32Array, to: Float32Array): void {
  const found = searchRows(index, units, dims, rows, PLACE_FROM);
  rows.forEach((row, r) => {
    let [x, y, total] = [0, 0, 0];
    for (const [key, distance] of found[r] ?? []) {
      // Closeness sharpened, so the nearest point counts most: (cosine)⁴, at least a trace.
      const weight = Math.max(1e-6, 1 - distance) ** 4;
      x += weight * (from[key * 2] as number);
      y += weight * (from[key * 2 + 1] as number);
      total += weight;
    }
    to[row * 2] = total > 0 ? x / total : 0;
    to[row * 2 + 1] = total > 0 ? y / total : 0;
  });
}

function umapInWorker(request: UmapRequest, signal: AbortSignal | undefined, progress: (epoch: number) => void): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const worker = new Worker(new URL('./umap-worker.js', import.meta.url), { workerData: request });
    const stop = (): void => {
      void worker.terminate();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.on('message', (reply: UmapReply) => {
      if (reply.kind === 'progress') progress(reply.epoch);
      else {
        signal?.removeEventListener('abort', stop);
        void worker.terminate();
        if (reply.kind === 'done') resolve(reply.coords);
        else reject(new Error(`the layout failed: ${reply.reason}`));
      }
    });
    worker.on('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
  });
}
