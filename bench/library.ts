import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryMeasurement } from './library-run.js';

/**
 * Indexes ../shared/photos/imagenet-sample (1000 photos) with the real MobileNetV2 (visual)
 * and colour, plus CLIP when `--clip <folder>` names a model folder, in a child process.
 */
export function benchLibrary(repo: string, dir: string, clip: string | undefined, log: (line: string) => void): LibraryMeasurement | null {
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
    ...(clip ? { SEMBLANCE_MODEL_CLIP: path.resolve(clip) } : {}),
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
  return m;
}
