import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SearchHit } from '../../preload/contract.js';
import { newestFirst } from '../../main/engine/search/date-order.js';

const hit = (id: number, score: number): SearchHit => ({ id, kind: 'photo', path: `/p/${id}.jpg`, title: null, key: null, status: 'ok', score, breakdown: { clip: score } });
/** Item i was taken on day i: a higher id is newer. */
const takenAt = (ids: number[]): Map<number, number> => new Map(ids.map((id) => [id, id * 86_400_000]));

test('newest first without a cliff: only results that score above 0 are dated; the rest wait below a cut-off at 0, in score order', () => {
  const hits = [hit(1, 0.4), hit(5, 0.3), hit(3, 0.2), hit(2, 0.05), hit(9, -0.1), hit(8, -0.42)];
  const { results, cutoff } = newestFirst(hits, null, takenAt);
  assert.deepEqual(
    results.map((r) => r.id),
    [5, 3, 2, 1, 9, 8],
  );
  assert.deepEqual(cutoff, { index: 4, score: 0.05, gap: 0.05 - -0.1 });
});

test('newest first with a cliff: what is above it is dated, what is below keeps its score order', () => {
  const hits = [hit(1, 0.9), hit(4, 0.88), hit(2, 0.86), hit(7, 0.3), hit(6, 0.29)];
  const cliff = { index: 3, score: 0.86, gap: 0.56 };
  const { results, cutoff } = newestFirst(hits, cliff, takenAt);
  assert.deepEqual(
    results.map((r) => r.id),
    [4, 2, 1, 7, 6],
  );
  assert.equal(cutoff, cliff);
});

test('newest first when every result scores above 0 and there is no cliff: all of them by date, no cut-off invented', () => {
  const hits = [hit(1, 0.3), hit(3, 0.2), hit(2, 0.1)];
  const { results, cutoff } = newestFirst(hits, null, takenAt);
  assert.deepEqual(
    results.map((r) => r.id),
    [3, 2, 1],
  );
  assert.equal(cutoff, null);
});
