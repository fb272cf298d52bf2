import { makeGenerator } from './search.js';

/**
 * The bench's vectors, in two shapes. Both put items around 300 cluster centres; they differ
 * in how the points spread in their 512 or 768 dimensions, which is what decides how well a
 * graph index (HNSW) finds the nearest ones.
 *
 * - `isotropic`: centres and offsets uniform in every dimension alike. Within a cluster the
 *   points are as random points in 512 dimensions, all nearly equally far from each other:
 *   the worst case for HNSW, kept as the search bench's vectors and as a bound.
 * - `spectrum`: shaped like real image embeddings. The real MobileNetV2 (int8, 1280-d pooled
 *   features) on the 1,000 ImageNet sample photos of ../shared/photos gives, after L2
 *   normalising: a common direction holding half of each vector's length squared (mean cosine
 *   between two photos 0.50), and around it variances that fall off as λ_i ∝ (i + 80)^-2.59
 *   (fitted to the sorted eigenvalues of their covariance; over 512 dimensions the fit's first
 *   10 hold 18% of the variance against the photos' 17%, its first 200 90% against 89%). This
 *   shape draws both the cluster centres and the offsets around them from that spectrum, half
 *   the variance each. `npm run bench -- --only spectrum` compares 1,000 vectors of each:
 *   participation ratio (about how many dimensions the spread fills) 144 for the photos, 104
 *   for this shape, 281 for `isotropic`; mean cosine 0.50, 0.50, 0.00; cosine with the nearest
 *   other 0.70, 0.77, 0.52. CLIP's embeddings are described the same way (they sit in a
 *   narrow cone, and a few directions carry most of their spread), though not measured here:
 *   no CLIP image tower is on these machines.
 */
export type VectorShape = 'isotropic' | 'spectrum';

export const VECTOR_SHAPES: readonly VectorShape[] = ['isotropic', 'spectrum'];

/** The spectrum's fit (see above): λ_i = (i + OFFSET)^-POWER for i = 1, 2, …. */
export const SPECTRUM_FIT = { offset: 80, power: 2.59, commonShare: 0.5 } as const;

const CENTRES = 300;

/** member(space, dims, i): a new vector for item i in that space, around item i's cluster centre (each space has its own centres). */
export type MemberOf = (space: string, dims: number, i: number) => Float32Array;

export function clusteredVectors(shape: VectorShape, seed = 42): MemberOf {
  return shape === 'isotropic' ? isotropic(seed) : spectrum(seed);
}

function isotropic(seed: number): MemberOf {
  const generate = makeGenerator(seed);
  const centres = new Map<string, Float32Array[]>();
  return (space, dims, i) => {
    let list = centres.get(space);
    if (!list) centres.set(space, (list = Array.from({ length: CENTRES }, () => generate(dims, null))));
    return generate(dims, list[(i * 7919) % CENTRES] as Float32Array);
  };
}

function spectrum(seed: number): MemberOf {
  const uniform = makeGenerator(seed);
  // Box–Muller on the same stream of uniform numbers in [-0.5, 0.5).
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = (uniform(1, null)[0] as number) + 0.5 || Number.MIN_VALUE;
    const v = (uniform(1, null)[0] as number) + 0.5;
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  const scales = new Map<number, Float64Array>();
  const scaleOf = (dims: number): Float64Array => {
    let scale = scales.get(dims);
    if (scale) return scale;
    const lambda = Float64Array.from({ length: dims }, (_, j) => (j + 1 + SPECTRUM_FIT.offset) ** -SPECTRUM_FIT.power);
    const total = lambda.reduce((a, b) => a + b, 0);
    // Around the common direction, centres and offsets share the rest equally.
    scale = lambda.map((l) => Math.sqrt((l / total) * (1 - SPECTRUM_FIT.commonShare) * 0.5));
    scales.set(dims, scale);
    return scale;
  };
  const common = new Map<number, Float64Array>();
  const commonOf = (dims: number): Float64Array => {
    let direction = common.get(dims);
    if (direction) return direction;
    // A fixed direction the spectrum's axes do not favour: all coordinates alike.
    direction = new Float64Array(dims).fill(Math.sqrt(SPECTRUM_FIT.commonShare / dims));
    common.set(dims, direction);
    return direction;
  };
  const centres = new Map<string, Float32Array[]>();
  const draw = (dims: number, around: Float32Array | Float64Array): Float32Array => {
    const scale = scaleOf(dims);
    const v = new Float32Array(dims);
    for (let j = 0; j < dims; j++) v[j] = (around[j] as number) + (scale[j] as number) * gaussian();
    return v;
  };
  return (space, dims, i) => {
    let list = centres.get(space);
    if (!list) centres.set(space, (list = Array.from({ length: CENTRES }, () => draw(dims, commonOf(dims)))));
    return draw(dims, list[(i * 7919) % CENTRES] as Float32Array);
  };
}
