import { instantiateKernel, type Int8Kernel } from './int8-kernel.js';
import { errorBound, paddedStride, quantizeQuery, quantizeRow } from './quantize.js';

const PAGE = 65536;

/**
 * The int8 codes of one space's vectors, row by row, in a WebAssembly memory that the SIMD
 * kernel scans. Rows are keyed by slot (the index's dense number for an item); removing a
 * row moves the last row into its place so the matrix stays packed.
 *
 * Memory layout: [query codes | rows (capacity × stride) | scores (capacity × 4)].
 */
export class SpaceMatrix {
  readonly dims: number;
  readonly stride: number;
  private readonly kernel: Int8Kernel;
  private readonly queryBytes: number;
  private capacity = 0;
  private count = 0;
  private rowSlot = new Int32Array(0);
  private alpha = new Float64Array(0);
  private rowError = new Float64Array(0);
  private readonly rowOfSlot = new Map<number, number>();

  constructor(dims: number) {
    this.dims = dims;
    this.stride = paddedStride(dims);
    this.kernel = instantiateKernel();
    this.queryBytes = Math.ceil((this.stride * 2) / 64) * 64;
    this.grow(1024);
  }

  get size(): number {
    return this.count;
  }

  has(slot: number): boolean {
    return this.rowOfSlot.has(slot);
  }

  /** Bytes this matrix holds in memory (for status and benchmarks). */
  get bytes(): number {
    return this.kernel.memory.buffer.byteLength + this.capacity * 20;
  }

  set(slot: number, unit: Float32Array): void {
    if (unit.length !== this.dims) throw new Error(`Expected ${this.dims} dims, got ${unit.length}.`);
    let row = this.rowOfSlot.get(slot);
    if (row === undefined) {
      if (this.count === this.capacity) this.grow(this.capacity * 2);
      row = this.count++;
      this.rowOfSlot.set(slot, row);
      this.rowSlot[row] = slot;
    }
    const codes = new Int8Array(this.kernel.memory.buffer, this.rowsOffset + row * this.stride, this.stride);
    codes.fill(0);
    const { alpha, error } = quantizeRow(unit, codes);
    this.alpha[row] = alpha;
    this.rowError[row] = error;
  }

  remove(slot: number): void {
    const row = this.rowOfSlot.get(slot);
    if (row === undefined) return;
    this.rowOfSlot.delete(slot);
    const last = --this.count;
    if (row !== last) {
      const bytes = new Int8Array(this.kernel.memory.buffer);
      const from = this.rowsOffset + last * this.stride;
      bytes.copyWithin(this.rowsOffset + row * this.stride, from, from + this.stride);
      const movedSlot = this.rowSlot[last] as number;
      this.rowSlot[row] = movedSlot;
      this.alpha[row] = this.alpha[last] as number;
      this.rowError[row] = this.rowError[last] as number;
      this.rowOfSlot.set(movedSlot, row);
    }
  }

  /**
   * Adds this term's prefilter score and error bound to every slot that has a row here:
   * sum[slot] += w·approx, bound[slot] += |w|·maxError, weight[slot] += |w|.
   */
  accumulate(query: Float32Array, weight: number, sum: Float64Array, bound: Float64Array, weights: Float64Array): void {
    if (this.count === 0) return;
    const { codes, beta, error } = quantizeQuery(query);
    const buffer = this.kernel.memory.buffer;
    new Int16Array(buffer, 0, this.stride).set(codes);
    const outOffset = this.rowsOffset + this.capacity * this.stride;
    this.kernel.dots(this.rowsOffset, this.count, this.stride, 0, outOffset);
    const dots = new Int32Array(buffer, outOffset, this.count);
    const absWeight = Math.abs(weight);
    const { rowSlot, alpha, rowError } = this;
    for (let row = 0; row < this.count; row++) {
      const slot = rowSlot[row] as number;
      sum[slot] = (sum[slot] as number) + weight * (alpha[row] as number) * beta * (dots[row] as number);
      bound[slot] = (bound[slot] as number) + absWeight * errorBound(rowError[row] as number, error);
      weights[slot] = (weights[slot] as number) + absWeight;
    }
  }

  private get rowsOffset(): number {
    return this.queryBytes;
  }

  private grow(capacity: number): void {
    const needed = this.queryBytes + capacity * this.stride + capacity * 4;
    const pages = Math.ceil(needed / PAGE) - this.kernel.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.kernel.memory.grow(pages);
    this.rowSlot = copyInto(new Int32Array(capacity), this.rowSlot);
    this.alpha = copyInto(new Float64Array(capacity), this.alpha);
    this.rowError = copyInto(new Float64Array(capacity), this.rowError);
    this.capacity = capacity;
  }
}

function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
