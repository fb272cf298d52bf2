import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { instantiateKernel } from '../../main/engine/search/int8-kernel.js';
import { kthLargest } from '../../main/engine/search/kth-largest.js';
import { errorBound, paddedStride, quantizeQuery, quantizeRow } from '../../main/engine/search/quantize.js';
import { exactDot, toUnitVector } from '../../main/engine/vector/unit-vector.js';

const unitVector = (dims: number): fc.Arbitrary<Float32Array> =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dims, maxLength: dims })
    .filter((v) => v.some((x) => Math.abs(x) > 1e-6))
    .map((v) => toUnitVector(v, dims, 'test'));

test('the prefilter error bound holds: |exact dot − int8 estimate| ≤ bound', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1100 }).chain((d) => fc.tuple(unitVector(d), unitVector(d))),
      ([x, u]) => {
        const stride = paddedStride(x.length);
        const codes = new Int8Array(stride);
        const row = quantizeRow(x, codes);
        const query = quantizeQuery(u);
        let integerDot = 0;
        for (let j = 0; j < stride; j++) integerDot += (codes[j] as number) * (query.codes[j] as number);
        const estimate = row.alpha * query.beta * integerDot;
        const error = Math.abs(exactDot(x, u) - estimate);
        assert.ok(error <= errorBound(row.error, query.error), `error ${error} above its bound`);
      },
    ),
    { numRuns: 300 },
  );
});

test('the WebAssembly kernel computes the same integer dot products as plain JavaScript', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2100 }), fc.integer({ min: 0, max: 40 }), (dims, rows) => {
      const stride = paddedStride(dims);
      const kernel = instantiateKernel();
      const queryAt = 0;
      const rowsAt = stride * 2;
      const outAt = rowsAt + rows * stride;
      const need = outAt + rows * 4 - kernel.memory.buffer.byteLength;
      if (need > 0) kernel.memory.grow(Math.ceil(need / 65536));
      const codes = new Int8Array(kernel.memory.buffer, rowsAt, rows * stride);
      for (let i = 0; i < codes.length; i++) codes[i] = ((i * 2654435761) % 255) - 127;
      const query = quantizeQuery(toUnitVector(Array.from({ length: dims }, (_, j) => Math.sin(j + 1)), dims, 'q'));
      new Int16Array(kernel.memory.buffer, queryAt, stride).set(query.codes);
      kernel.dots(rowsAt, rows, stride, queryAt, outAt);
      const out = new Int32Array(kernel.memory.buffer, outAt, rows);
      for (let r = 0; r < rows; r++) {
        let expected = 0;
        for (let j = 0; j < stride; j++) expected += (codes[r * stride + j] as number) * (query.codes[j] as number);
        assert.equal(out[r], expected, `row ${r}`);
      }
    }),
    { numRuns: 60 },
  );
});

test('the committed kernel bytes are what int8-dot.wat assembles to', () => {
  // Exits non-zero (and the test fails) when someone edits the .wat without rebuilding.
  execFileSync(process.execPath, ['scripts/build-kernel.js', '--check'], { stdio: 'pipe' });
});

test('kthLargest agrees with sorting, duplicates included', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 }), fc.nat(), (values, pick) => {
      const k = (pick % values.length) + 1;
      const sorted = [...values].sort((a, b) => b - a);
      assert.equal(kthLargest(Float64Array.from(values), values.length, k), sorted[k - 1]);
    }),
  );
});
