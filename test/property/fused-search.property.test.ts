import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ItemKind, ItemStatus, SearchFilters, SearchHit, Space, VectorTerm } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { bruteForceSearch, type BruteHit } from '../helpers/brute-force.js';
import { tempDir } from '../helpers/temp-dir.js';
import { peek } from '../helpers/peek.js';

const SPACES_USED: Space[] = ['clip', 'visual', 'text'];
const LABELS = ['cat', 'dog', 'food'];

/** Small integer components make exact ties common; duplicates make them certain. */
const component = fc.integer({ min: -3, max: 3 });
const vectorOf = (dims: number): fc.Arbitrary<number[]> =>
  fc.array(component, { minLength: dims, maxLength: dims }).map((v) => (v.every((x) => x === 0) ? [1, ...v.slice(1)] : v));

interface Scenario {
  dims: Record<Space, number>;
  items: {
    kind: ItemKind;
    status: ItemStatus;
    labels: string[];
    vectors: Partial<Record<Space, number[]>>;
    copyOf: number | null;
  }[];
  terms: VectorTerm[];
  k: number;
  filters: SearchFilters | undefined;
  removals: number[];
  rewrites: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({ clip: fc.integer({ min: 1, max: 40 }), visual: fc.integer({ min: 1, max: 20 }), text: fc.integer({ min: 1, max: 33 }) })
  .chain((dims) => {
    const item = fc.record({
      kind: fc.constantFrom<ItemKind>('photo', 'product'),
      status: fc.constantFrom<ItemStatus>('ok', 'ok', 'error', 'offline'),
      labels: fc.subarray(LABELS),
      vectors: fc.record(
        { clip: vectorOf(dims.clip), visual: vectorOf(dims.visual), text: vectorOf(dims.text) },
        { requiredKeys: [] },
      ),
      copyOf: fc.option(fc.nat(), { nil: null }),
    });
    const term = fc.constantFrom(...SPACES_USED).chain((space) =>
      fc.record({
        space: fc.constant(space),
        vector: vectorOf(dims[space as 'clip' | 'visual' | 'text']),
        weight: fc.oneof(fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 2), fc.double({ min: -3, max: 3, noNaN: true })),
      }),
    );
    const filters = fc.option(
      fc.record(
        {
          kinds: fc.subarray<ItemKind>(['photo', 'product'], { minLength: 1 }),
          statuses: fc.subarray<ItemStatus>(['ok', 'error', 'offline'], { minLength: 1 }),
          labels: fc.subarray(LABELS, { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    );
    return fc.record({
      dims: fc.constant({ ...dims, colour: 1 }),
      items: fc.array(item, { maxLength: 60 }),
      terms: fc.array(term, { minLength: 1, maxLength: 4 }).filter((ts) => ts.some((t) => t.weight !== 0)),
      k: fc.integer({ min: 1, max: 70 }),
      filters,
      removals: fc.array(fc.nat(), { maxLength: 5 }),
      rewrites: fc.array(fc.nat(), { maxLength: 5 }),
    });
  });

function sameResults(actual: SearchHit[], expected: BruteHit[]): void {
  assert.deepEqual(
    actual.map((h) => h.id),
    expected.map((h) => h.id),
    'the same items in the same order',
  );
  actual.forEach((hit, i) => {
    const want = expected[i] as BruteHit;
    assert.equal(hit.score, want.score, `score of item ${hit.id}`);
    assert.deepEqual(hit.breakdown, want.breakdown, `breakdown of item ${hit.id}`);
    const parts = Object.values(hit.breakdown).reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(parts - hit.score) < 1e-12, 'the breakdown adds up to the score');
  });
}

test('fused top-k equals a brute-force computation over all items, ties and filters included', async (t) => {
  const dir = tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const engine = Engine.open({ databaseFile: path.join(dir, `run-${run++}.db`) });
      const query = { terms: s.terms, k: s.k, ...(s.filters ? { filters: s.filters } : {}) };
      try {
        for (const space of SPACES_USED) engine.store.setSpaceModel(space, `test/${space}`, s.dims[space]);
        const ids = engine.store.writeItems(
          s.items.map((item, i) => {
            const source = item.copyOf !== null && i > 0 ? s.items[item.copyOf % i] : undefined;
            return {
              item: { kind: item.kind, path: `/photos/${i}.jpg`, status: item.status },
              vectors: source ? source.vectors : item.vectors,
            };
          }),
        );
        ids.forEach((id, i) => {
          const labels = s.items[i]?.labels ?? [];
          if (labels.length > 0) engine.store.setLabels(id, '', labels.map((label) => ({ label, confidence: 1 })));
        });
        // First search loads the index from the database...
        const first = await engine.searchVectors(query);
        sameResults(first.results, bruteForceSearch(peek(engine), s.terms, s.k, s.filters));

        // ...later writes reach it through the store's log of vector changes.
        if (ids.length > 0) {
          engine.store.removeItems(s.removals.map((r) => ids[r % ids.length] as number));
          for (const r of s.rewrites) {
            const i = r % ids.length;
            const item = s.items[i];
            const donor = s.items[(r * 7 + 3) % s.items.length];
            if (item && donor) {
              engine.store.writeItem({ item: { kind: item.kind, path: `/photos/${i}.jpg`, status: item.status }, vectors: donor.vectors });
            }
          }
        }
        const second = await engine.searchVectors(query);
        sameResults(second.results, bruteForceSearch(peek(engine), s.terms, s.k, s.filters));
      } finally {
        await engine.close();
      }
      // A fresh process answers from the codes files the first one left: the same results.
      const reopened = Engine.open({ databaseFile: path.join(dir, `run-${run - 1}.db`) });
      try {
        const third = await reopened.searchVectors(query);
        sameResults(third.results, bruteForceSearch(peek(reopened), s.terms, s.k, s.filters));
        for (const load of reopened.vectorIndex.loads) assert.equal(load.from, 'codes file', `${load.space}: ${load.problem ?? ''}`);
      } finally {
        await reopened.close();
      }
    }),
    { numRuns: 150 },
  );
});

test('exact results with realistic vectors, while the prefilter prunes most items', async (t) => {
  const dir = tempDir(t);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 50 }), async (seed, k) => {
      const engine = Engine.open({ databaseFile: path.join(dir, `real-${seed}.db`) });
      try {
        const random = mulberry32(seed);
        const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        engine.store.setSpaceModel('clip', 'test/clip', 96);
        engine.store.setSpaceModel('text', 'test/text', 80);
        // Clustered data, like real embeddings: 12 centres, items scattered around them.
        const centres = Array.from({ length: 12 }, () => Array.from({ length: 96 }, gaussian));
        engine.store.writeItems(
          Array.from({ length: 800 }, (_, i) => {
            const centre = centres[i % centres.length] as number[];
            return {
              item: { kind: 'photo' as const, path: `/p/${i}` },
              vectors: {
                clip: centre.map((c) => c + 0.7 * gaussian()),
                ...(i % 3 === 0 ? {} : { text: Array.from({ length: 80 }, gaussian) }),
              },
            };
          }),
        );
        const terms: VectorTerm[] = [
          { space: 'clip', vector: (centres[0] as number[]).map((c) => c + 0.5 * gaussian()), weight: 0.7 },
          { space: 'text', vector: Array.from({ length: 80 }, gaussian), weight: -0.3 },
          // A second clip term ("dog at the beach -people"): folded into one scan of the space.
          { space: 'clip', vector: (centres[1] as number[]).map((c) => c + 0.5 * gaussian()), weight: -0.4 },
        ];
        const { results } = await engine.searchVectors({ terms, k });
        sameResults(results, bruteForceSearch(peek(engine), terms, k));
        // Two terms of one space that cancel out exactly still rank as brute force does.
        const cancelling: VectorTerm[] = [...terms, { ...(terms[0] as VectorTerm), weight: -0.7 }];
        sameResults((await engine.searchVectors({ terms: cancelling, k })).results, bruteForceSearch(peek(engine), cancelling, k));
        assert.ok(
          engine.lastSearch.candidates < engine.lastSearch.scanned / 4,
          `prefilter kept ${engine.lastSearch.candidates} of ${engine.lastSearch.scanned}`,
        );
        // The exact pass stops once the rest are proven out; it never reads past the candidates.
        assert.ok(engine.lastSearch.rescored >= Math.min(k, engine.lastSearch.candidates) && engine.lastSearch.rescored <= engine.lastSearch.candidates);
      } finally {
        await engine.close();
      }
    }),
    { numRuns: 20 },
  );
});

test('writes by another connection are seen by the next search', async (t) => {
  const file = path.join(tempDir(t), 'library.db');
  const engine = Engine.open({ databaseFile: file });
  t.after(() => engine.close());
  engine.store.setSpaceModel('clip', 'test/clip', 2);
  const a = engine.store.writeItem({ item: { kind: 'photo', path: '/a' }, vectors: { clip: [1, 0] } });
  const terms: VectorTerm[] = [{ space: 'clip', vector: [0, 1], weight: 1 }];
  assert.deepEqual((await engine.searchVectors({ terms })).results.map((r) => r.id), [a]);

  const other = Engine.open({ databaseFile: file });
  const b = other.store.writeItem({ item: { kind: 'photo', path: '/b' }, vectors: { clip: [0, 1] } });
  await other.close();
  assert.deepEqual((await engine.searchVectors({ terms })).results.map((r) => r.id), [b, a]);

  const third = Engine.open({ databaseFile: file });
  third.store.removeItems([a]);
  await third.close();
  assert.deepEqual((await engine.searchVectors({ terms })).results.map((r) => r.id), [b]);
});

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
