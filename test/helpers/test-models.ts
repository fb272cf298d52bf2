import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_MODELS = path.join(REPO, 'test', 'fixtures', 'models');
export const SHARED = path.resolve(REPO, '..', 'shared');
export const IMAGENET = path.join(SHARED, 'photos', 'imagenet-sample');
export const DEBIAN_PHOTOS = path.join(SHARED, 'photos', 'debian');

export const MOBILENET = path.join(FIXTURE_MODELS, 'mobilenetv2-int8');
/** Why tests of the real model cannot run here, or undefined when they can. */
export const mobilenetMissing = fs.existsSync(path.join(MOBILENET, 'onnx', 'model_quantized.onnx'))
  ? undefined
  : 'the real MobileNetV2 is not built: ../shared/models is absent (npm run models:test builds it when present)';
export const imagenetMissing = fs.existsSync(IMAGENET) ? undefined : `${IMAGENET} is absent`;

/**
 * The environment that points every space at a model built from code (and, with
 * `visual: 'mobilenet'`, the real MobileNetV2), offline, with an empty models folder:
 * tests use the same registry and loading code as the product.
 */
export function testModelEnv(modelsDir: string, options: { visual?: 'tiny' | 'mobilenet' } = {}): NodeJS.ProcessEnv {
  return {
    SEMBLANCE_MODELS_DIR: modelsDir,
    SEMBLANCE_OFFLINE: '1',
    SEMBLANCE_MODEL_CLIP: path.join(FIXTURE_MODELS, 'tiny-clip'),
    SEMBLANCE_MODEL_VISUAL: options.visual === 'mobilenet' ? MOBILENET : path.join(FIXTURE_MODELS, 'tiny-visual'),
    SEMBLANCE_MODEL_TEXT: path.join(FIXTURE_MODELS, 'tiny-text'),
  };
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
