import type { Database } from 'better-sqlite3';
import type { Breakdown, SearchFilters, Space, VectorTerm } from '../../preload/contract.js';

export interface BruteHit {
  id: number;
  score: number;
  breakdown: Breakdown;
}

/**
 * The definition of a search, computed the slow and obvious way straight from the database
 * with plain SQL: every current vector of every item, every term, no prefilter, no index.
 *
 * score = Σ w·cos / Σ|w| over the terms whose space the item has; cos over the stored
 * float32 unit vectors, summed in float64; ties by item id.
 */
export function bruteForceSearch(
  db: Database,
  terms: readonly VectorTerm[],
  k: number,
  filters: SearchFilters = {},
): BruteHit[] {
  const vectors = new Map<Space, Map<number, Float32Array>>();
  for (const { space } of terms) {
    if (vectors.has(space)) continue;
    const rows = db
      .prepare(
        `SELECT v.rowid AS id, v.embedding AS blob FROM vec_${space} v
         JOIN item_vectors iv ON iv.item_id = v.rowid AND iv.space = ?
         JOIN spaces s ON s.name = iv.space AND s.generation = iv.generation`,
      )
      .all(space) as { id: number; blob: Buffer }[];
    vectors.set(space, new Map(rows.map(({ id, blob }) => [id, new Float32Array(new Uint8Array(blob).buffer)])));
  }
  const queries = terms.map((term) => unit(term.vector));
  const allowed = new Set(itemsPassing(db, filters));

  const hits: BruteHit[] = [];
  for (const id of allowed) {
    let numerator = 0;
    let weightSum = 0;
    const parts: [Space, number][] = [];
    terms.forEach((term, t) => {
      const vector = vectors.get(term.space)?.get(id);
      if (!vector || term.weight === 0) return;
      let dot = 0;
      const query = queries[t] as Float32Array;
      for (let j = 0; j < vector.length; j++) dot += (query[j] as number) * (vector[j] as number);
      numerator += term.weight * dot;
      weightSum += Math.abs(term.weight);
      parts.push([term.space, term.weight * dot]);
    });
    if (weightSum === 0) continue;
    const breakdown: Breakdown = {};
    for (const [space, part] of parts) breakdown[space] = (breakdown[space] ?? 0) + part / weightSum;
    hits.push({ id, score: numerator / weightSum, breakdown });
  }
  hits.sort((a, b) => b.score - a.score || a.id - b.id);
  return hits.slice(0, k);
}

/** The query vector as stored vectors are: scaled by its largest element, then to unit length. */
function unit(vector: readonly number[]): Float32Array {
  const maxAbs = Math.max(...vector.map(Math.abs));
  const norm = Math.sqrt(vector.reduce((s, x) => s + (x / maxAbs) ** 2, 0));
  return Float32Array.from(vector, (x) => x / maxAbs / norm);
}

function itemsPassing(db: Database, filters: SearchFilters): number[] {
  const rows = db.prepare('SELECT id, kind, root_id AS root, status FROM items').all() as {
    id: number;
    kind: string;
    root: number | null;
    status: string;
  }[];
  const labelled = new Map<number, Set<string>>();
  for (const { item_id, label } of db.prepare('SELECT item_id, label FROM labels').all() as {
    item_id: number;
    label: string;
  }[]) {
    labelled.set(item_id, (labelled.get(item_id) ?? new Set()).add(label));
  }
  return rows
    .filter(
      (r) =>
        (!filters.kinds || filters.kinds.includes(r.kind as never)) &&
        (!filters.roots || (r.root !== null && filters.roots.includes(r.root))) &&
        (!filters.statuses || filters.statuses.includes(r.status as never)) &&
        (!filters.labels || filters.labels.some((l) => labelled.get(r.id)?.has(l))),
    )
    .map((r) => r.id);
}
