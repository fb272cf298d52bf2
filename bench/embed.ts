/**
 * Embedding throughput: decode alone, each model's raw onnxruntime inference alone, and the
 * whole pipeline (decode once → model inputs → inference, in the worker pool), in one run,
 * after a calibration of this machine's matrix-multiply speed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AutoProcessor, RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '../main/engine/embed/decode-image.js';
import type { PipelineMeasurement } from './embed-pipeline.js';
import { GraphBuilder, FLOAT } from '../main/engine/models/onnx-graph.js';
import { VISION_GFLOP, buildTextTower, buildVisionTower, type Precision } from './models/clip-vit-b32.js';
import { RESNET18_GFLOP, buildDistilBert, buildResNet18 } from './models/resnet-distilbert.js';
import { percentile } from './stats.js';

export interface EmbedBenchOptions {
  dir: string;
  photosDir: string;
  mobilenetDir: string | null;
  clipFiles: string;
  photos: number;
  log: (line: string) => void;
}

export interface EmbedBenchResult {
  calibration: { gflops1Thread: number; gflops2Threads: number };
  decode: Record<'photosOneCore' | 'photosTwoCores' | 'twelveMpOneCore' | 'twelveMpTwoCores' | 'twelveMpTransformersJsOneCore', number>;
  inference: Record<string, { imagesPerSecond: number; gflops?: number; efficiency?: number }>;
  textQueryMs: Record<string, { p50: number; p95: number }>;
  pipeline: {
    imagesPerSecond: number;
    slowerStage: number;
    serialBound: number;
    indexingPeakRssMB: number;
    peakRssMB: number;
    spaces: string[];
  };
  idleCpuPercent: number;
}

const SESSION = (threads: number): ort.InferenceSession.SessionOptions => ({
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** GFLOP/s of a 2048² float32 matrix product in onnxruntime: what this machine can do. */
async function calibrate(threads: number): Promise<number> {
  const n = 2048;
  const g = new GraphBuilder();
  const a = g.input('a', FLOAT, [n, n]);
  g.node('MatMul', [a, g.floats(new Float32Array(n * n).fill(0.001), [n, n])], {}, 'c');
  g.output('c', FLOAT, [n, n]);
  const session = await ort.InferenceSession.create(g.toBytes('calibration'), SESSION(threads));
  const input = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
  const times = await timeRuns(12, () => session.run({ a: input }));
  await session.release();
  return (2 * n ** 3) / 1e9 / (percentile(times, 50) / 1000);
}

/** Photo-like 12-megapixel JPEGs (smooth gradients plus grain, so they compress like photos). */
async function twelveMegapixelJpegs(dir: string, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `12mp-${i}.jpg`);
    files.push(file);
    if (fs.existsSync(file)) continue;
    const width = 4000;
    const height = 3000;
    const small = Buffer.alloc(400 * 300 * 3);
    for (let p = 0; p < 400 * 300; p++) {
      const x = p % 400;
      const y = Math.floor(p / 400);
      small[p * 3] = (x * 255) / 400;
      small[p * 3 + 1] = (y * 255) / 300;
      small[p * 3 + 2] = ((x + y + i * 40) * 97) % 256;
    }
    await sharp(small, { raw: { width: 400, height: 300, channels: 3 } })
      .resize(width, height, { kernel: 'cubic' })
      .blur(0.6)
      .jpeg({ quality: 90 })
      .toFile(file);
  }
  return files;
}

async function imagesPerSecond(files: string[], concurrency: number, work: (file: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) await work(files[next++] as string);
    }),
  );
  return files.length / ((performance.now() - start) / 1000);
}

/** A CLIP model folder with the random ViT-B/32 towers and the real CLIP preprocessing. */
function writeClipFolder(folder: string, clipFiles: string, towers: Record<Precision, { vision: Uint8Array; text: Uint8Array }>): void {
  fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(clipFiles, file), path.join(folder, file));
  const config = JSON.parse(fs.readFileSync(path.join(clipFiles, 'config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, projection_dim: 512 }));
  const processor = JSON.parse(fs.readFileSync(path.join(clipFiles, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(folder, 'preprocessor_config.json'),
    JSON.stringify({ ...processor, size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } }),
  );
  fs.writeFileSync(path.join(folder, 'onnx', 'vision_model.onnx'), towers.fp32.vision);
  fs.writeFileSync(path.join(folder, 'onnx', 'text_model.onnx'), towers.fp32.text);
  fs.writeFileSync(path.join(folder, 'onnx', 'vision_model_quantized.onnx'), towers.q8.vision);
  fs.writeFileSync(path.join(folder, 'onnx', 'text_model_quantized.onnx'), towers.q8.text);
}

export async function benchEmbed(options: EmbedBenchOptions): Promise<EmbedBenchResult> {
  const { log } = options;
  const photos = fs
    .readdirSync(options.photosDir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .slice(0, options.photos)
    .map((f) => path.join(options.photosDir, f));

  const calibration = { gflops1Thread: await calibrate(1), gflops2Threads: await calibrate(2) };
  log(`  calibration: float32 matmul ${calibration.gflops1Thread.toFixed(0)} GFLOP/s on 1 thread, ${calibration.gflops2Threads.toFixed(0)} on 2`);

  // ---- decode ----
  sharp.concurrency(1);
  const big = await twelveMegapixelJpegs(options.dir, 12);
  const clipProcessor = await AutoProcessor.from_pretrained(options.clipFiles);
  const decode = {
    photosOneCore: await imagesPerSecond(photos, 1, (f) => decodeImage(f, 256)),
    photosTwoCores: await imagesPerSecond(photos, 2, (f) => decodeImage(f, 256)),
    twelveMpOneCore: await imagesPerSecond(big, 1, (f) => decodeImage(f, 256)),
    twelveMpTwoCores: await imagesPerSecond(big, 2, (f) => decodeImage(f, 256)),
    // transformers.js's own path for the same 12 MP files: full decode, then its processor.
    twelveMpTransformersJsOneCore: await imagesPerSecond(big.slice(0, 4), 1, async (f) => clipProcessor(await RawImage.read(f))),
  };
  sharp.concurrency(0);
  log(
    `  decode + resize: photos ${decode.photosOneCore.toFixed(0)} img/s on 1 core (${decode.photosTwoCores.toFixed(0)} on 2); ` +
      `12 MP JPEG ${decode.twelveMpOneCore.toFixed(1)} img/s on 1 core (${decode.twelveMpTwoCores.toFixed(1)} on 2); ` +
      `transformers.js's path on 12 MP: ${decode.twelveMpTransformersJsOneCore.toFixed(2)} img/s`,
  );

  // ---- raw inference ----
  log('  building CLIP ViT-B/32 with random weights (fp32 and q8)…');
  const towers = {
    fp32: { vision: buildVisionTower('fp32'), text: buildTextTower('fp32') },
    q8: { vision: buildVisionTower('q8'), text: buildTextTower('q8') },
  };
  const inference: EmbedBenchResult['inference'] = {};
  const textQueryMs: EmbedBenchResult['textQueryMs'] = {};
  const batch = 8;
  const pixels = new ort.Tensor('float32', new Float32Array(batch * 3 * 224 * 224).map((_, i) => Math.sin(i) * 0.5), [batch, 3, 224, 224]);
  for (const precision of ['fp32', 'q8'] as const) {
    const vision = await ort.InferenceSession.create(towers[precision].vision, SESSION(2));
    const times = await timeRuns(4, () => vision.run({ pixel_values: pixels }));
    await vision.release();
    const ips = batch / (percentile(times, 50) / 1000);
    const gflops = ips * VISION_GFLOP;
    inference[`clip-vision-${precision}`] = { imagesPerSecond: ips, gflops, efficiency: gflops / calibration.gflops2Threads };
    const text = await ort.InferenceSession.create(towers[precision].text, SESSION(2));
    const ids = new ort.Tensor('int64', BigInt64Array.from([49406n, 320n, 1929n, 530n, 518n, 2117n, 49407n]), [1, 7]);
    const mask = new ort.Tensor('int64', new BigInt64Array(7).fill(1n), [1, 7]);
    const textTimes = await timeRuns(30, () => text.run({ input_ids: ids, attention_mask: mask }));
    await text.release();
    textQueryMs[`clip-text-${precision} raw`] = { p50: percentile(textTimes, 50), p95: percentile(textTimes, 95) };
    log(
      `  CLIP ViT-B/32 ${precision}: ${ips.toFixed(1)} img/s (${gflops.toFixed(0)} GFLOP/s, ` +
        `${((100 * gflops) / calibration.gflops2Threads).toFixed(0)}% of the calibrated matmul); text query ${percentile(textTimes, 50).toFixed(1)} ms p50`,
    );
  }
  {
    const resnet = await ort.InferenceSession.create(buildResNet18(), SESSION(2));
    const times = await timeRuns(4, () => resnet.run({ pixel_values: pixels }));
    await resnet.release();
    const ips = batch / (percentile(times, 50) / 1000);
    const gflops = ips * RESNET18_GFLOP;
    inference['resnet18-fp32'] = { imagesPerSecond: ips, gflops, efficiency: gflops / calibration.gflops2Threads };
    const distilbert = await ort.InferenceSession.create(buildDistilBert(), SESSION(2));
    const ids = new ort.Tensor('int64', BigInt64Array.from([101n, 1037n, 3899n, 2012n, 1996n, 3509n, 102n]), [1, 7]);
    const mask = new ort.Tensor('int64', new BigInt64Array(7).fill(1n), [1, 7]);
    const textTimes = await timeRuns(30, () => distilbert.run({ input_ids: ids, attention_mask: mask }));
    await distilbert.release();
    textQueryMs['distilbert-fp32 raw'] = { p50: percentile(textTimes, 50), p95: percentile(textTimes, 95) };
    log(
      `  ResNet-18 fp32 (random weights): ${ips.toFixed(0)} img/s (${gflops.toFixed(0)} GFLOP/s); ` +
        `DistilBERT fp32 (random weights) sentence: ${percentile(textTimes, 50).toFixed(1)} ms p50`,
    );
  }
  if (options.mobilenetDir) {
    const session = await ort.InferenceSession.create(path.join(options.mobilenetDir, 'onnx', 'model_quantized.onnx'), SESSION(2));
    const times = await timeRuns(6, () => session.run({ pixel_values: pixels }));
    await session.release();
    inference['mobilenetv2-int8'] = { imagesPerSecond: batch / (percentile(times, 50) / 1000) };
    log(`  MobileNetV2 int8 (real): ${inference['mobilenetv2-int8'].imagesPerSecond.toFixed(0)} img/s`);
  }

  // ---- the whole pipeline, in the worker pool, q8 CLIP + visual + colour ----
  const clipFolder = path.join(options.dir, 'clip-vit-b32-random');
  writeClipFolder(clipFolder, options.clipFiles, towers);
  const spaces = options.mobilenetDir ? (['clip', 'visual', 'colour'] as const) : (['clip', 'colour'] as const);
  const env = {
    SEMBLANCE_MODELS_DIR: path.join(options.dir, 'models'),
    SEMBLANCE_OFFLINE: '1',
    SEMBLANCE_MODEL_CLIP: clipFolder,
    SEMBLANCE_DTYPE_CLIP: 'q8',
    ...(options.mobilenetDir ? { SEMBLANCE_MODEL_VISUAL: options.mobilenetDir } : {}),
  };
  // In a process of its own, so its peak memory is the pipeline's, not this benchmark's.
  const child = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'embed-pipeline.js')], {
    input: JSON.stringify({ env, photos, spaces }),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`pipeline benchmark failed: ${child.stderr}`);
  const measured = JSON.parse(child.stdout) as PipelineMeasurement;
  const pipelineIps = measured.imagesPerSecond;
  const failed = measured.failed;
  const queryTimes = measured.queryMs;
  const clipIps = inference['clip-vision-q8']?.imagesPerSecond ?? Infinity;
  const mobileIps = inference['mobilenetv2-int8']?.imagesPerSecond ?? Infinity;
  const inferIps = 1 / (1 / clipIps + (options.mobilenetDir ? 1 / mobileIps : 0));
  const slowerStage = Math.min(decode.photosTwoCores, inferIps);
  const serialBound = 1 / (1 / (decode.photosTwoCores) + 1 / inferIps);
  textQueryMs['clip-text-q8 via pool'] = { p50: percentile(queryTimes, 50), p95: percentile(queryTimes, 95) };
  const { peakRssMB, indexingPeakRssMB, idleCpuPercent } = measured;
  log(
    `  pipeline (${spaces.join(' + ')}, q8 CLIP): ${pipelineIps.toFixed(1)} img/s over ${photos.length} photos (${failed} failed); ` +
      `slower stage alone ${slowerStage.toFixed(1)} img/s → ${((100 * pipelineIps) / slowerStage).toFixed(0)}%; ` +
      `both stages sharing 2 cores bound ${serialBound.toFixed(1)} img/s → ${((100 * pipelineIps) / serialBound).toFixed(0)}%`,
  );
  log(
    `  text query via the pool: p50 ${percentile(queryTimes, 50).toFixed(1)} ms, p95 ${percentile(queryTimes, 95).toFixed(1)} ms; ` +
      `peak RSS while indexing ${indexingPeakRssMB.toFixed(0)} MB, ${peakRssMB.toFixed(0)} MB once the text tower is loaded too (the pipeline's own process); idle CPU 1–3 s after a query ${idleCpuPercent.toFixed(1)}% of a core`,
  );
  return {
    calibration,
    decode,
    inference,
    textQueryMs,
    pipeline: { imagesPerSecond: pipelineIps, slowerStage, serialBound, indexingPeakRssMB, peakRssMB, spaces: [...spaces] },
    idleCpuPercent,
  };
}

export function defaultEmbedDirs(repo: string): { photosDir: string; mobilenetDir: string | null; clipFiles: string } {
  const mobilenet = path.join(repo, 'test', 'fixtures', 'models', 'mobilenetv2-int8');
  return {
    photosDir: path.resolve(repo, '..', 'shared', 'photos', 'imagenet-sample'),
    mobilenetDir: fs.existsSync(path.join(mobilenet, 'onnx', 'model_quantized.onnx')) ? mobilenet : null,
    clipFiles: path.join(repo, 'test', 'fixtures', 'models', 'tiny-clip'),
  };
}

