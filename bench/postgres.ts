import path from 'node:path';
import type { Space, VectorTerm } from '../preload/contract.js';
import { Engine } from '../main/engine/engine.js';
import { DEFAULT_CANDIDATES, pgFusedSearch } from '../main/engine/store/postgres/pg-search.js';
import { type HnswBuild, PgStore } from '../main/engine/store/postgres/pg-store.js';
import { copyToPostgres } from '../main/engine/store/store-copy.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import { postgresMissing, startPostgres } from '../test/helpers/postgres.js';
import { percentile } from './stats.js';
import { clusteredVectors, type VectorShape } from './vector-shapes.js';

const DIMS: Record<'clip' | 'visual' | 'text', number> = { clip: 512, visual: 512, text: 768 };

/** One HNSW search setting's latency and recall@20 against SQLite's exact search. */
export interface PostgresSetting {
  efSearch: number;
  candidates: number;
  p50: number;
  p95: number;
  recallAt20: number;
}

/**
 * The settings tried on the same index: pgvector's ef_search (how much of the graph a walk
 * looks at) and the candidates each space passes on to exact rescoring. The first is the
 * search's default; the larger ones show what recall costs at this size. ef_search stops at
 * 1,000 (pgvector's limit); more candidates than that come from its iterative scan, which
 * walks on past ef_search.
 */
const SETTINGS: readonly { efSearch: number; candidates: number }[] = [
  { efSearch: DEFAULT_CANDIDATES, candidates: DEFAULT_CANDIDATES },
  { efSearch: 400, candidates: 400 },
  { efSearch: 1000, candidates: 1000 },
  { efSearch: 1000, candidates: 2000 },
  { efSearch: 1000, candidates: 4000 },
];

export interface PostgresBenchResult {
  items: number;
  shape: VectorShape;
  hnsw: { m: number; efConstruction: number };
  skipped?: string;
  /** Items written per second with their three vectors: SQLite (the store's writes), PostgreSQL (the copy's batches and COPY). */
  sqliteItemsPerSecond: number;
  postgresItemsPerSecond: number;
  /** Building the three spaces' HNSW indexes after the rows were in. */
  hnswSeconds: number;
  queries: { name: string; sqlite: { p50: number; p95: number }; postgres: PostgresSetting[] }[];
}

/**
 * The PostgreSQL store against SQLite in one run, on clustered vectors of one shape
 * (vector-shapes.ts; `isotropic` is the search bench's) in 3 spaces (512, 512, 768): the
 * insert rate, fused top-20 latency for 1 and 3 spaces, and recall@20 of PostgreSQL's HNSW
 * candidates against SQLite's exact search.
 */
export async function benchPostgres(options: {
  items: number;
  dir: string;
  queries: number;
  shape: VectorShape;
  hnsw?: HnswBuild;
  log: (line: string) => void;
}): Promise<PostgresBenchResult> {
  const { items, log, shape } = options;
  const hnsw = { m: options.hnsw?.m ?? 16, efConstruction: options.hnsw?.efConstruction ?? 64 };
  const none = { items, shape, hnsw, sqliteItemsPerSecond: 0, postgresItemsPerSecond: 0, hnswSeconds: 0, queries: [] };
  if (postgresMissing) return { ...none, skipped: postgresMissing };
  // Room to build an HNSW index in memory (about 2.2 GB a space at 1M 512-d vectors), and a larger WAL between checkpoints.
  const cluster = startPostgres(undefined, { maintenance_work_mem: items > 200_000 ? '6GB' : '1GB', max_wal_size: '8GB', shared_buffers: '1GB' });
  const engine = Engine.open({ databaseFile: path.join(options.dir, `postgres-${items}-${shape}-${hnsw.m}-${hnsw.efConstruction}.db`), env: { SEMBLANCE_MODELS_DIR: path.join(options.dir, 'models'), SEMBLANCE_OFFLINE: '1' } });
  let pg: PgStore | undefined;
  try {
    for (const space of Object.keys(DIMS) as (keyof typeof DIMS)[]) engine.store.setSpaceModel(space, `bench/${space}`, DIMS[space]);
    const draw = clusteredVectors(shape);
    const member = (space: keyof typeof DIMS, i: number): Float32Array => draw(space, DIMS[space], i);
    let sqliteSeconds = 0;
    for (let start = 0; start < items; start += 1000) {
      const writes: ItemWrite[] = [];
      for (let i = start; i < Math.min(items, start + 1000); i++) {
        writes.push({ item: { kind: 'photo', path: `/bench/${i % 10}/${i}.jpg` }, vectors: { clip: member('clip', i), visual: member('visual', i), text: member('text', i) } });
      }
      const started = performance.now();
      engine.store.writeItems(writes);
      sqliteSeconds += (performance.now() - started) / 1000;
    }
    log(`  SQLite: ${items.toLocaleString()} items with 3 vectors each written in ${sqliteSeconds.toFixed(1)} s`);

    pg = await PgStore.open(cluster.url, { hnsw });
    let indexStarted = 0;
    let hnswSeconds = 0;
    let writtenAt = 0;
    const copyStarted = performance.now();
    await copyToPostgres(engine.store, pg, {
      batch: 2000,
      onProgress: ({ step, done }) => {
        if (!step.startsWith('index ')) return;
        if (done === 0) indexStarted = performance.now();
        // Every row and vector is in once the first index is begun.
        if (done === 0 && writtenAt === 0) writtenAt = indexStarted;
        else hnswSeconds += (performance.now() - indexStarted) / 1000;
      },
    });
    const postgresSeconds = (writtenAt - copyStarted) / 1000;
    log(`  PostgreSQL: the same rows and vectors written in ${postgresSeconds.toFixed(1)} s (batches of 2,000, vectors by COPY), HNSW indexes built in ${hnswSeconds.toFixed(1)} s`);

    const queries: PostgresBenchResult['queries'] = [];
    for (const set of [
      { name: '1 space (512-d)', spaces: ['clip'] as Space[] },
      { name: '3 spaces (512+512+768)', spaces: ['clip', 'visual', 'text'] as Space[] },
    ]) {
      const sqliteMs: number[] = [];
      const settings = SETTINGS.map((setting) => ({ ...setting, ms: [] as number[], recall: 0 }));
      for (let q = 0; q < options.queries; q++) {
        const terms: VectorTerm[] = set.spaces.map((space, s) => ({ space, vector: Array.from(member(space as keyof typeof DIMS, 1_000_003 + q * 31 + s)), weight: s === 0 ? 1 : 0.5 }));
        let started = performance.now();
        const exact = (await engine.searchVectors({ terms, k: 20 })).results;
        sqliteMs.push(performance.now() - started);
        // Each query's settings in turn, starting with a different one each time: the first to
        // walk a region of the graph reads its pages from disk, the later ones find them cached.
        for (let i = 0; i < settings.length; i++) {
          const setting = settings[(q + i) % settings.length] as (typeof settings)[number];
          started = performance.now();
          const found = await pgFusedSearch(pg, { terms, k: 20 }, { efSearch: setting.efSearch, candidates: setting.candidates });
          setting.ms.push(performance.now() - started);
          const ids = new Set(found.map((h) => h.id));
          setting.recall += exact.filter((h) => ids.has(h.id)).length / Math.max(1, exact.length);
        }
      }
      queries.push({
        name: set.name,
        sqlite: { p50: percentile(sqliteMs.slice(1), 50), p95: percentile(sqliteMs.slice(1), 95) },
        postgres: settings.map(({ efSearch, candidates, ms, recall }) => ({ efSearch, candidates, p50: percentile(ms.slice(1), 50), p95: percentile(ms.slice(1), 95), recallAt20: recall / options.queries })),
      });
    }
    return { items, shape, hnsw, sqliteItemsPerSecond: items / sqliteSeconds, postgresItemsPerSecond: items / postgresSeconds, hnswSeconds, queries };
  } finally {
    await pg?.close();
    await engine.close();
    cluster.stop();
  }
}
