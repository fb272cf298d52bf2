/**
 * Indexing a real photo folder end to end, in a process of its own (peak RSS and event-loop
 * delay are then the indexing's). Reads {folder, env, dir} as JSON on stdin, prints one JSON line:
 * raw embedding throughput of the same files (no hashing, no database, no thumbnails), the
 * full index, and a re-index of the unchanged folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Engine } from '../main/engine/engine.js';
import { contentHash } from '../main/engine/library/content-hash.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import type { ImageSpace } from '../main/engine/embed/embedders.js';
import { readStdinJson, rssSampler } from './child-process.js';

export interface LibraryMeasurement {
  files: number;
  spaces: ImageSpace[];
  rawImagesPerSecond: number;
  indexImagesPerSecond: number;
  failed: number;
  reindexSeconds: number;
  peakRssMB: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Each stage alone on the same photos, in ms per photo (embedding is decode + inference). */
  stages: { hash: number; embed: number; thumbnail: number; write: number };
  /** CLIP text encodings (ViT-B/32 text tower, q8) idle and while 300 photos index, in ms. */
  textQueries: { idle: Latency; whileIndexing: Latency; inIndexQueue: Latency } | null;
}

export interface Latency {
  p50: number;
  p95: number;
  count: number;
}

function latency(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? NaN;
  return { p50: at(50), p95: at(95), count: times.length };
}

/** Text queries every 250 ms until `work` ends; each one's time from asking to its vector. */
async function queriesDuring(work: Promise<unknown>, ask: (text: string) => Promise<unknown>): Promise<number[]> {
  let done = false;
  void work.finally(() => (done = true));
  const times: number[] = [];
  for (let q = 0; !done; q++) {
    const start = performance.now();
    await ask(`a red car at night ${q}`);
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await work;
  return times;
}

async function main(): Promise<void> {
  const { folder, env, dir, spaces } = await readStdinJson<{ folder: string; env: NodeJS.ProcessEnv; dir: string; spaces: ImageSpace[] }>();
  const rss = rssSampler();
  const engine = Engine.open({ databaseFile: path.join(dir, 'library-bench', 'library.db'), env, photoSpaces: spaces });
  const files = fs
    .readdirSync(folder)
    .filter((f) => /\.jpe?g$/i.test(f))
    .map((f) => path.join(folder, f));

  const pool = engine.embedder();
  await pool.embedImages(files.slice(0, 16), spaces); // load the models
  let start = performance.now();
  await pool.embedImages(files, spaces);
  const rawImagesPerSecond = files.length / ((performance.now() - start) / 1000);

  // Each stage alone, on the same files: hashing (read + SHA-256, 16 at a time as the job
  // does), embedding with its thumbnails (the worker's stage), and the database writes.
  start = performance.now();
  for (let i = 0; i < files.length; i += 16) await Promise.all(files.slice(i, i + 16).map((file) => contentHash(file)));
  const hashMs = (performance.now() - start) / files.length;
  const thumbs = path.join(dir, 'library-bench-thumbs');
  start = performance.now();
  const embedded = await pool.embedImages(files, spaces, { thumbnails: files.map((_, i) => path.join(thumbs, `${i}.webp`)) });
  const embedWithThumbsMs = (performance.now() - start) / files.length;
  const sample = embedded.find((r) => r.ok);
  const writer = Engine.open({ databaseFile: path.join(dir, 'library-bench-writes', 'library.db'), env });
  let writeMs = 0;
  if (sample?.ok) {
    for (const [space, vector] of Object.entries(sample.vectors)) writer.store.setSpaceModel(space as ImageSpace, `bench/${space}`, vector.length);
    start = performance.now();
    for (let i = 0; i < files.length; i += 32) {
      const writes: ItemWrite[] = files.slice(i, i + 32).map((file, j) => ({
        item: { kind: 'photo', path: `/bench/writes/${i + j}/${path.basename(file)}`, contentHash: `${i + j}`, width: 500, height: 375 },
        vectors: sample.vectors,
      }));
      writer.store.writeItems(writes);
    }
    writeMs = (performance.now() - start) / files.length;
  }
  await writer.close();

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  start = performance.now();
  const summary = await engine.index({ paths: [folder] });
  const indexSeconds = (performance.now() - start) / 1000;
  delay.disable();

  start = performance.now();
  const again = await engine.index({ paths: [folder] });
  const reindexSeconds = (performance.now() - start) / 1000;
  if (again.counts.skipped !== summary.counts.found) throw new Error(`re-index read ${again.counts.found - again.counts.skipped} files`);
  rss.stop();

  // A person searching while photos index: the query lane against the old single queue.
  let textQueries: LibraryMeasurement['textQueries'] = null;
  if (env['SEMBLANCE_MODEL_CLIP']) {
    const idle: number[] = [];
    await pool.embedTexts(['warm up'], 'clip', { lane: 'query' });
    for (let q = 0; q < 20; q++) {
      const start = performance.now();
      await pool.embedTexts([`a red car at night ${q}`], 'clip', { lane: 'query' });
      idle.push(performance.now() - start);
    }
    const subset = files.slice(0, 300);
    const second = Engine.open({ databaseFile: path.join(dir, 'library-bench-2', 'library.db'), env, photoSpaces: spaces });
    const secondPool = second.embedder();
    await secondPool.embedTexts(['warm up'], 'clip', { lane: 'query' });
    const folder2 = path.join(dir, 'library-bench-2', 'photos');
    fs.mkdirSync(folder2, { recursive: true });
    for (const file of subset) fs.symlinkSync(file, path.join(folder2, path.basename(file)));
    const whileIndexing = await queriesDuring(second.index({ paths: [folder2] }), (text) => secondPool.embedTexts([text], 'clip', { lane: 'query' }));
    const inIndexQueue = await queriesDuring(secondPool.embedImages(subset, spaces), (text) => secondPool.embedTexts([text], 'clip', { lane: 'index' }));
    await second.close();
    textQueries = { idle: latency(idle), whileIndexing: latency(whileIndexing), inIndexQueue: latency(inIndexQueue) };
  }
  await engine.close();
  const measurement: LibraryMeasurement = {
    files: summary.counts.found,
    spaces,
    rawImagesPerSecond,
    indexImagesPerSecond: summary.counts.found / indexSeconds,
    failed: summary.counts.failed,
    reindexSeconds,
    peakRssMB: rss.peakMB(),
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
    stages: { hash: hashMs, embed: 1000 / rawImagesPerSecond, thumbnail: Math.max(0, embedWithThumbsMs - 1000 / rawImagesPerSecond), write: writeMs },
    textQueries,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

await main();
