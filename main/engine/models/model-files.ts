import fs from 'node:fs';
import path from 'node:path';
import type { Dtype, ModelConfig, ModelSpace, ModelSpec } from './registry.js';

/** The ONNX file name suffix transformers.js uses for each dtype. */
const SUFFIX: Record<Dtype, string> = { fp32: '', q8: '_quantized' };

/** The files a model folder must hold for a space, relative to the folder. */
export function requiredFiles(space: ModelSpace, dtype: Dtype): string[] {
  const suffix = SUFFIX[dtype];
  switch (space) {
    case 'clip':
      return [
        'config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'preprocessor_config.json',
        `onnx/text_model${suffix}.onnx`,
        `onnx/vision_model${suffix}.onnx`,
      ];
    case 'visual':
      return ['config.json', 'preprocessor_config.json', `onnx/model${suffix}.onnx`];
    case 'text':
      return ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${suffix}.onnx`];
  }
}

/** The folder a model's files are read from (and downloaded into, for hub ids). */
export function modelFolder(spec: ModelSpec, config: Pick<ModelConfig, 'modelsDir'>): string {
  return spec.local ? spec.id : path.join(config.modelsDir, ...spec.id.split('/'));
}

export interface ModelPresence {
  folder: string;
  present: boolean;
  missing: string[];
  bytes: number;
}

export function checkModelFiles(spec: ModelSpec, config: Pick<ModelConfig, 'modelsDir'>): ModelPresence {
  const folder = modelFolder(spec, config);
  const missing: string[] = [];
  let bytes = 0;
  for (const file of requiredFiles(spec.space, spec.dtype)) {
    const stat = fs.statSync(path.join(folder, file), { throwIfNoEntry: false });
    if (stat?.isFile() && stat.size > 0) bytes += stat.size;
    else missing.push(file);
  }
  return { folder, present: missing.length === 0, missing, bytes };
}

/** The vector length a model folder's config.json implies, where it says. */
export function dimsFromConfig(folder: string): number | null {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const number = (value: unknown): number | null => (typeof value === 'number' && value > 0 ? value : null);
  switch (config['model_type']) {
    case 'clip':
      return number(config['projection_dim']);
    case 'resnet': {
      const sizes = config['hidden_sizes'];
      return Array.isArray(sizes) ? number(sizes.at(-1)) : null;
    }
    case 'distilbert':
      return number(config['dim']);
    case 'mobilenet_v2':
      // The pooled features have 1280 channels, scaled up (never down) by the depth multiplier.
      return Math.round(1280 * Math.max(1, number(config['depth_multiplier']) ?? 1));
    default:
      return number(config['hidden_size']);
  }
}
