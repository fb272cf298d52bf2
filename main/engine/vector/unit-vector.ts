import { badInput } from '../errors.js';

/**
 * Checks a caller's vector and returns it scaled to unit length as float32.
 *
 * Every stored and query vector goes through here, so cosine similarity is a plain dot
 * product everywhere else. The norm is summed in float64 in index order: the search's
 * exactness guarantee is stated over these float32 unit vectors.
 */
export function toUnitVector(vector: ArrayLike<number>, dims: number, what: string): Float32Array {
  if (vector.length !== dims) {
    throw badInput(`${what}: expected ${dims} numbers, got ${vector.length}.`);
  }
  let maxAbs = 0;
  for (let j = 0; j < dims; j++) {
    const x = vector[j] as number;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw badInput(`${what}: element ${j} is ${String(x)}; every element must be a finite number.`);
    }
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  if (maxAbs === 0) {
    throw badInput(`${what}: a vector of length zero has no direction, so it cannot be compared.`);
  }
  // Scaling by the largest element first keeps huge and tiny inputs from overflowing.
  let sumSquares = 0;
  for (let j = 0; j < dims; j++) {
    const x = (vector[j] as number) / maxAbs;
    sumSquares += x * x;
  }
  const norm = Math.sqrt(sumSquares);
  const unit = new Float32Array(dims);
  for (let j = 0; j < dims; j++) unit[j] = (vector[j] as number) / maxAbs / norm;
  return unit;
}

/** Dot product summed in float64 in index order: the one definition of "exact" cosine. */
export function exactDot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] as number) * (b[j] as number);
  return sum;
}
