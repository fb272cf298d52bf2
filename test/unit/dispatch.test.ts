import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatch } from '../../main/engine/dispatch.js';
import { MAX_K } from '../../preload/contract.js';
import { tempEngine } from '../helpers/engine.js';

test('payloads are validated against the contract before the engine sees them', async (t) => {
  const engine = tempEngine(t);
  engine.store.setSpaceModel('clip', 'test/clip', 2);
  const term = { space: 'clip', vector: [1, 0], weight: 1 };
  const cases: [unknown, RegExp][] = [
    [{ terms: [] }, /terms: Too small/],
    [{ terms: [{ ...term, space: 'smell' }] }, /terms\.0\.space: Invalid option/],
    [{ terms: [{ ...term, vector: [1, Number.NaN] }] }, /terms\.0\.vector\.1/],
    [{ terms: [{ ...term, weight: Number.POSITIVE_INFINITY }] }, /terms\.0\.weight/],
    [{ terms: [term], k: 0 }, /k: Too small/],
    [{ terms: [term], k: MAX_K + 1 }, /k: Too big/],
    [{ terms: [term], k: 2.5 }, /k: /],
    [{ terms: [term], filters: { kinds: ['video'] } }, /filters\.kinds\.0/],
    [{ terms: [term], extra: true }, /Unrecognized key/],
    ['not an object', /expected object/],
  ];
  for (const [payload, pattern] of cases) {
    const result = await dispatch(engine, 'searchVectors', payload);
    assert.equal(result.ok, false, JSON.stringify(payload));
    if (!result.ok) {
      assert.equal(result.error.code, 'bad-input');
      assert.match(result.error.message, pattern);
    }
  }
});

test('engine errors come back as results, never as throws', async (t) => {
  const engine = tempEngine(t);
  engine.store.setSpaceModel('clip', 'test/clip', 2);
  const wrongLength = await dispatch(engine, 'searchVectors', { terms: [{ space: 'clip', vector: [1, 2, 3], weight: 1 }] });
  assert.deepEqual(wrongLength, {
    ok: false,
    error: { code: 'bad-input', message: 'Term 1 (clip) vector: expected 2 numbers, got 3.' },
  });
  const noModel = await dispatch(engine, 'searchVectors', { terms: [{ space: 'text', vector: [1], weight: 1 }] });
  assert.match(noModel.ok ? '' : noModel.error.message, /the text space has no model and no vectors yet/);
  const allZero = await dispatch(engine, 'searchVectors', { terms: [{ space: 'clip', vector: [1, 0], weight: 0 }] });
  assert.match(allZero.ok ? '' : allZero.error.message, /Every term has weight 0/);

  const status = await dispatch(engine, 'status', undefined);
  assert.equal(status.ok, true);
});

test('a search with k larger than the library returns every item with a vector, best first', async (t) => {
  const engine = tempEngine(t);
  engine.store.setSpaceModel('clip', 'test/clip', 2);
  engine.store.setSpaceModel('colour', 'test/colour', 2);
  const east = engine.store.writeItem({ item: { kind: 'photo', path: '/east' }, vectors: { clip: [1, 0] } });
  const north = engine.store.writeItem({ item: { kind: 'photo', path: '/north' }, vectors: { clip: [0, 1], colour: [1, 0] } });
  engine.store.writeItem({ item: { kind: 'photo', path: '/broken', status: 'error', error: 'truncated JPEG' } });
  const result = await dispatch(engine, 'searchVectors', {
    terms: [
      { space: 'clip', vector: [1, 0], weight: 0.5 },
      { space: 'colour', vector: [1, 0], weight: -0.5 },
    ],
    k: 10,
  });
  assert.ok(result.ok);
  // east has only clip: 0.5·1 / 0.5 = 1. north has both: (0.5·0 − 0.5·1) / 1 = −0.5.
  assert.deepEqual(
    result.value.results.map((r) => [r.id, r.path, r.score, r.breakdown]),
    [
      [east, '/east', 1, { clip: 1 }],
      [north, '/north', -0.5, { clip: 0, colour: -0.5 }],
    ],
  );
});
