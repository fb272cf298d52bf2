/**
 * The whole embedding pipeline in a process of its own (peak RSS is then the pipeline's):
 * reads {env, photos, spaces} as JSON on stdin, embeds the photos in the worker pool, times
 * text queries, measures idle CPU afterwards, and prints one JSON line.
 */
import { EmbedPool } from '../main/engine/embed/embed-pool.js';
import type { ImageSpace } from '../main/engine/embed/embedders.js';
import { resolveModelConfig } from '../main/engine/models/registry.js';
import { readStdinJson, rssSampler } from './child-process.js';

export interface PipelineMeasurement {
  imagesPerSecond: number;
  failed: number;
  queryMs: number[];
  /** Peak while embedding images (the indexing workload). */
  indexingPeakRssMB: number;
  /** Peak over the whole run, text queries (and so the CLIP text tower) included. */
  peakRssMB: number;
  idleCpuPercent: number;
}

async function main(): Promise<void> {
  const { env, photos, spaces } = await readStdinJson<{ env: NodeJS.ProcessEnv; photos: string[]; spaces: ImageSpace[] }>();
  const rss = rssSampler();
  const pool = new EmbedPool({ config: resolveModelConfig(env), size: 1, threads: 2, batchSize: 8 });
  await pool.embedImages(photos.slice(0, 8), spaces); // load the models
  const start = performance.now();
  const results = await pool.embedImages(photos, spaces);
  const imagesPerSecond = photos.length / ((performance.now() - start) / 1000);
  const indexingPeakRssMB = rss.peakMB();
  const queryMs: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await pool.embedTexts([`a photo of a dog at the beach number ${i}`], 'clip');
    queryMs.push(performance.now() - t0);
  }
  rss.stop();
  const peakRssMB = rss.peakMB();
  // Idle CPU: one second for the last query's aftermath (GC, threads winding down), then two
  // seconds of measured quiet. onnxruntime's spinning threads are off, so this should be ~0.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  const measurement: PipelineMeasurement = {
    imagesPerSecond,
    failed: results.filter((r) => !r.ok).length,
    queryMs,
    indexingPeakRssMB,
    peakRssMB,
    idleCpuPercent: ((cpu.user + cpu.system) / 1000 / 2000) * 100,
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

await main();
