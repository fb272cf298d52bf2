import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SemblanceError } from '../../main/engine/errors.js';
import { CHUNK_SIZE, chunkRows } from '../../main/engine/store/vector-tables.js';
import { peek } from '../helpers/peek.js';
import { countRows, tempEngine } from '../helpers/engine.js';

function badInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SemblanceError);
    assert.equal(error.code, 'bad-input');
    assert.match(error.message, pattern);
    return true;
  });
}

test('an item and its vectors are written together and read back as unit vectors', (t) => {
  const { store } = tempEngine(t);
  store.setSpaceModel('clip', 'test/clip', 3);
  store.setSpaceModel('visual', 'test/visual', 2);
  const id = store.writeItem({
    item: { kind: 'photo', path: '/p/a.jpg', title: 'a', width: 640, height: 480, attributes: { camera: 'x' } },
    vectors: { clip: [3, 0, 4], visual: [0, 2] },
  });
  assert.deepEqual([...(store.readVectors('clip', [id]).get(id) ?? [])], [0.6000000238418579, 0, 0.800000011920929]);
  assert.deepEqual([...(store.readVectors('visual', [id]).get(id) ?? [])], [0, 1]);
  assert.deepEqual(store.spaces().map((s) => [s.space, s.vectors]), [
    ['clip', 1],
    ['visual', 1],
    ['text', 0],
    ['colour', 0],
  ]);
  // Writing the same path again updates the item in place.
  assert.equal(store.writeItem({ item: { kind: 'photo', path: '/p/a.jpg', title: 'b' }, vectors: { clip: [1, 1, 1] } }), id);
  assert.equal(countRows({ store } as never, 'SELECT count(*) FROM items'), 1);
  assert.equal(store.getItems([id]).get(id)?.title, 'b');
});

test('bad vectors are refused with a clear reason and nothing of the batch is written', (t) => {
  const engine = tempEngine(t);
  const { store } = engine;
  store.setSpaceModel('clip', 'test/clip', 3);
  const good = { item: { kind: 'photo' as const, path: '/p/good.jpg' }, vectors: { clip: [1, 2, 3] } };
  const cases: [Record<string, number[]>, RegExp][] = [
    [{ clip: [1, 2] }, /Item 2 \(\/p\/bad\.jpg\), clip vector: expected 3 numbers, got 2/],
    [{ clip: [1, Number.NaN, 3] }, /element 1 is NaN/],
    [{ clip: [1, Number.POSITIVE_INFINITY, 3] }, /element 1 is Infinity/],
    [{ clip: [0, 0, 0] }, /length zero has no direction/],
    [{ visual: [1, 2, 3] }, /the visual space has no model yet/],
    [{ sound: [1, 2, 3] }, /unknown space "sound"/],
  ];
  for (const [vectors, pattern] of cases) {
    badInput(() => store.writeItems([good, { item: { kind: 'photo', path: '/p/bad.jpg' }, vectors }]), pattern);
  }
  assert.equal(countRows(engine, 'SELECT count(*) FROM items'), 0);
  assert.equal(countRows(engine, 'SELECT count(*) FROM vec_clip'), 0);
});

test('huge and tiny magnitudes normalise without overflow', (t) => {
  const { store } = tempEngine(t);
  store.setSpaceModel('clip', 'test/clip', 2);
  const big = store.writeItem({ item: { kind: 'photo', path: '/big' }, vectors: { clip: [1e300, 1e300] } });
  const small = store.writeItem({ item: { kind: 'photo', path: '/small' }, vectors: { clip: [1e-300, -1e-300] } });
  const vectors = store.readVectors('clip', [big, small]);
  assert.deepEqual([...(vectors.get(big) ?? [])], [Math.fround(Math.SQRT1_2), Math.fround(Math.SQRT1_2)]);
  assert.deepEqual([...(vectors.get(small) ?? [])], [Math.fround(Math.SQRT1_2), -Math.fround(Math.SQRT1_2)]);
});

test('removing an item removes its vectors in every space and its labels', (t) => {
  const engine = tempEngine(t);
  const { store } = engine;
  store.setSpaceModel('clip', 'test/clip', 2);
  store.setSpaceModel('text', 'test/text', 2);
  const keep = store.writeItem({ item: { kind: 'photo', path: '/keep' }, vectors: { clip: [1, 0], text: [0, 1] } });
  const drop = store.writeItem({ item: { kind: 'product', catalogKey: 'c:1' }, vectors: { clip: [1, 1], text: [1, 0] } });
  store.setLabels(drop, '', [{ label: 'cat', confidence: 0.9 }]);
  assert.equal(store.removeItems([drop]), 1);
  assert.equal(countRows(engine, 'SELECT count(*) FROM vec_clip'), 1);
  assert.equal(countRows(engine, 'SELECT count(*) FROM vec_text'), 1);
  assert.equal(countRows(engine, 'SELECT count(*) FROM labels'), 0);
  assert.deepEqual([...store.readVectors('clip', [keep, drop]).keys()], [keep]);
  assert.equal(engine.store.integrityCheck(), 'ok');
});

test('a new model makes old vectors stale, never mixed with its own; a new size drops them', (t) => {
  const engine = tempEngine(t);
  const { store } = engine;
  store.setSpaceModel('clip', 'model-a', 2);
  const id = store.writeItem({ item: { kind: 'photo', path: '/a' }, vectors: { clip: [1, 0] } });
  assert.deepEqual(store.setSpaceModel('clip', 'model-a', 2), { changed: false, droppedVectors: 0 });

  assert.deepEqual(store.setSpaceModel('clip', 'model-b', 2), { changed: true, droppedVectors: 0 });
  assert.deepEqual(store.spaces()[0], { space: 'clip', model: 'model-b', dims: 2, vectors: 0, stale: 1 });
  assert.equal(store.readVectors('clip', [id]).size, 0, 'stale vectors are not served');

  store.writeItem({ item: { kind: 'photo', path: '/a' }, vectors: { clip: [0, 1] } });
  assert.deepEqual(store.spaces()[0], { space: 'clip', model: 'model-b', dims: 2, vectors: 1, stale: 0 });

  assert.deepEqual(store.setSpaceModel('clip', 'model-c', 5), { changed: true, droppedVectors: 1 });
  assert.deepEqual(store.spaces()[0], { space: 'clip', model: 'model-c', dims: 5, vectors: 0, stale: 1 });
  assert.equal(countRows(engine, 'SELECT count(*) FROM vec_clip'), 0);
  badInput(() => store.writeItem({ item: { kind: 'photo', path: '/a' }, vectors: { clip: [1, 0] } }), /expected 5 numbers/);
  store.writeItem({ item: { kind: 'photo', path: '/a' }, vectors: { clip: [1, 0, 0, 0, 0] } });
  assert.deepEqual(store.spaces()[0], { space: 'clip', model: 'model-c', dims: 5, vectors: 1, stale: 0 });
  assert.deepEqual([...(store.readVectors('clip', [id]).get(id) ?? [])], [1, 0, 0, 0, 0]);
});

test('filters select by kind, root, label and status', (t) => {
  const { store } = tempEngine(t);
  const root = store.addRoot('/photos');
  assert.equal(store.addRoot('/photos'), root, 'adding a root twice returns the same id');
  const a = store.writeItem({ item: { kind: 'photo', path: '/photos/a', rootId: root } });
  const b = store.writeItem({ item: { kind: 'photo', path: '/elsewhere/b', status: 'offline' } });
  const c = store.writeItem({ item: { kind: 'product', catalogKey: 'shop:1', status: 'error', error: 'image missing' } });
  store.setLabels(a, 'animals', [{ label: 'cat', confidence: 0.8 }]);
  store.setLabels(c, '', [{ label: 'cat', confidence: 1 }, { label: 'toaster', confidence: 1 }]);
  const ids = (f: Parameters<typeof store.filterItemIds>[0]): number[] => store.filterItemIds(f).sort((x, y) => x - y);
  assert.deepEqual(ids({}), [a, b, c]);
  assert.deepEqual(ids({ kinds: ['photo'] }), [a, b]);
  assert.deepEqual(ids({ roots: [root] }), [a]);
  assert.deepEqual(ids({ labels: ['cat'] }), [a, c]);
  assert.deepEqual(ids({ labels: ['cat'], kinds: ['product'] }), [c]);
  assert.deepEqual(ids({ statuses: ['offline', 'error'] }), [b, c]);
  assert.deepEqual(store.recentErrors(), [{ id: c, path: null, reason: 'image missing' }]);
  assert.deepEqual(store.countItems(), {
    total: 3,
    byKind: { photo: 2, product: 1 },
    byStatus: { ok: 1, error: 1, offline: 1 },
    // The product that could not be read is not one of the library's readable items.
    readable: { photo: 2, product: 0 },
  });
  assert.throws(() => store.setLabels(999, '', [{ label: 'x', confidence: 0.5 }]), /No item with id 999/);
  badInput(() => store.setLabels(a, '', [{ label: 'x', confidence: 1.5 }]), /must lie in \[0, 1\]/);
});

test("reading sqlite-vec's chunks directly gives exactly what the public vec0 scan gives", (t) => {
  const { store } = tempEngine(t);
  store.setSpaceModel('clip', 'test/clip', 5);
  // Over two chunks of 1024, with holes from deletions and rewrites.
  const ids = store.writeItems(
    Array.from({ length: 2500 }, (_, i) => ({
      item: { kind: 'photo' as const, path: `/p/${i}` },
      vectors: { clip: [i + 1, -i, Math.sin(i), 1, (i % 7) - 3] },
    })),
  );
  store.removeItems(ids.filter((_, i) => i % 5 === 0 || (i > 1500 && i < 1600)));
  store.writeItem({ item: { kind: 'photo', path: '/p/3' }, vectors: { clip: [9, 9, 9, 9, 9] } });

  const viaScan = new Map<number, number[]>();
  store.scanVectorTable('clip', (id, v) => viaScan.set(id, [...v]));
  const viaChunks = new Map<number, number[]>();
  store.forEachVector('clip', (id, v) => viaChunks.set(id, [...v]));
  assert.equal(viaChunks.size, 2500 - 500 - 80);
  assert.deepEqual(
    [...viaChunks].sort((a, b) => a[0] - b[0]),
    [...viaScan].sort((a, b) => a[0] - b[0]),
  );

  // Many ids at once read whole chunks; a few at a time go one by one: the same vectors,
  // and removed or unknown ids are absent from both.
  const asked = [...ids, 999_999];
  const bulk = store.readVectors('clip', asked);
  const single = new Map<number, Float32Array>();
  for (let i = 0; i < asked.length; i += 10) for (const [id, v] of store.readVectors('clip', asked.slice(i, i + 10))) single.set(id, v);
  assert.equal(bulk.size, viaScan.size);
  assert.deepEqual(new Map([...bulk].map(([id, v]) => [id, [...v]])), new Map([...single].map(([id, v]) => [id, [...v]])));
  assert.deepEqual(new Map([...bulk].map(([id, v]) => [id, [...v]])), viaScan);
});

test('space left by removals is given back, and every remaining vector is kept as it was', (t) => {
  const engine = tempEngine(t);
  const { store } = engine;
  store.setSpaceModel('visual', 'test/visual', 6);
  const ids = store.writeItems(
    Array.from({ length: 10_000 }, (_, i) => ({
      item: { kind: 'photo' as const, path: `/p/${i}` },
      vectors: { visual: [i, 1, -i % 13, Math.cos(i), 2, (i * 31) % 17] },
    })),
  );
  const kept = ids.filter((_, i) => i % 4 === 0);
  const before = store.readVectors('visual', kept);
  const chunks = (): number => countRows(engine, 'SELECT count(*) FROM vec_visual_chunks');
  assert.equal(chunks(), Math.ceil(10_000 / CHUNK_SIZE));

  // Every chunk keeps a quarter of its vectors, so sqlite-vec alone would free none.
  store.removeItems(ids.filter((_, i) => i % 4 !== 0));
  assert.equal(chunks(), Math.ceil(2_500 / CHUNK_SIZE));
  assert.deepEqual(store.readVectors('visual', kept), before);
  assert.equal(store.spaces()[1]?.vectors, 2_500);
  assert.equal(engine.store.integrityCheck(), 'ok');

  // The trigger was recreated with the table: removing an item still removes its vector.
  store.removeItems(kept.slice(0, 10));
  assert.equal(countRows(engine, 'SELECT count(*) FROM vec_visual'), 2_490);
});

test("reading a whole space walks sqlite-vec's chunks once, each found by its key (never a scan per chunk)", (t) => {
  const engine = tempEngine(t);
  engine.store.setSpaceModel('visual', 'test/visual', 4);
  engine.store.writeItems(Array.from({ length: 100 }, (_, i) => ({ item: { kind: 'photo' as const, path: `/p/${i}` }, vectors: { visual: [i, 1, 2, 3] } })));
  const plan = (peek(engine).prepare(`EXPLAIN QUERY PLAN SELECT c.size, v.vectors ${chunkRows('visual')} ORDER BY c.chunk_id`).all() as { detail: string }[]).map((r) => r.detail);
  assert.deepEqual(plan, ['SCAN c', 'SEARCH v USING INDEX sqlite_autoindex_vec_visual_vector_chunks00_1 (rowid=?) LEFT-JOIN']);
  let seen = 0;
  engine.store.forEachVector('visual', () => seen++);
  assert.equal(seen, 100);
});
