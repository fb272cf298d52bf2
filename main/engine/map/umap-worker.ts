import { parentPort, workerData } from 'node:worker_threads';
import { UMAP } from 'umap-js';

/**
 * UMAP's optimisation of a sample's layout, off the main thread (a layout of thousands of
 * points takes seconds of pure computation): the neighbours come in computed, the progress goes
 * out every few epochs, and cancelling is terminating the worker.
 */
export interface UmapRequest {
  /** Neighbours of each sample point: indices into the sample, and their distances (1 − cosine). */
  indices: number[][];
  distances: number[][];
  neighbours: number;
  epochs: number;
  seed: number;
}

export type UmapReply = { kind: 'progress'; epoch: number; epochs: number } | { kind: 'done'; coords: Float32Array } | { kind: 'failed'; reason: string };

/** mulberry32: a small seeded generator, so a layout is the same each time it is computed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(request: UmapRequest): void {
  const n = request.indices.length;
  const umap = new UMAP({ nNeighbors: request.neighbours, nEpochs: request.epochs, minDist: 0.1, random: seeded(request.seed) });
  umap.setPrecomputedKNN(request.indices, request.distances);
  // With the neighbours given, the points themselves are only counted: empty rows do.
  const epochs = umap.initializeFit(Array.from({ length: n }, () => []));
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (epoch % 10 === 0) parentPort?.postMessage({ kind: 'progress', epoch, epochs } satisfies UmapReply);
  }
  const embedding = umap.getEmbedding();
  const coords = new Float32Array(n * 2);
  embedding.forEach(([x, y], i) => {
    coords[i * 2] = x ?? 0;
    coords[i * 2 + 1] = y ?? 0;
  });
  parentPort?.postMessage({ kind: 'done', coords } satisfies UmapReply, [coords.buffer]);
}

if (parentPort && workerData) {
  try {
    run(workerData as UmapRequest);
  } catch (error) {
    parentPort.postMessage({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) } satisfies UmapReply);
  }
}
