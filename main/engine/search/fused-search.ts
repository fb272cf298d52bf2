import {
  DEFAULT_K,
  MAX_K,
  type SearchFilters,
  type SearchHit,
  type Space,
  type VectorTerm,
} from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { LibraryStore as Store } from '../store/library-store.js';
import { scoreExactly, type Scored, type UnitTerm } from '../vector/exact-score.js';
import { toUnitVector } from '../vector/unit-vector.js';
import { kthLargest } from './kth-largest.js';
import type { VectorIndex } from './vector-index.js';

export interface FusedQuery {
  terms: readonly VectorTerm[];
  k?: number;
  filters?: SearchFilters;
}


/** How the last search went, for benchmarks and tests of the prefilter's effect. */
export interface SearchStats {
  scanned: number;
  /** Items the prefilter could not rule out. */
  candidates: number;
  /** Candidates scored exactly before the rest were proven out of the top k. */
  rescored: number;
}

/**
 * Exact weighted multi-space search.
 *
 * score(item) = Σ_t w_t · cos(q_t, item_t) / Σ_t |w_t|, both sums over the terms whose space
 * the item has a vector in. The top k (ties broken by item id) equal a brute-force
 * computation over all items, by two passes:
 *  1. prefilter: an int8 SIMD scan gives every item an approximate score and a proven error
 *     bound (see quantize.ts); L = the k-th largest lower bound. An item whose upper bound
 *     is below L is beaten by at least k items, so it cannot rank.
 *  2. exact pass: the remaining candidates, highest upper bound first, are scored from their
 *     stored float32 vectors in float64, the same arithmetic as a brute-force scan, until
 *     the next upper bound is below the k-th exact score found.
 */
export function fusedSearch(
  store: Store,
  index: VectorIndex,
  query: FusedQuery,
  stats?: SearchStats,
): SearchHit[] {
  const k = query.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw badInput(`k must be a whole number from 1 to ${MAX_K}, got ${k}.`);
  const terms = prepareTerms(store, query.terms);

  const scans = foldBySpace(terms);
  const matrices = scans.map((scan) => index.matrix(scan.space));
  const slots = index.slotCount;
  const [sum, bound, weights, lower] = index.scratch(4, 3) as [Float64Array, Float64Array, Float64Array, Float64Array];
  scans.forEach((scan, s) => matrices[s]?.accumulate(scan.unit, scan.weight, sum, bound, weights, scan));

  const eligible = query.filters && hasFilters(query.filters) ? eligibleSlots(store, index, query.filters) : undefined;
  let count = 0;
  for (let slot = 0; slot < slots; slot++) {
    const w = weights[slot] as number;
    if (w === 0 || (eligible && eligible[slot] === 0)) continue;
    lower[count++] = ((sum[slot] as number) - (bound[slot] as number)) / w;
  }
  const threshold = count > k ? kthLargest(lower, count, k) : -Infinity;

  // Candidates (upper bound ≥ the k-th lower bound) in the order of their upper bounds.
  const candidateSlots: number[] = [];
  const candidateUpper: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const w = weights[slot] as number;
    if (w === 0 || (eligible && eligible[slot] === 0)) continue;
    const high = ((sum[slot] as number) + (bound[slot] as number)) / w;
    if (high >= threshold) {
      candidateSlots.push(slot);
      candidateUpper.push(high);
    }
  }
  const order = Array.from(candidateSlots.keys()).sort((a, b) => (candidateUpper[b] as number) - (candidateUpper[a] as number));

  // Exact pass, best upper bounds first, in growing batches: once k items are scored exactly,
  // a candidate whose upper bound is below the k-th exact score cannot rank, and neither can
  // any after it. This reads far fewer stored vectors than the candidate list (on 1M items
  // each is a vec0 lookup of tens of microseconds), and the result is the same.
  const scored: Scored[] = [];
  let next = 0;
  let batch = Math.max(2 * k, 64);
  while (next < order.length) {
    if (scored.length >= k && (candidateUpper[order[next] as number] as number) < (scored[k - 1] as Scored).score) break;
    const ids = order.slice(next, next + batch).map((c) => index.itemAt(candidateSlots[c] as number));
    scored.push(...exactScores(store, terms, ids));
    scored.sort((a, b) => b.score - a.score || a.id - b.id);
    next += batch;
    batch *= 2;
  }
  if (stats) {
    stats.scanned = count;
    stats.candidates = candidateSlots.length;
    stats.rescored = Math.min(next, order.length);
  }
  const top = scored.slice(0, k);
  const rows = store.getItems(top.map((hit) => hit.id));
  return top.flatMap(({ id, score, breakdown }) => {
    const row = rows.get(id);
    // A row can only be missing if another process deleted it between the two reads.
    if (!row) return [];
    return [{ id, kind: row.kind, path: row.path, title: row.title, key: row.catalogKey, status: row.status, score, breakdown }];
  });
}

function prepareTerms(store: Store, terms: readonly VectorTerm[]): UnitTerm[] {
  if (terms.length === 0) throw badInput('A search needs at least one term.');
  const prepared: UnitTerm[] = [];
  terms.forEach((term, i) => {
    const what = `Term ${i + 1} (${term.space})`;
    const model = store.spaceModel(term.space);
    if (!model) throw badInput(`${what}: the ${term.space} space has no model and no vectors yet.`);
    if (typeof term.weight !== 'number' || !Number.isFinite(term.weight)) {
      throw badInput(`${what}: the weight must be a finite number, got ${String(term.weight)}.`);
    }
    const unit = toUnitVector(term.vector, model.dims, `${what} vector`);
    // A zero weight contributes nothing to either sum of the score.
    if (term.weight !== 0) prepared.push({ space: term.space, unit, weight: term.weight });
  });
  if (prepared.length === 0) throw badInput('Every term has weight 0, so nothing would be ranked.');
  return prepared;
}

interface SpaceScan {
  space: Space;
  unit: Float32Array;
  weight: number;
  weightSum: number;
  slack: number;
}

/**
 * One scan per space: terms of the same space ("dog at the beach -people") add up to one
 * query, Σ w·(q·x) = (Σ w·q)·x, so the prefilter reads the space's codes once, not once a term.
 * The folded query u is scanned as its unit direction times ‖u‖; the float32 rounding of that
 * direction is measured (‖u − ‖u‖·û‖) and added to every row's bound, which keeps the
 * prefilter's guarantee against the exact pass (that still scores term by term).
 */
function foldBySpace(terms: readonly UnitTerm[]): SpaceScan[] {
  const bySpace = new Map<Space, UnitTerm[]>();
  for (const term of terms) bySpace.set(term.space, [...(bySpace.get(term.space) ?? []), term]);
  return [...bySpace].map(([space, group]) => {
    const weightSum = group.reduce((total, term) => total + Math.abs(term.weight), 0);
    const only = group.length === 1 ? group[0] : undefined;
    if (only) return { space, unit: only.unit, weight: only.weight, weightSum, slack: 0 };
    const dims = (group[0] as UnitTerm).unit.length;
    const folded = new Float64Array(dims);
    for (const term of group) for (let j = 0; j < dims; j++) folded[j] = (folded[j] as number) + term.weight * (term.unit[j] as number);
    let squares = 0;
    for (let j = 0; j < dims; j++) squares += (folded[j] as number) ** 2;
    const norm = Math.sqrt(squares);
    const unit = new Float32Array(dims);
    if (norm > 0) for (let j = 0; j < dims; j++) unit[j] = (folded[j] as number) / norm;
    let rounding = 0;
    for (let j = 0; j < dims; j++) rounding += ((folded[j] as number) - norm * (unit[j] as number)) ** 2;
    // The stored vectors are unit length up to float32 rounding (1e-6 covers it), and the
    // float64 sums of the exact pass differ from these by far less than 1e-9 per unit weight.
    const slack = Math.sqrt(rounding) * (1 + 1e-6) + 1e-9 * weightSum;
    return { space, unit, weight: norm, weightSum, slack };
  });
}

function hasFilters(filters: SearchFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

function eligibleSlots(store: Store, index: VectorIndex, filters: SearchFilters): Uint8Array {
  const mask = new Uint8Array(index.slotCount);
  for (const id of store.filterItemIds(filters)) {
    const slot = index.slotOf(id);
    if (slot !== undefined) mask[slot] = 1;
  }
  return mask;
}


function exactScores(store: Store, terms: readonly UnitTerm[], itemIds: readonly number[]): Scored[] {
  const vectorsBySpace = new Map<Space, Map<number, Float32Array>>();
  for (const { space } of terms) {
    if (!vectorsBySpace.has(space)) vectorsBySpace.set(space, store.readVectors(space, itemIds));
  }
  return scoreExactly(terms, vectorsBySpace, itemIds);
}
