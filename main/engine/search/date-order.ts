import type { SearchHit } from '../../../preload/contract.js';
import type { Cutoff } from './relevance-cutoff.js';

/**
 * "Newest first" among the relevant results; the rest keep their score order after them.
 * The relevant results are those above the relevance cut-off. Without one (a broad query, no
 * cliff in the scores), a result that scores 0 or below is less like the query than unlike
 * it: it is never dated in among the matches, it waits below a cut-off put at score 0, which
 * the answer then carries, so the screen folds those results away as it does below a cliff.
 */
export function newestFirst(hits: readonly SearchHit[], cutoff: Cutoff | null, takenAt: (ids: number[]) => Map<number, number>): { results: SearchHit[]; cutoff: Cutoff | null } {
  let end = cutoff?.index ?? hits.findIndex((hit) => hit.score <= 0);
  if (end < 0) end = hits.length;
  let shown = cutoff;
  if (!cutoff && end > 0 && end < hits.length) {
    const last = hits[end - 1] as SearchHit;
    shown = { index: end, score: last.score, gap: last.score - (hits[end] as SearchHit).score };
  }
  const relevant = hits.slice(0, end);
  const times = takenAt(relevant.map((hit) => hit.id));
  const byDate = [...relevant].sort((x, y) => (times.get(y.id) ?? 0) - (times.get(x.id) ?? 0));
  return { results: [...byDate, ...hits.slice(end)], cutoff: shown };
}
