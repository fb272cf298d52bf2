/**
 * The embedding pool against piscina's, on the same work in one run: real photos decoded and
 * embedded (tiny CLIP vision tower, the real MobileNetV2 int8, the colour descriptor), in
 * batches of 8, one worker with two onnxruntime threads, two batches in flight. Rounds
 * alternate between the two so that a noisy neighbour hurts both alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { EmbedPool } from '../main/engine/embed/embed-pool.js';
import type { ImageEmbedding, ImageSpace } from '../main/engine/embed/embedders.js';
import { resolveModelConfig } from '../main/engine/models/registry.js';
import { testModelEnv } from '../test/helpers/test-models.js';

export interface PoolBenchResult {
  photos: number;
  rounds: number;
  embedPool: number[];
  piscina: number[];
  /** Median of piscina ÷ our pool, images per second. */
  ratio: number;
}

const SPACES: ImageSpace[] = ['clip', 'visual', 'colour'];
const BATCH = 8;

export async function benchPool(options: { dir: string; photosDir: string; photos: number; rounds: number; log: (line: string) => void }): Promise<PoolBenchResult> {
  const files = fs
    .readdirSync(options.photosDir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .slice(0, options.photos)
    .map((f) => path.join(options.photosDir, f));
  const config = resolveModelConfig(testModelEnv(path.join(options.dir, 'pool-models'), { visual: 'mobilenet' }));
  const threads = Math.max(1, os.availableParallelism());
  const ours = new EmbedPool({ config, size: 1, threads, batchSize: BATCH });
  const theirs = new Piscina({
    filename: new URL('./piscina-worker.js', import.meta.url).href,
    workerData: { config, threads },
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 2,
    idleTimeout: 60_000,
  });
  const viaPiscina = async (inputs: string[]): Promise<ImageEmbedding[]> => {
    const batches: Promise<ImageEmbedding[]>[] = [];
    for (let i = 0; i < inputs.length; i += BATCH) batches.push(theirs.run({ inputs: inputs.slice(i, i + BATCH), spaces: SPACES }) as Promise<ImageEmbedding[]>);
    return (await Promise.all(batches)).flat();
  };
  const rate = async (embed: (inputs: string[]) => Promise<ImageEmbedding[]>): Promise<number> => {
    const start = performance.now();
    const results = await embed(files);
    if (results.filter((r) => r.ok).length !== files.length) throw new Error('a photo failed to embed');
    return files.length / ((performance.now() - start) / 1000);
  };
  try {
    // Load the models in both before timing.
    await ours.embedImages(files.slice(0, BATCH), SPACES);
    await viaPiscina(files.slice(0, BATCH));
    const embedPool: number[] = [];
    const piscina: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      if (round % 2 === 0) {
        embedPool.push(await rate((inputs) => ours.embedImages(inputs, SPACES)));
        piscina.push(await rate(viaPiscina));
      } else {
        piscina.push(await rate(viaPiscina));
        embedPool.push(await rate((inputs) => ours.embedImages(inputs, SPACES)));
      }
    }
    const ratios = piscina.map((p, i) => p / (embedPool[i] as number)).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)] as number;
    const show = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
    options.log(`  our pool: ${show(embedPool)} img/s; piscina: ${show(piscina)} img/s (${files.length} photos a round)`);
    options.log(`  piscina ÷ our pool, median of ${options.rounds} rounds: ${ratio.toFixed(3)}`);
    return { photos: files.length, rounds: options.rounds, embedPool, piscina, ratio };
  } finally {
    await ours.close();
    await theirs.destroy();
  }
}
