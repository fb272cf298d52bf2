import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { kthLargest } from '../../main/engine/search/kth-largest.js';

test('kthLargest is the k-th value of a descending sort, duplicates counted, input untouched', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 1, maxLength: 300 }), fc.nat(), (list, pick) => {
      const values = Float64Array.from(list);
      const before = values.slice();
      const k = 1 + (pick % values.length);
      const expected = [...values].sort((a, b) => b - a)[k - 1];
      // -0 and 0 are the same score, and a sort may put either first: compare as numbers, not by sign.
      assert.ok(kthLargest(values, values.length, k) === expected, `k=${k}: ${kthLargest(values, values.length, k)} vs ${expected}`);
      assert.deepEqual(values, before);
    }),
  );
  assert.throws(() => kthLargest(new Float64Array(3), 3, 4), RangeError);
});
