import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';
import type { BatchMatches, Index as UsearchIndex } from 'usearch';

/**
 * Pairs of pictures close in the visual space, for the same-moment and similar tiers.
 *
 * The raw embeddings of a CNN all point roughly the same way (MobileNetV2's pooled features are
 * non-negative: two unrelated photos score 0.5 and neighbouring ImageNet classes up to 0.80,
 * a 10% crop of the same photo as low as 0.89), so cosines are taken after subtracting the
 * library's mean vector. Centred, unrelated photos fall to 0 (at most 0.58 over 560,000 pairs
 * of 118 photos and their edits) while crops, exposure and hue edits and bursts of one photo
 * stay at 0.74 or more: the calibration in the duplicates issue's note.
 *
 * Every picture's nearest neighbours come from an HNSW graph (usearch: a well-kept library,
 * Node-API with its binaries in the npm package, used by DuckDB and ClickHouse), built and
 * searched in small batches so that a job reports progress, can be cancelled and never holds
 * the event loop for long. 100,000 pictures of 1,280 dimensions take about two minutes on two
 * cores, where comparing every pair would take hours.
 */
export interface VisualSource {
  /** One item id per picture (content), in a stable order. */
  ids: readonly number[];
  /** Unit vectors of the visual space by item id. */
  read(ids: readonly number[]): Map<number, Float32Array>;
}

export interface NeighbourPair {
  a: number;
  b: number;
  /** Cosine of the centred vectors. */
  cosine: number;
}

const BATCH = 256;
const SAMPLE = 4096;

/** The mean of up to SAMPLE vectors spread over the library: what every picture shares. */
export function libraryMean(source: VisualSource): Float32Array | null {
  const step = Math.max(1, Math.floor(source.ids.length / SAMPLE));
  const sample = source.ids.filter((_, i) => i % step === 0);
  let mean: Float64Array | null = null;
  let count = 0;
  for (let start = 0; start < sample.length; start += BATCH) {
    for (const vector of source.read(sample.slice(start, start + BATCH)).values()) {
      mean ??= new Float64Array(vector.length);
      for (let i = 0; i < vector.length; i++) mean[i] = (mean[i] as number) + (vector[i] as number);
      count++;
    }
  }
  return mean && count > 1 ? Float32Array.from(mean, (x) => x / count) : null;
}

/** The vector less the mean, of length 1 (a vector equal to the mean stays as it was). */
export function centred(vector: Float32Array, mean: Float32Array): Float32Array {
  const out = new Float32Array(vector.length);
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    out[i] = (vector[i] as number) - ((mean[i] as number) ?? 0);
    norm += (out[i] as number) ** 2;
  }
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * scale;
  return out;
}

export function cosine(x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] as number) * (y[i] as number);
  return sum;
}

/** Loaded on first use: a one-shot command that never compares looks does not load the addon. */
const usearch = (): typeof Usearch => createRequire(import.meta.url)('usearch') as typeof Usearch;

export interface NeighbourOptions {
  mean: Float32Array;
  /** Neighbours looked at per picture. */
  k: number;
  /** Pairs below this centred cosine are left out. */
  floor: number;
  signal?: AbortSignal;
  /** Pictures done (added, then searched) of twice their number. */
  progress?: (done: number, total: number) => void;
}

/** Each pair once (a < b), with its centred cosine. */
export async function visualNeighbourPairs(source: VisualSource, options: NeighbourOptions): Promise<NeighbourPair[]> {
  const ids = source.ids;
  if (ids.length < 2) return [];
  const { Index, MetricKind, ScalarKind } = usearch();
  const dims = options.mean.length;
  const index: UsearchIndex = new Index({ metric: MetricKind.IP, dimensions: dims, connectivity: 16, quantization: ScalarKind.F16, expansion_add: 64, expansion_search: 64, multi: false });
  const total = ids.length * 2;
  const batchOf = (start: number): { keys: BigUint64Array; matrix: Float32Array; present: number[] } => {
    const slice = ids.slice(start, start + BATCH);
    const vectors = source.read(slice);
    const present = slice.filter((id) => vectors.get(id)?.length === dims);
    const matrix = new Float32Array(present.length * dims);
    present.forEach((id, row) => matrix.set(centred(vectors.get(id) as Float32Array, options.mean), row * dims));
    return { keys: BigUint64Array.from(present, (id) => BigInt(id)), matrix, present };
  };
  const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  for (let start = 0; start < ids.length; start += BATCH) {
    options.signal?.throwIfAborted();
    const { keys, matrix } = batchOf(start);
    if (keys.length > 0) index.add(keys, matrix, 0);
    options.progress?.(Math.min(ids.length, start + BATCH), total);
    await pause();
  }
  const best = new Map<string, NeighbourPair>();
  const k = Math.min(options.k + 1, ids.length);
  for (let start = 0; start < ids.length; start += BATCH) {
    options.signal?.throwIfAborted();
    const { matrix, present } = batchOf(start);
    if (present.length > 0) {
      const found = index.search(matrix, k, 0) as BatchMatches;
      present.forEach((a, row) => {
        const count = found.counts[row] ?? 0;
        for (let j = 0; j < count; j++) {
          const b = Number(found.keys[row * k + j]);
          // Inner product distance is 1 - cosine; f16 rounding is recomputed exactly later.
          const similarity = 1 - (found.distances[row * k + j] as number);
          if (b === a || similarity < options.floor - 0.01) continue;
          const [x, y] = a < b ? [a, b] : [b, a];
          best.set(`${x}:${y}`, { a: x, b: y, cosine: similarity });
        }
      });
    }
    options.progress?.(ids.length + Math.min(ids.length, start + BATCH), total);
    await pause();
  }
  // The exact cosines of the pairs found (the graph stores half precision).
  const pairs = [...best.values()];
  const exact: NeighbourPair[] = [];
  for (let start = 0; start < pairs.length; start += BATCH) {
    const slice = pairs.slice(start, start + BATCH);
    const vectors = source.read([...new Set(slice.flatMap((p) => [p.a, p.b]))]);
    for (const pair of slice) {
      const [x, y] = [vectors.get(pair.a), vectors.get(pair.b)];
      if (!x || !y) continue;
      const value = cosine(centred(x, options.mean), centred(y, options.mean));
      if (value >= options.floor) exact.push({ ...pair, cosine: value });
    }
  }
  return exact;
}
