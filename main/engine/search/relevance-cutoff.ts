/**
 * Where relevance stops in a ranked list, decided from the scores themselves.
 *
 * Scores near the top of any ranking are sparse (the best few of hundreds are spread out by
 * chance alone), so a large drop after the first one or two results is the rule, not a sign
 * that only they are relevant; the first version of this rule cut "find similar" on real
 * photos after one result. The rule now:
 *
 * 1. A cliff is a drop between consecutive scores among the first `window` results that is
 *    at least `minGap` in cosine, at least `factor` times the median drop, and at least twice
 *    every drop above it (what it closes off is tighter than the drop itself).
 * 2. A cliff before the first `page` results must also stand apart: at least `earlyGap`,
 *    and at least 2.5 times every one of the next ten drops (so the scores below it are
 *    the slow slide of the rest, not more sparse top results). Only one result is kept when
 *    it stands `soleGap` above the second. This is what re-saved copies of a photo look like:
 *    five copies at 0.91-1.0, then the nearest other photo at 0.75.
 * 3. Of several cliffs, the largest wins.
 * 4. Without a cliff, a ranking whose scores fade towards zero (a colour that most pictures
 *    lack) stops where the scores fall below `fade` times the top score, after at least a
 *    page. Otherwise every result counts as relevant (a broad query: a library of dogs
 *    searched for a dog).
 *
 * The constants were set on real photos and real models (1000 ImageNet photos, MobileNetV2,
 * the colour histograms, the tiny CLIP); test/integration/cutoff-evaluation.test.ts keeps them honest.
 */
export interface Cutoff {
  /** Results above the cut-off (the first `index` results). */
  index: number;
  /** The lowest score above the cut-off. */
  score: number;
  /** The drop in score at the cut-off. */
  gap: number;
}

export interface CutoffOptions {
  window?: number;
  factor?: number;
  minGap?: number;
  page?: number;
  earlyGap?: number;
  soleGap?: number;
  fade?: number;
}

const DEFAULTS: Required<CutoffOptions> = { window: 200, factor: 4, minGap: 0.02, page: 10, earlyGap: 0.08, soleGap: 0.15, fade: 0.1 };
/** How many of the drops below an early cliff must all be much smaller than it. */
const LOOK_BELOW = 10;
const EARLY_CONTRAST = 2.5;

export function relevanceCutoff(scores: readonly number[], options: CutoffOptions = {}): Cutoff | null {
  const o = { ...DEFAULTS, ...options };
  const window = Math.min(scores.length, o.window);
  if (window < 3) return null;
  const gaps: number[] = [];
  for (let i = 0; i + 1 < window; i++) gaps.push((scores[i] as number) - (scores[i + 1] as number));
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;

  let best: { index: number; gap: number } | null = null;
  let largestAbove = 0;
  gaps.forEach((gap, i) => {
    const index = i + 1;
    const clear = gap >= o.minGap && gap >= o.factor * median && gap >= 2 * largestAbove;
    const early = index < o.page;
    const standsApart =
      !early ||
      (gap >= (index === 1 ? o.soleGap : o.earlyGap) && gaps.slice(i + 1, i + 1 + LOOK_BELOW).every((below) => gap >= EARLY_CONTRAST * below));
    if (clear && standsApart && (!best || gap > best.gap)) best = { index, gap };
    largestAbove = Math.max(largestAbove, gap);
  });
  let index = (best as { index: number } | null)?.index ?? null;

  const top = scores[0] as number;
  if (index === null && top > 0) {
    const faded = scores.slice(0, window).findIndex((score) => score < o.fade * top);
    if (faded > 0) index = Math.max(faded, Math.min(o.page, window));
  }
  if (index === null) return null;
  return { index, score: scores[index - 1] as number, gap: (scores[index - 1] as number) - (scores[index] ?? 0) };
}
