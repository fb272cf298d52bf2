/**
 * Integer codes for the search prefilter, with a proven bound on what they get wrong.
 *
 * A stored unit vector x becomes int8 codes c with one scale α (x ≈ αc); a query unit vector
 * u becomes int16 codes Q with scale β (u ≈ βQ). The prefilter scores αβ(c·Q), and
 *
 *   |x·u − αβ(c·Q)| ≤ |e·u| + |αc·f| ≤ ‖e‖‖u‖ + ‖αc‖‖f‖ ≤ E(1+δ) + (1+δ+E)F
 *
 * where e = x − αc (E = ‖e‖, kept per row), f = u − βQ (F = ‖f‖, per query) and δ covers
 * float32 rounding of the unit vectors. `errorBound` adds a margin for the float64
 * arithmetic of the exact pass, so an item is pruned only when it provably cannot rank.
 */

/** Rows are padded with zeros to a multiple of one SIMD register. */
export const LANES = 16;

export function paddedStride(dims: number): number {
  return Math.ceil(dims / LANES) * LANES;
}

export interface RowCode {
  alpha: number;
  error: number;
}

/** Writes x's int8 codes into `codes` (length ≥ x.length, already zero past it). */
export function quantizeRow(x: Float32Array, codes: Int8Array): RowCode {
  let maxAbs = 0;
  for (let j = 0; j < x.length; j++) maxAbs = Math.max(maxAbs, Math.abs(x[j] as number));
  if (maxAbs === 0) {
    codes.fill(0, 0, x.length);
    return { alpha: 0, error: 0 };
  }
  const toCode = 127 / maxAbs;
  const alpha = maxAbs / 127;
  let errorSquares = 0;
  for (let j = 0; j < x.length; j++) {
    const value = x[j] as number;
    // Math.round(value · toCode) without the call: |value · toCode| ≤ 127 by construction.
    const code = ((value * toCode + 128.5) | 0) - 128;
    codes[j] = code;
    const residual = value - alpha * code;
    errorSquares += residual * residual;
  }
  return { alpha, error: Math.sqrt(errorSquares) };
}

export interface QueryCode {
  codes: Int16Array;
  beta: number;
  error: number;
}

/**
 * The query's int16 codes. Their range shrinks with the dimension so that the kernel's
 * int32 sums cannot overflow: |Σ c·Q| ≤ 127 · range · stride < 2^31.
 */
export function quantizeQuery(u: Float32Array): QueryCode {
  const stride = paddedStride(u.length);
  const range = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * stride)));
  const codes = new Int16Array(stride);
  let maxAbs = 0;
  for (let j = 0; j < u.length; j++) maxAbs = Math.max(maxAbs, Math.abs(u[j] as number));
  if (maxAbs === 0) return { codes, beta: 0, error: 0 };
  const toCode = range / maxAbs;
  const beta = maxAbs / range;
  let errorSquares = 0;
  for (let j = 0; j < u.length; j++) {
    const value = u[j] as number;
    const code = Math.max(-range, Math.min(range, Math.round(value * toCode)));
    codes[j] = code;
    const residual = value - beta * code;
    errorSquares += residual * residual;
  }
  return { codes, beta, error: Math.sqrt(errorSquares) };
}

const UNIT_SLACK = 1e-6;
const ARITHMETIC_SLACK = 1e-9;

/** Largest possible |exact dot − prefilter dot| for a row with residual norm rowError. */
export function errorBound(rowError: number, queryError: number): number {
  return rowError * (1 + UNIT_SLACK) + (1 + UNIT_SLACK + rowError) * queryError + ARITHMETIC_SLACK;
}

/**
 * errorBound(e, F) = e·(1 + δ + F) + (1 + δ)·F + slack, as [per-row factor, constant] for one
 * query, so the scan adds e·a + b per row. The float rounding of this regrouping (~1e-16)
 * is far inside the 1e-9 slack.
 */
export function errorBoundTerms(queryError: number): [number, number] {
  return [1 + UNIT_SLACK + queryError, (1 + UNIT_SLACK) * queryError + ARITHMETIC_SLACK];
}
