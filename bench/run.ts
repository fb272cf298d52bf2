/**
 * `npm run bench`: prints each benchmark's table with the machine it ran on and writes the
 * numbers as JSON under bench/results/. Never part of `npm test`.
 *
 *   npm run bench                        everything: search at 10k and 100k items, embedding
 *   npm run bench -- --only search --items 10000
 *   npm run bench -- --only embed --photos 100
 *   npm run bench -- --only ui --items 100000
 *   npm run bench -- --only pool --photos 200    the embedding pool against piscina's
 *   npm run bench -- --only cli --items 100000   one-shot commands, process start to exit
 *   npm run bench -- --only text                reading text: drawn pages and real photos per second, with and without the quick look, against indexing
 *   npm run bench -- --only faces               finding faces: per photo, faces/s, against indexing, memory
 *   npm run bench -- --only map                 the map's layout and clusters at 10k and 100k items, frames in Chromium
 *   npm run bench -- --only postgres --items 100000   PostgreSQL + pgvector against SQLite: inserts, fused top-20, recall@20
 *       [--vectors isotropic|spectrum] (default both, see vector-shapes.ts) [--hnsw-m 16] [--hnsw-ef-construction 64]
 *   npm run bench -- --only spectrum            how real MobileNetV2 vectors of the ImageNet photos spread, against the bench's two vector shapes
 *   npm run bench -- --only duplicates          the same-photo grouping, the duplicate job and new photos' check at 10k and 100k
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { benchEmbed, defaultEmbedDirs, type EmbedBenchResult } from './embed.js';
import { benchCatalog, type CatalogBenchResult } from './catalog.js';
import { benchCli, type CliBenchResult } from './cli.js';
import { benchText, type TextBenchResult } from './text.js';
import { benchFaces, type FacesBenchResult } from './faces.js';
import { benchPostgres, type PostgresBenchResult } from './postgres.js';
import { benchMap, type MapBenchResult } from './map.js';
import { benchMapUi, type MapUiBenchResult } from './map-ui.js';
import { benchDuplicateJob, benchDuplicates, type DuplicateJobBenchResult, type DuplicatesBenchResult } from './duplicates.js';
import { benchLibrary } from './library.js';
import { buildTextTower } from './models/clip-vit-b32.js';
import type { LibraryMeasurement } from './library-run.js';
import { benchSearch, type SearchBenchResult } from './search.js';
import { benchUi, type UiBenchResult } from './ui.js';
import { benchPool, type PoolBenchResult } from './pool.js';
import { VECTOR_SHAPES, type VectorShape } from './vector-shapes.js';
import { benchSpectrum, type SpectrumBenchResult } from './spectrum.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    clip: { type: 'string' },
    items: { type: 'string', multiple: true },
    queries: { type: 'string', default: '20' },
    photos: { type: 'string', default: '200' },
    vectors: { type: 'string', multiple: true },
    'hnsw-m': { type: 'string' },
    'hnsw-ef-construction': { type: 'string' },
  },
});
const only = values.only;
if (only !== undefined && !['search', 'embed', 'library', 'catalog', 'ui', 'pool', 'cli', 'duplicates', 'text', 'map', 'faces', 'postgres', 'spectrum'].includes(only)) {
  console.error('usage: npm run bench -- [--only search|embed|library|catalog|ui|pool|cli|duplicates|text|map|faces|postgres|spectrum] [--items N ...] [--queries N] [--photos N] [--clip <model folder>]');
  process.exit(2);
}
const sizes = (values.items ?? ['10000', '100000']).map(Number);
const shapes = (values.vectors ?? VECTOR_SHAPES) as VectorShape[];
if (shapes.some((shape) => !VECTOR_SHAPES.includes(shape))) {
  console.error(`usage: npm run bench -- --only postgres [--vectors ${VECTOR_SHAPES.join('|')}]`);
  process.exit(2);
}
const hnswOption = (name: 'hnsw-m' | 'hnsw-ef-construction'): number | undefined => (values[name] === undefined ? undefined : Number(values[name]));
const hnsw = { m: hnswOption('hnsw-m'), efConstruction: hnswOption('hnsw-ef-construction') };
const queries = Number(values.queries);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(queries) || queries < 1) {
  console.error('usage: npm run bench -- [--items N ...] [--queries N]');
  process.exit(2);
}

const machine = machineInfo();
const log = (line: string): void => console.log(line);
log(`Semblance benchmarks on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semblance-bench-'));
const results: SearchBenchResult[] = [];
let embed: EmbedBenchResult | null = null;
let library: LibraryMeasurement | null = null;
let catalog: CatalogBenchResult | null = null;
const ui: UiBenchResult[] = [];
let pool: PoolBenchResult | null = null;
let cli: CliBenchResult | null = null;
const duplicates: DuplicatesBenchResult[] = [];
const duplicateJobs: DuplicateJobBenchResult[] = [];
let text: TextBenchResult | null = null;
const maps: MapBenchResult[] = [];
let mapUi: MapUiBenchResult | null = null;
let faces: FacesBenchResult | null = null;
const postgres: PostgresBenchResult[] = [];
let spectrum: SpectrumBenchResult | null = null;
/** The bench's CLIP text model folder, written once (see writeClipTextModel). */
let clipTextFolder: string | undefined;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
try {
  if (only === undefined || only === 'library') {
    library = benchLibrary(repo, dir, values.clip, log, writeClipTextModel(repo, dir));
  }
  if (only === undefined || only === 'catalog') {
    log('\nProducts');
    catalog = await benchCatalog({ dir, repo, log, sizes: [10_000, 100_000] });
  }
  if (only === undefined || only === 'embed') {
    const dirs = defaultEmbedDirs(repo);
    if (!fs.existsSync(dirs.photosDir) || !fs.existsSync(dirs.clipFiles)) {
      log(`\nEmbedding: skipped (needs ${dirs.photosDir} and npm run models:test)`);
    } else {
      log(`\nEmbedding (${values.photos} photos of ${dirs.photosDir})`);
      embed = await benchEmbed({ dir, ...dirs, photos: Number(values.photos), log });
    }
  }
  if (only === undefined || only === 'pool') {
    const dirs = defaultEmbedDirs(repo);
    if (!fs.existsSync(dirs.photosDir) || !dirs.mobilenetDir) {
      log(`\nWorker pool: skipped (needs ${dirs.photosDir} and npm run models:test)`);
    } else {
      log(`\nWorker pool: ours against piscina (real photos, MobileNetV2 int8 + tiny CLIP + colour)`);
      pool = await benchPool({ dir, photosDir: dirs.photosDir, photos: Number(values.photos), rounds: 5, log });
    }
  }
  for (const items of only === undefined || only === 'ui' ? [sizes[sizes.length - 1] ?? 100_000] : []) {
    log(`\nThe UI's grid in Chromium, ${items} items`);
    const result = await benchUi({ dir, items, log });
    if (result) {
      ui.push(result);
      log(`  first grid: ${fmt(result.firstGridMs, 0)} ms after navigation; jump to the end: rows there in ${fmt(result.jumpToEndMs, 0)} ms`);
      log(
        `  timeline (${result.monthJump.months} months): a click on a month to its first item in the grid, selected: ` +
          `p50 ${fmt(result.monthJump.p50, 0)} ms, slowest ${fmt(result.monthJump.max, 0)} ms over ${result.monthJump.jumps} jumps (goal ≤ 300 ms)`,
      );
      log(
        `  scrolling 900 px a frame: frame p50 ${fmt(result.scrollFrames.p50, 1)} ms, p95 ${fmt(result.scrollFrames.p95, 1)} ms, ` +
          `max ${fmt(result.scrollFrames.max, 1)} ms over ${result.scrollFrames.frames} frames; at most ${result.cellsInPage} cells in the page`,
      );
    }
  }
  for (const items of only === undefined || only === 'duplicates' ? sizes : []) {
    // Comparing every pair is the baseline where it takes seconds, not hours.
    const result = benchDuplicates(items, items <= 20_000);
    duplicates.push(result);
    log(`\nDuplicates, same-photo tier, ${items} pictures (synthetic perceptual hashes, 1 in 20 a near-copy 4-10 bits away)`);
    log(
      `  grouping: ${fmt(result.seconds, 2)} s (${fmt(items / result.seconds, 0)} pictures/s); planted pairs found ${result.plantedFound} of ${result.planted}` +
        (result.bruteForceSeconds !== null ? `; every pair compared: ${fmt(result.bruteForceSeconds, 2)} s, ${fmt(result.bruteForceSeconds / result.seconds, 1)}x slower` : ''),
    );
    const job = await benchDuplicateJob(items, dir);
    duplicateJobs.push(job);
    log(`Duplicates, the whole job on an engine, ${items} photos (512-d clustered visual vectors; 1 in 20 a re-save, 1 in 20 a burst frame)`);
    log(
      `  whole-library check: ${fmt(job.checkSeconds, 1)} s (${fmt(job.picturesPerSecond, 0)} photos/s), ${job.pairs} pairs kept; ` +
        `planted re-saves found ${job.samePhotoFound} of ${job.samePhotoPlanted}, burst frames ${job.momentFound} of ${job.momentPlanted}`,
    );
    log(`  ${job.newPhotos} new photos checked against the library: ${fmt(job.incrementalMsPerPhoto, 1)} ms a photo; the view's groups from the kept evidence: ${fmt(job.groupsMs, 0)} ms (${fmt(job.similarGroupsMs, 0)} ms with the similar tier)`);
  }
  for (const items of only === undefined || only === 'map' ? sizes : []) {
    const result = await benchMap(items);
    maps.push(result);
    log(`\nThe map's layout, ${items} items (${result.dims}-d unit vectors around ${result.clusters} planted centres)`);
    log(
      `  UMAP on a sample of ${Math.min(items, 8000)}, the rest placed by their neighbours: ${fmt(result.seconds, 1)} s; ` +
        `of 1,000 probes' 10 nearest on the map ${fmt(result.clusterKept * 100, 1)}% are from their cluster, by the vectors themselves ${fmt(result.clusterKeptInSpace * 100, 1)}%`,
    );
    const c = result.clustering;
    log(
      `  its clusters (HDBSCAN on the map): ${fmt(c.seconds, 2)} s (${fmt((c.seconds / result.seconds) * 100, 1)}% of the layout's time); ${c.regions} regions (${c.leaves} finer groups) ` +
        `holding ${fmt(c.clustered * 100, 1)}% of the items, ${fmt(c.purity * 100, 1)}% of them in their region's commonest planted cluster`,
    );
  }
  if (only === undefined || only === 'map') {
    const items = sizes[sizes.length - 1] ?? 100_000;
    log(`\nThe map view in Chromium, ${items} points (headless, software WebGL: no GPU)`);
    mapUi = await benchMapUi({ dir, items, log });
    if (mapUi) {
      const frames = (f: MapUiBenchResult['panFrames']): string =>
        `p50 ${fmt(f.p50, 1)} ms, p95 ${fmt(f.p95, 1)} ms, max ${fmt(f.max, 0)} ms over ${f.frames} frames, drawing ${f.drawn.toLocaleString('en-US')} points by the end`;
      log(`  opened in ${fmt(mapUi.openMs, 0)} ms; frames while panning: ${frames(mapUi.panFrames)}; while zooming: ${frames(mapUi.zoomFrames)}`);
    }
  }
  if (only === undefined || only === 'faces') {
    faces = await benchFaces(path.resolve(repo, '..', 'shared', 'photos', 'imagenet-sample'), 60);
    const f = faces;
    log('\nFaces (face-api: TinyFaceDetector first, SSD MobileNetV1 where it sees a face, 68 landmarks, 128-d descriptors; one worker: both detectors and the descriptors on onnxruntime, the landmarks on TensorFlow.js WebAssembly)');
    log(`  loading the networks: ${fmt(f.loadMs, 0)} ms once; the worker and its networks take ${fmt(f.memoryMb, 0)} MB more memory`);
    log(`  ${f.peoplePhotos} photos of people (1920 px group photos, the astronaut): ${fmt(f.msPerPeoplePhoto, 0)} ms a photo, ${f.faces} faces, ${fmt(f.facesPerSecond, 2)} faces/s`);
    log(`  ${f.otherPhotos} ImageNet photos (about 500×375): ${fmt(f.msPerOtherPhoto, 0)} ms a photo, ${f.otherFaces} faces; ${f.notFaces} taken for faces by one detector only, not kept`);
    log(
      `  indexing a photo on one thread (decode, CLIP ViT-B/32, ResNet-18): ${fmt(f.indexSecondsPerPhoto * 1000, 0)} ms; finding its faces adds ` +
        `${fmt(f.msPerOtherPhoto / 1000 / f.indexSecondsPerPhoto, 1)}x that for an ordinary photo, ${fmt(f.msPerPeoplePhoto / 1000 / f.indexSecondsPerPhoto, 1)}x for a large group photo`,
    );
    log('  the same weights two ways, median ms per input (TensorFlow.js WebAssembly | onnxruntime, 2 threads | 1 thread), and how their outputs agree:');
    for (const r of f.runtimes) {
      const agreement = r.network.startsWith('recognition') ? `least cosine between descriptors ${r.agreement.toFixed(6)}` : `largest difference ${r.agreement.toExponential(1)}`;
      log(`    ${r.network}: ${fmt(r.wasmMs, 1)} | ${fmt(r.onnxMs, 1)} | ${fmt(r.onnxOneThreadMs, 1)} ms (${fmt(r.wasmMs / r.onnxOneThreadMs, 1)}x faster on one thread); ${agreement}`);
    }
    log(`    the 68-landmark net, left on TensorFlow.js WebAssembly: ${fmt(f.landmarksMs, 1)} ms a face`);
  }
  if (only === undefined || only === 'spectrum') {
    const dirs = defaultEmbedDirs(repo);
    if (!fs.existsSync(dirs.photosDir) || !dirs.mobilenetDir) log(`\nVector shapes: skipped (needs ${dirs.photosDir} and npm run models:test)`);
    else {
      log(`\nVector shapes: the real MobileNetV2 on ${dirs.photosDir}, and the bench's shapes (vector-shapes.ts), as many vectors each`);
      spectrum = await benchSpectrum({ photosDir: dirs.photosDir, mobilenet: dirs.mobilenetDir, dir });
      for (const [name, s] of [['photos (1280-d)', spectrum.photos], ['isotropic (512-d)', spectrum.isotropic], ['spectrum (512-d)', spectrum.spectrum]] as const) {
        log(
          `  ${name}: ${s.count} vectors; common direction ${fmt(s.commonShare, 2)} of each; participation ratio ${fmt(s.participationRatio, 0)} dimensions; ` +
            `mean cosine ${fmt(s.meanCosine, 3)}, with the nearest other ${fmt(s.nearestCosine, 3)}`,
        );
      }
    }
  }
  for (const items of only === undefined || only === 'postgres' ? sizes : []) for (const shape of shapes) {
    log(`\nPostgreSQL + pgvector against SQLite, ${items.toLocaleString()} items, 3 spaces (512, 512, 768), ${shape} vectors, one run`);
    const r = await benchPostgres({ items, dir, queries, shape, hnsw, log });
    postgres.push(r);
    if (r.skipped) log(`  skipped: ${r.skipped}`);
    else {
      log(
        `  insert: SQLite ${fmt(r.sqliteItemsPerSecond, 0)} items/s, PostgreSQL ${fmt(r.postgresItemsPerSecond, 0)} items/s (${fmt(r.postgresItemsPerSecond / r.sqliteItemsPerSecond, 2)}x), ` +
          `then HNSW (m ${r.hnsw.m}, ef_construction ${r.hnsw.efConstruction}) ${fmt(r.hnswSeconds, 1)} s`,
      );
      for (const q of r.queries) {
        log(`  top-20, ${q.name}: SQLite exact p50 ${fmt(q.sqlite.p50, 1)} / p95 ${fmt(q.sqlite.p95, 1)} ms; PostgreSQL:`);
        for (const s of q.postgres) {
          log(
            `    ef_search ${s.efSearch}, ${s.candidates} candidates per space: p50 ${fmt(s.p50, 1)} / p95 ${fmt(s.p95, 1)} ms (${fmt(s.p50 / q.sqlite.p50, 1)}x SQLite's), recall@20 ${s.recallAt20.toFixed(3)}`,
          );
        }
      }
    }
  }
  if (only === undefined || only === 'text') {
    text = await benchText(path.resolve(repo, '..', 'shared', 'photos', 'imagenet-sample'), 20, 84);
    const t = text;
    log('\nText in pictures (Tesseract English, one worker)');
    log(`  ${t.pages} drawn receipts (640×480, 6 lines): ${fmt(t.pagesPerSecond, 2)} pages/s; the quick look passed ${t.pagesPassed} of ${t.pages}`);
    log(`  ${t.photos} ImageNet photos, every one read: ${fmt(t.photosPerSecond, 2)} photos/s (${t.photosWithText} with something read)`);
    log(
      `  the same with the quick look first: ${fmt(t.photosPerSecondWithLook, 2)} photos/s, ${fmt(t.photosPerSecondWithLook / t.photosPerSecond, 1)}x; ` +
        `it passed ${t.photosWithTextPassed} of the ${t.photosWithText} with something read`,
    );
    log(`  the quick look alone: ${fmt(t.look.msPerPhoto, 1)} ms a photo, passed ${t.look.passed} of ${t.look.photos} ImageNet photos (${fmt((100 * t.look.passed) / Math.max(1, t.look.photos), 0)}%)`);
    const index = t.indexSecondsPerPhoto;
    log(
      `  indexing a photo on one thread (decode, CLIP ViT-B/32, ResNet-18): ${fmt(index * 1000, 0)} ms; reading its text adds ` +
        `${fmt(1 / t.photosPerSecond / index, 1)}x that when every photo is read, ${fmt(1 / t.photosPerSecondWithLook / index, 2)}x with the quick look`,
    );
  }
  const clipTextModel = only === undefined || only === 'search' || only === 'cli' ? writeClipTextModel(repo, dir) : undefined;
  if (only === undefined || only === 'cli') {
    const items = sizes[sizes.length - 1] ?? 100_000;
    log(`\nThe command line, ${items} items`);
    cli = await benchCli({ repo, dir, items, log, ...(clipTextModel ? { clipTextModel } : {}) });
  }
  for (const items of only === undefined || only === 'search' ? sizes : []) {
    log(`\nSearch, ${items} items (k = 20, ${queries} queries per row)`);
    const result = await benchSearch({ items, dir, queries, log, ...(clipTextModel ? { clipTextModel } : {}) });
    results.push(result);
    log(`  insert: ${fmt(result.insert.itemsPerSecond, 0)} items/s (${fmt(result.insert.vectorsPerSecond, 0)} vectors/s)`);
    log(`  insert rate over the last 10k items vs the first 10k: ${fmt(result.insert.lastVsFirst * 100, 0)}%`);
    log(`  index load from the database (no codes files yet): ${fmt(result.indexLoadMs, 0)} ms, int8 index ${fmt(result.indexMegabytes, 1)} MB`);
    log(`  first 3-space query of a fresh process (codes files), from its start: ${fmt(result.firstQueryMs, 0)} ms`);
    log(
      `  next 3-space query after another process added 1,000 items: ${fmt(result.afterOther.ms, 1)} ms, ` +
        `${fmt(result.afterOther.vsNormal, 2)}x a normal one (p50), ${result.afterOther.reloads} reloads`,
    );
    log(`  sqlite-vec KNN alone, one 512-d space: p50 ${fmt(result.sqliteVecKnn512.p50, 1)} ms`);
    if (result.textQuery) {
      log(
        `  text query end to end (parse, CLIP ViT-B/32 text q8, fused search with cut-off, rows): p50 ${fmt(result.textQuery.endToEnd.p50, 1)} ms, ` +
          `p95 ${fmt(result.textQuery.endToEnd.p95, 1)} ms (slowest ${result.textQuery.endToEnd.slowest.map(({ query, ms }) => `${fmt(ms, 0)} ms "${query}"`).join(', ')}); text encoding alone p50 ${fmt(result.textQuery.encode.p50, 1)} ms`,
      );
    }
    log('  query                      fused p50   p95    plain-JS brute p50   p95   speed-up  candidates  rescored  exact');
    for (const q of result.queries) {
      log(
        `  ${q.name.padEnd(26)} ${fmt(q.fused.p50, 1).padStart(7)} ${fmt(q.fused.p95, 1).padStart(6)}` +
          `   ${fmt(q.bruteForceJs.p50, 1).padStart(15)} ${fmt(q.bruteForceJs.p95, 1).padStart(6)}` +
          `   ${fmt(q.bruteForceJs.p50 / q.fused.p50, 1).padStart(6)}×  ${String(q.candidates).padStart(10)}  ${String(q.rescored).padStart(8)}  ${q.exact ? 'yes' : 'NO'}`,
      );
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

const resultsDir = path.join(repo, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `bench-${machine.date.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, `${JSON.stringify({ machine, search: results, embed, library, catalog, ui, pool, cli, duplicates, duplicateJobs, text, maps, mapUi, faces, postgres, spectrum }, null, 2)}\n`);
log(`\nwrote ${path.relative(process.cwd(), file)}`);
if (results.some((r) => r.queries.some((q) => !q.exact))) {
  console.error('A fused result differed from the brute force: that is a bug.');
  process.exitCode = 1;
}

function fmt(value: number, digits: number): string {
  return value.toFixed(digits);
}

/**
 * A CLIP folder whose text tower is ViT-B/32's (random weights, q8, 512-d) with the real
 * CLIP BPE tokenizer (the tiny CLIP's), for the text query benchmarks. The vision tower file is a stand-in: text queries never load it.
 */
function writeClipTextModel(repo: string, dir: string): string | undefined {
  if (clipTextFolder) return clipTextFolder;
  const tiny = path.join(repo, 'test', 'fixtures', 'models', 'tiny-clip');
  if (!fs.existsSync(tiny)) return undefined;
  const folder = path.join(dir, 'clip-text-b32');
  fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json']) fs.copyFileSync(path.join(tiny, file), path.join(folder, file));
  const config = JSON.parse(fs.readFileSync(path.join(tiny, 'config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, projection_dim: 512 }));
  fs.writeFileSync(path.join(folder, 'onnx', 'text_model_quantized.onnx'), buildTextTower('q8'));
  fs.copyFileSync(path.join(tiny, 'onnx', 'vision_model.onnx'), path.join(folder, 'onnx', 'vision_model_quantized.onnx'));
  clipTextFolder = folder;
  return folder;
}
