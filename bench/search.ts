import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Space, VectorTerm } from '../preload/contract.js';
import { Engine } from '../main/engine/engine.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import { percentile, timeIt } from './stats.js';
import { peek as readConnection } from '../test/helpers/peek.js';

export interface SearchBenchOptions {
  items: number;
  dir: string;
  queries: number;
  log: (line: string) => void;
  /** A CLIP model folder whose text tower gives 512-d vectors: enables the end-to-end text queries. */
  clipTextModel?: string;
}

const DIMS: Record<'clip' | 'visual' | 'text', number> = { clip: 512, visual: 512, text: 768 };
const QUERY_SETS: { name: string; spaces: (keyof typeof DIMS)[] }[] = [
  { name: '1 space (512-d)', spaces: ['clip'] },
  { name: '1 space (768-d)', spaces: ['text'] },
  { name: '2 spaces (512+512)', spaces: ['clip', 'visual'] },
  { name: '3 spaces (512+512+768)', spaces: ['clip', 'visual', 'text'] },
];

/**
 * Clustered vectors, like real embeddings: items scatter around a few hundred centres, so
 * many items score close to each other near the top (the hard case for a prefilter).
 */
export function makeGenerator(seed: number): (dims: number, centre: Float32Array | null) => Float32Array {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return (dims, centre) => {
    const v = new Float32Array(dims);
    for (let j = 0; j < dims; j++) v[j] = (centre ? (centre[j] as number) : 0) + random();
    return v;
  };
}

export interface SearchBenchResult {
  items: number;
  insert: { itemsPerSecond: number; vectorsPerSecond: number; seconds: number; lastVsFirst: number };
  indexLoadMs: number;
  /** A fresh process's first 3-space query, from its start (codes files, OS cache warm). */
  firstQueryMs: number;
  firstLoads: string[];
  /** The next 3-space query after another process added 1,000 items. */
  afterOther: { ms: number; vsNormal: number; reloads: number };
  indexMegabytes: number;
  queries: {
    name: string;
    fused: { p50: number; p95: number };
    bruteForceJs: { p50: number; p95: number };
    candidates: number;
    /** Candidates scored exactly before the rest were proven out of the top k. */
    rescored: number;
    exact: boolean;
  }[];
  sqliteVecKnn512: { p50: number };
  /** Text queries through the query language, end to end, and the CLIP text encoding alone (ms). */
  textQuery: { endToEnd: { p50: number; p95: number; slowest: { query: string; ms: number }[] }; encode: { p50: number; p95: number } } | null;
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const { items, log } = options;
  const open = (): Engine =>
    Engine.open({
      databaseFile: path.join(options.dir, `search-${items}.db`),
      env: {
        SEMBLANCE_MODELS_DIR: path.join(options.dir, 'models'),
        SEMBLANCE_OFFLINE: '1',
        ...(options.clipTextModel ? { SEMBLANCE_MODEL_CLIP: options.clipTextModel, SEMBLANCE_DTYPE_CLIP: 'q8' } : {}),
      },
      pool: { size: 1, threads: 2 },
    });
  let engine = open();
  try {
    for (const space of Object.keys(DIMS) as (keyof typeof DIMS)[]) engine.store.setSpaceModel(space, `bench/${space}`, DIMS[space]);
    const generate = makeGenerator(42);
    const centres = new Map<Space, Float32Array[]>();
    for (const space of Object.keys(DIMS) as (keyof typeof DIMS)[]) {
      centres.set(space, Array.from({ length: 300 }, () => generate(DIMS[space], null)));
    }
    const member = (space: keyof typeof DIMS, i: number): Float32Array => {
      const list = centres.get(space) as Float32Array[];
      return generate(DIMS[space], list[(i * 7919) % list.length] as Float32Array);
    };

    // Insert: batches of 1000 items, each item with 3 vectors, one transaction per batch.
    let insertSeconds = 0;
    const batch = 1000;
    const writesOf = (start: number, end: number): ItemWrite[] => {
      const writes: ItemWrite[] = [];
      for (let i = start; i < end; i++) {
        writes.push({
          item: { kind: 'photo', path: `/bench/${i}.jpg` },
          vectors: { clip: member('clip', i), visual: member('visual', i), text: member('text', i) },
        });
      }
      return writes;
    };
    // Insert rate over the first 10k items and over the last 10k (at the library's full size).
    const window = Math.min(10_000, items);
    let firstSeconds = 0;
    let lastSeconds = 0;
    for (let start = 0; start < items; start += batch) {
      const writes = writesOf(start, Math.min(items, start + batch));
      const seconds = timeIt(() => engine.store.writeItems(writes)) / 1000;
      insertSeconds += seconds;
      if (start < window) firstSeconds += seconds;
      if (start >= items - window) lastSeconds += seconds;
    }
    const insert = {
      itemsPerSecond: items / insertSeconds,
      vectorsPerSecond: (3 * items) / insertSeconds,
      seconds: insertSeconds,
      lastVsFirst: firstSeconds / lastSeconds,
    };
    log(`  inserted ${items} items × 3 vectors in ${insertSeconds.toFixed(1)} s`);

    // The first load reads every vector from the database (and writes the codes files).
    const indexLoadMs = timeIt(() => {
      for (const space of Object.keys(DIMS) as Space[]) engine.vectorIndex.matrix(space);
    });
    await engine.close();

    // A fresh process (as after a restart, OS cache warm): from its start to the first
    // 3-space query's answer, Node's start and imports included.
    const firstTerms = Object.keys(DIMS).map((space, t) => ({ space: space as Space, vector: Array.from(member(space as keyof typeof DIMS, 999_983 + t)), weight: 1 }));
    // Twice: right after the files were written (this process still holding its copy), and
    // again once the OS cache has settled, as after a restart of the app.
    const fresh = (): { answeredMs: number; afterOpenMs: number; loads: string[] } => {
      const child = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'first-query-run.js')], {
        input: JSON.stringify({ databaseFile: path.join(options.dir, `search-${items}.db`), terms: firstTerms }),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`first query failed: ${child.stderr}`);
      return JSON.parse(child.stdout) as { answeredMs: number; afterOpenMs: number; loads: string[] };
    };
    const right = fresh();
    const first = fresh();
    const firstQueryMs = first.answeredMs;
    log(
      `  first query of a fresh process: ${first.answeredMs.toFixed(0)} ms after its start, ${first.afterOpenMs.toFixed(0)} ms after opening ` +
        `(${first.loads.join(', ')}); right after the files were written: ${right.answeredMs.toFixed(0)} ms`,
    );
    engine = open();
    await engine.searchVectors({ terms: firstTerms, k: 20 });
    const firstLoads = engine.vectorIndex.loads.map((l) => `${l.space} from the ${l.from} ${l.ms.toFixed(0)} ms`);

    // All fused queries first, in a process holding only what the app holds; then the
    // baseline loads its float32 copy of every vector and answers the same queries.
    const runs = [];
    for (const set of QUERY_SETS) {
      const queryTerms = Array.from({ length: options.queries }, (_, q): VectorTerm[] =>
        set.spaces.map((space, t) => ({
          space,
          vector: Array.from(member(space, q * 131 + t)),
          weight: [0.5, 0.3, 0.2][t] as number,
        })),
      );
      const fused: number[] = [];
      const found: number[][] = [];
      let candidates = 0;
      let rescored = 0;
      for (const terms of queryTerms) {
        fused.push(
          await timeAsync(async () => {
            found.push((await engine.searchVectors({ terms, k: 20 })).results.map((r) => r.id));
          }),
        );
        candidates += engine.lastSearch.candidates;
        rescored += engine.lastSearch.rescored;
      }
      runs.push({ set, queryTerms, fused, found, candidates, rescored });
    }
    // Another process adds 1,000 items: the next query replays them instead of reloading.
    const normal = runs[runs.length - 1]?.fused ?? [];
    const other = open();
    const added = other.store.writeItems(writesOf(items, items + 1000));
    await other.close();
    const afterOtherMs = await timeAsync(async () => {
      await engine.searchVectors({ terms: firstTerms, k: 20 });
    });
    const afterOther = { ms: afterOtherMs, vsNormal: afterOtherMs / percentile(normal, 50), reloads: engine.vectorIndex.loads.length - firstLoads.length };

    // Text queries end to end: parse → CLIP text tower (q8, in the worker) → fused search with
    // the relevance cut-off window → rows. And the text encoding alone.
    let textQuery: SearchBenchResult['textQuery'] = null;
    if (options.clipTextModel) {
      const sentences = ['dog at the beach -people', 'a red car at night', '2:sunset over the sea +boat', 'birthday cake with candles'];
      const pool = engine.embedder();
      await pool.embedTexts(['warm up'], 'clip', { lane: 'query' });
      const encode: number[] = [];
      const endToEnd: number[] = [];
      const queries: string[] = [];
      for (let q = 0; q < options.queries; q++) {
        const query = `${sentences[q % sentences.length]} ${q}`;
        queries.push(query);
        encode.push(await timeAsync(async () => void (await pool.embedTexts([query], 'clip', { lane: 'query' }))));
        endToEnd.push(await timeAsync(async () => void (await engine.search({ query, k: 20 }))));
      }
      textQuery = {
        endToEnd: { p50: percentile(endToEnd, 50), p95: percentile(endToEnd, 95), slowest: endToEnd.map((ms, q) => ({ query: queries[q] as string, ms })).sort((a, b) => b.ms - a.ms).slice(0, 3) },
        encode: { p50: percentile(encode, 50), p95: percentile(encode, 95) },
      };
    }

    // The other process takes its items out again, so the brute force below sees the library
    // the fused results came from. It loads last: its float32 copy of every vector (7 GB at
    // 1M) would otherwise crowd the OS cache out of the measurements above.
    const remover = open();
    remover.store.removeItems(added);
    await remover.close();
    await engine.searchVectors({ terms: firstTerms, k: 20 });
    const baseline = await loadBaseline(engine);
    const queries: SearchBenchResult['queries'] = runs.map(({ set, queryTerms, fused, found, candidates, rescored }) => {
      const brute: number[] = [];
      let exact = true;
      queryTerms.forEach((terms, q) => {
        let expected: number[] = [];
        brute.push(timeIt(() => (expected = baseline(terms, 20))));
        if (expected.join() !== found[q]?.join()) exact = false;
      });
      return {
        name: set.name,
        fused: { p50: percentile(fused, 50), p95: percentile(fused, 95) },
        bruteForceJs: { p50: percentile(brute, 50), p95: percentile(brute, 95) },
        candidates: Math.round(candidates / options.queries),
        rescored: Math.round(rescored / options.queries),
        exact,
      };
    });

    // sqlite-vec's own float32 brute force (KNN on one 512-d space), for reference.
    const knn = readConnection(engine.store.file).prepare('SELECT rowid, distance FROM vec_clip WHERE embedding MATCH ? AND k = 20');
    const knnTimes: number[] = [];
    for (let q = 0; q < Math.min(10, options.queries); q++) {
      const blob = Buffer.from(member('clip', q).buffer);
      knnTimes.push(timeIt(() => knn.all(blob)));
    }
    return {
      items,
      insert,
      indexLoadMs,
      firstQueryMs,
      firstLoads,
      afterOther,
      indexMegabytes: engine.vectorIndex.bytes / 2 ** 20,
      queries,
      sqliteVecKnn512: { p50: percentile(knnTimes, 50) },
      textQuery,
    };
  } finally {
    await engine.close();
  }
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * The plain-JavaScript brute force the fused search is measured against: every vector as
 * float32 in memory, every item scored into flat arrays, a running top-k. Same scores, same
 * tie order.
 */
async function loadBaseline(engine: Engine): Promise<(terms: VectorTerm[], k: number) => number[]> {
  const position = new Map<number, number>();
  const ids: number[] = [];
  const matrices = new Map<Space, { rows: Int32Array; data: Float32Array; dims: number }>();
  for (const space of Object.keys(DIMS) as (keyof typeof DIMS)[]) {
    const dims = DIMS[space];
    const rows: number[] = [];
    const chunks: Float32Array[] = [];
    engine.store.forEachVector(space, (id, vector) => {
      let p = position.get(id);
      if (p === undefined) {
        p = ids.push(id) - 1;
        position.set(id, p);
      }
      rows.push(p);
      chunks.push(vector);
    });
    const data = new Float32Array(rows.length * dims);
    chunks.forEach((chunk, i) => data.set(chunk, i * dims));
    matrices.set(space, { rows: Int32Array.from(rows), data, dims });
  }
  await Promise.resolve();
  return (terms, k) => {
    const numerator = new Float64Array(ids.length);
    const weights = new Float64Array(ids.length);
    for (const term of terms) {
      const matrix = matrices.get(term.space);
      if (!matrix) continue;
      const norm = Math.sqrt(term.vector.reduce((s, x) => s + x * x, 0));
      const query = Float32Array.from(term.vector, (x) => x / norm);
      const { rows, data, dims } = matrix;
      const w = term.weight;
      const absW = Math.abs(w);
      for (let r = 0; r < rows.length; r++) {
        let dot = 0;
        const offset = r * dims;
        for (let j = 0; j < dims; j++) dot += (query[j] as number) * (data[offset + j] as number);
        const p = rows[r] as number;
        numerator[p] = (numerator[p] as number) + w * dot;
        weights[p] = (weights[p] as number) + absW;
      }
    }
    const top: { id: number; score: number }[] = [];
    const better = (a: { id: number; score: number }, b: { id: number; score: number }): boolean =>
      a.score > b.score || (a.score === b.score && a.id < b.id);
    for (let p = 0; p < ids.length; p++) {
      if (weights[p] === 0) continue;
      const hit = { id: ids[p] as number, score: (numerator[p] as number) / (weights[p] as number) };
      if (top.length === k && !better(hit, top[k - 1] as { id: number; score: number })) continue;
      let i = Math.min(top.length, k - 1);
      top[i] = hit;
      while (i > 0 && better(hit, top[i - 1] as { id: number; score: number })) {
        top[i] = top[i - 1] as { id: number; score: number };
        top[i - 1] = hit;
        i--;
      }
    }
    return top.map((hit) => hit.id);
  };
}
