/**
 * Where relevance stops in a ranked list, decided from the scores themselves.
 *
 * Method: look at the gaps between consecutive scores among the first `window` results. A
 * gap is a clear break when it is at least `factor` times the median gap and at least
 * `minGap` in cosine. The cut-off falls at the first clear break that is at least half the
 * largest one: relevance stops where the scores first fall off a cliff, even if they fall off
 * another further down (the irrelevant are rarely uniform). Without a clear break every
 * result counts as relevant (a broad query, or a library of near-duplicates). At least one
 * result is always kept above the cut-off.
 */
export interface Cutoff {
  /** Results above the cut-off (the first `index` results). */
  index: number;
  /** The lowest score above the cut-off. */
  score: number;
  /** The drop in score at the cut-off. */
  gap: number;
}

export function relevanceCutoff(scores: readonly number[], options: { window?: number; factor?: number; minGap?: number } = {}): Cutoff | null {
  const window = Math.min(scores.length, options.window ?? 200);
  const factor = options.factor ?? 4;
  const minGap = options.minGap ?? 0.02;
  if (window < 3) return null;
  const gaps: number[] = [];
  for (let i = 0; i + 1 < window; i++) gaps.push((scores[i] as number) - (scores[i + 1] as number));
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;
  const clear = gaps.map((gap, i) => ({ gap, i })).filter(({ gap }) => gap >= minGap && gap >= factor * median);
  if (clear.length === 0) return null;
  const largest = Math.max(...clear.map(({ gap }) => gap));
  const { gap, i } = clear.find((c) => c.gap >= largest / 2) as { gap: number; i: number };
  return { index: i + 1, score: scores[i] as number, gap };
}
