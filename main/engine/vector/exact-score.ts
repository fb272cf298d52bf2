import type { Breakdown, Space } from '../../../preload/contract.js';
import { exactDot } from './unit-vector.js';

/** A query term ready to score with: its space, unit vector and weight. */
export interface UnitTerm {
  space: Space;
  unit: Float32Array;
  weight: number;
}

/** An item's exact score, with each space's part of it. */
export interface Scored {
  id: number;
  score: number;
  breakdown: Breakdown;
}

/**
 * Items' exact scores and breakdowns from their stored vectors, in float64: the one scoring
 * both stores share (PostgreSQL's search reads the vectors its own way, then calls this).
 */
export function scoreExactly(terms: readonly UnitTerm[], vectorsBySpace: ReadonlyMap<Space, ReadonlyMap<number, Float32Array>>, itemIds: readonly number[]): Scored[] {
  const scored: Scored[] = [];
  for (const id of itemIds) {
    let weightSum = 0;
    let numerator = 0;
    const parts: [Space, number][] = [];
    for (const term of terms) {
      const vector = vectorsBySpace.get(term.space)?.get(id);
      if (!vector) continue;
      const part = term.weight * exactDot(term.unit, vector);
      numerator += part;
      weightSum += Math.abs(term.weight);
      parts.push([term.space, part]);
    }
    if (weightSum === 0) continue;
    const breakdown: Breakdown = {};
    for (const [space, part] of parts) breakdown[space] = (breakdown[space] ?? 0) + part / weightSum;
    scored.push({ id, score: numerator / weightSum, breakdown });
  }
  return scored;
}
