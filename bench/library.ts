import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryMeasurement } from './library-run.js';

/**
 * Indexes ../shared/photos/imagenet-sample (1000 photos) with the real MobileNetV2 (visual)
 * and colour, plus CLIP when `--clip <folder>` names a model folder, in a child process.
 */
export function benchLibrary(
  repo: string,
  dir: string,
  clip: string | undefined,
  log: (line: string) => void,
  clipTextModel?: string,
): LibraryMeasurement | null {
  const folder = path.resolve(repo, '..', 'shared', 'photos', 'imagenet-sample');
  const mobilenet = path.join(repo, 'test', 'fixtures', 'models', 'mobilenetv2-int8');
  if (!fs.existsSync(folder) || !fs.existsSync(path.join(mobilenet, 'onnx', 'model_quantized.onnx'))) {
    log(`\nLibrary indexing: skipped (needs ${folder} and npm run models:test)`);
    return null;
  }
  const spaces = clip ? ['clip', 'visual', 'colour'] : ['visual', 'colour'];
  const env = {
    SEMBLANCE_MODELS_DIR: path.join(dir, 'models'),
    SEMBLANCE_OFFLINE: '1',
    SEMBLANCE_MODEL_VISUAL: mobilenet,
    // Without a real CLIP, text queries use the shape-true ViT-B/32 text tower (the photos
    // are not embedded in the clip space then: only the query's encoding is timed).
    ...(clip ? { SEMBLANCE_MODEL_CLIP: path.resolve(clip) } : clipTextModel ? { SEMBLANCE_MODEL_CLIP: clipTextModel, SEMBLANCE_DTYPE_CLIP: 'q8' } : {}),
  };
  log(`\nLibrary indexing (${folder}, spaces ${spaces.join(' + ')})`);
  const child = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'library-run.js')], {
    input: JSON.stringify({ folder, env, dir, spaces }),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`library benchmark failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout) as LibraryMeasurement;
  log(
    `  ${m.files} photos: index ${m.indexImagesPerSecond.toFixed(1)} img/s end to end, raw embedding ${m.rawImagesPerSecond.toFixed(1)} img/s ` +
      `→ ${((100 * m.indexImagesPerSecond) / m.rawImagesPerSecond).toFixed(0)}%; ${m.failed} failed`,
  );
  log(
    `  re-index unchanged: ${m.reindexSeconds.toFixed(2)} s; peak RSS ${m.peakRssMB.toFixed(0)} MB; ` +
      `event-loop delay while indexing p99 ${m.eventLoopDelayP99Ms.toFixed(1)} ms (max ${m.eventLoopDelayMaxMs.toFixed(1)} ms)`,
  );
  const { hash, embed, thumbnail, write } = m.stages;
  const total = hash + embed + thumbnail + write;
  const slowest = Math.max(hash, embed + thumbnail, write);
  log(
    `  stages alone, ms per photo (share): hash ${hash.toFixed(1)} (${((100 * hash) / total).toFixed(0)}%), decode + inference ${embed.toFixed(1)} ` +
      `(${((100 * embed) / total).toFixed(0)}%), thumbnail ${thumbnail.toFixed(1)} (${((100 * thumbnail) / total).toFixed(0)}%), ` +
      `database write ${write.toFixed(1)} (${((100 * write) / total).toFixed(0)}%); end to end ${(1000 / m.indexImagesPerSecond).toFixed(1)} ms, ` +
      `${((100 * slowest) / (1000 / m.indexImagesPerSecond)).toFixed(0)}% of the slowest stage's rate (the worker's, with thumbnails)`,
  );
  if (m.textQueries) {
    const { idle, whileIndexing, inIndexQueue } = m.textQueries;
    log(
      `  text query encoding (ViT-B/32 text, q8): idle p50 ${idle.p50.toFixed(0)} ms p95 ${idle.p95.toFixed(0)} ms; while 300 photos index, ` +
        `in the query lane p50 ${whileIndexing.p50.toFixed(0)} ms p95 ${whileIndexing.p95.toFixed(0)} ms (${(whileIndexing.p95 / idle.p95).toFixed(2)}x idle, ${whileIndexing.count} queries); ` +
        `in the indexing queue p95 ${inIndexQueue.p95.toFixed(0)} ms (${(inIndexQueue.p95 / idle.p95).toFixed(1)}x)`,
    );
  }
  return m;
}
