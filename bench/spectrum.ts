import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../main/engine/engine.js';
import { clusteredVectors, SPECTRUM_FIT } from './vector-shapes.js';

/** How a set of vectors spreads, after L2 normalising each, as vector-shapes.ts compares them. */
export interface SpreadStats {
  count: number;
  dims: number;
  /** The mean vector's length squared: the share of each vector in a common direction. */
  commonShare: number;
  /** (Σλ)² / Σλ² of the covariance's eigenvalues λ: about how many dimensions the spread fills. */
  participationRatio: number;
  meanCosine: number;
  /** Each vector's cosine with its nearest other one, averaged. */
  nearestCosine: number;
}

export interface SpectrumBenchResult {
  photos: SpreadStats;
  isotropic: SpreadStats;
  spectrum: SpreadStats;
  fit: typeof SPECTRUM_FIT;
}

/**
 * The measurement behind vector-shapes.ts's `spectrum` shape: the real MobileNetV2 on the
 * ImageNet sample photos, and the bench's two shapes, by the same statistics, on as many
 * vectors. The participation ratio needs no eigenvalues: Σλ is the trace of the covariance
 * and Σλ² its squared Frobenius norm, which the centred vectors' Gram matrix has too.
 */
export async function benchSpectrum(options: { photosDir: string; mobilenet: string; dir: string }): Promise<SpectrumBenchResult> {
  const files = fs
    .readdirSync(options.photosDir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => path.join(options.photosDir, f));
  const engine = Engine.open({
    databaseFile: path.join(options.dir, 'spectrum', 'library.db'),
    env: { SEMBLANCE_MODELS_DIR: path.join(options.dir, 'models'), SEMBLANCE_OFFLINE: '1', SEMBLANCE_MODEL_VISUAL: options.mobilenet },
    photoSpaces: ['visual'],
  });
  let photoVectors: Float32Array[];
  try {
    const embedded = await engine.embedder().embedImages(files, ['visual']);
    photoVectors = embedded.flatMap((r) => (r.ok && r.vectors.visual ? [r.vectors.visual] : []));
  } finally {
    await engine.close();
  }
  const count = photoVectors.length;
  const shaped = (shape: 'isotropic' | 'spectrum'): Float32Array[] => {
    const member = clusteredVectors(shape, 7);
    return Array.from({ length: count }, (_, i) => member('visual', 512, i));
  };
  return { photos: spreadOf(photoVectors), isotropic: spreadOf(shaped('isotropic')), spectrum: spreadOf(shaped('spectrum')), fit: SPECTRUM_FIT };
}

export function spreadOf(vectors: readonly Float32Array[]): SpreadStats {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const unit = vectors.map((v) => {
    const norm = Math.hypot(...v) || 1;
    return Float64Array.from(v, (x) => x / norm);
  });
  const mean = new Float64Array(dims);
  for (const v of unit) for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) + (v[j] as number) / n;
  const centred = unit.map((v) => v.map((x, j) => x - (mean[j] as number)));
  const dot = (a: Float64Array, b: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < a.length; j++) s += (a[j] as number) * (b[j] as number);
    return s;
  };
  let trace = 0;
  let frobenius = 0;
  let cosines = 0;
  let nearest = 0;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < n; k++) {
      const g = dot(centred[i] as Float64Array, centred[k] as Float64Array);
      frobenius += g * g;
      if (i === k) trace += g;
      else {
        const c = dot(unit[i] as Float64Array, unit[k] as Float64Array);
        cosines += c;
        if (c > best) best = c;
      }
    }
    nearest += best;
  }
  return {
    count: n,
    dims,
    commonShare: dot(mean, mean),
    participationRatio: (trace * trace) / frobenius,
    meanCosine: cosines / (n * (n - 1)),
    nearestCosine: nearest / n,
  };
}
