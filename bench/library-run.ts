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
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

await main();
