import { instantiateKernel, type Int8Kernel } from './int8-kernel.js';
import { errorBoundTerms, paddedStride, quantizeQuery, quantizeRow } from './quantize.js';

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
  /** Row of each slot, -1 where the slot has no row here (an array: a Map of 1M entries costs 100 ms to fill). */
  private rowOfSlot = new Int32Array(0).fill(-1);

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
    return (this.rowOfSlot[slot] ?? -1) >= 0;
  }

  /** Bytes this matrix holds in memory (for status and benchmarks). */
  get bytes(): number {
    return this.kernel.memory.buffer.byteLength + this.capacity * 20;
  }

  set(slot: number, unit: Float32Array): void {
    if (unit.length !== this.dims) throw new Error(`Expected ${this.dims} dims, got ${unit.length}.`);
    let row = this.rowOfSlot[slot] ?? -1;
    if (row < 0) {
      if (this.count === this.capacity) this.grow(nextCapacity(this.capacity));
      row = this.count++;
      this.placeRow(row, slot);
    }
    const codes = new Int8Array(this.kernel.memory.buffer, this.rowsOffset + row * this.stride, this.stride);
    codes.fill(0);
    const { alpha, error } = quantizeRow(unit, codes);
    this.alpha[row] = alpha;
    this.rowError[row] = error;
  }

  remove(slot: number): void {
    const row = this.rowOfSlot[slot] ?? -1;
    if (row < 0) return;
    this.rowOfSlot[slot] = -1;
    const last = --this.count;
    if (row !== last) {
      const bytes = new Int8Array(this.kernel.memory.buffer);
      const from = this.rowsOffset + last * this.stride;
      bytes.copyWithin(this.rowsOffset + row * this.stride, from, from + this.stride);
      const movedSlot = this.rowSlot[last] as number;
      this.rowSlot[row] = movedSlot;
      this.alpha[row] = this.alpha[last] as number;
      this.rowError[row] = this.rowError[last] as number;
      this.rowOfSlot[movedSlot] = row;
    }
  }

  /**
   * The rows as they lie in memory, for writing them to a codes file: codes (count × stride
   * bytes), each row's scale and residual norm, and its slot. Views, valid until the next change.
   */
  rows(): { codes: Uint8Array; alpha: Float64Array; error: Float64Array; slots: Int32Array } {
    return {
      codes: new Uint8Array(this.kernel.memory.buffer, this.rowsOffset, this.count * this.stride),
      alpha: this.alpha.subarray(0, this.count),
      error: this.rowError.subarray(0, this.count),
      slots: this.rowSlot.subarray(0, this.count),
    };
  }

  /**
   * Room for `count` rows, and views where their codes, scales and residual norms go: a
   * codes file can be read into them before the rows' slots are known (then `load` places
   * them without reading again).
   */
  reserve(count: number): { codes: Uint8Array; alpha: Float64Array; error: Float64Array } {
    if (count > this.capacity) this.grow(Math.max(count + headroom(count), nextCapacity(this.capacity)));
    return {
      codes: new Uint8Array(this.kernel.memory.buffer, this.rowsOffset, count * this.stride),
      alpha: this.alpha.subarray(0, count),
      error: this.rowError.subarray(0, count),
    };
  }

  /**
   * Replaces every row with `count` rows that `fill` writes straight into memory (codes as
   * quantizeRow made them, with their scales and residual norms) and whose slots it returns:
   * how a codes file loads without a copy or a requantization.
   */
  load(count: number, fill: (rows: { codes: Uint8Array; alpha: Float64Array; error: Float64Array }) => Int32Array): void {
    const rows = this.reserve(count);
    this.rowOfSlot.fill(-1);
    this.count = 0;
    const slots = fill(rows);
    if (slots.length !== count) throw new Error(`Expected ${count} slots, got ${slots.length}.`);
    for (let row = 0; row < count; row++) this.placeRow(row, slots[row] as number);
    this.count = count;
  }

  /** A slot's codes, scale and residual norm (for checking a loaded file against the vectors). */
  row(slot: number): { codes: Int8Array; alpha: number; error: number } | undefined {
    const row = this.rowOfSlot[slot] ?? -1;
    if (row < 0) return undefined;
    return {
      codes: new Int8Array(this.kernel.memory.buffer, this.rowsOffset + row * this.stride, this.stride).slice(),
      alpha: this.alpha[row] as number,
      error: this.rowError[row] as number,
    };
  }

  private placeRow(row: number, slot: number): void {
    if (slot >= this.rowOfSlot.length) {
      const grown = new Int32Array(Math.max(1024, slot + 1, this.rowOfSlot.length * 2)).fill(-1);
      grown.set(this.rowOfSlot);
      this.rowOfSlot = grown;
    }
    this.rowOfSlot[slot] = row;
    this.rowSlot[row] = slot;
  }

  /**
   * Adds this term's prefilter score and error bound to every slot that has a row here:
   * sum[slot] += w·approx, bound[slot] += |w|·maxError + slack, weight[slot] += weightSum
   * (|w| unless several terms of this space were folded into one query: then the sum of theirs).
   */
  accumulate(
    query: Float32Array,
    weight: number,
    sum: Float64Array,
    bound: Float64Array,
    weights: Float64Array,
    folded: { weightSum: number; slack: number } = { weightSum: Math.abs(weight), slack: 0 },
  ): void {
    if (this.count === 0) return;
    const { codes, beta, error } = quantizeQuery(query);
    const buffer = this.kernel.memory.buffer;
    new Int16Array(buffer, 0, this.stride).set(codes);
    const outOffset = this.rowsOffset + this.capacity * this.stride;
    this.kernel.dots(this.rowsOffset, this.count, this.stride, 0, outOffset);
    const dots = new Int32Array(buffer, outOffset, this.count);
    const absWeight = Math.abs(weight);
    const scale = weight * beta;
    // errorBound(e, F) = e·a + b with a and b fixed for this query: one multiply-add per row.
    const [perRowError, constant] = errorBoundTerms(error);
    const a = absWeight * perRowError;
    const b = absWeight * constant + folded.slack;
    const { weightSum } = folded;
    const { rowSlot, alpha, rowError } = this;
    for (let row = 0; row < this.count; row++) {
      const slot = rowSlot[row] as number;
      sum[slot] = (sum[slot] as number) + scale * (alpha[row] as number) * (dots[row] as number);
      bound[slot] = (bound[slot] as number) + a * (rowError[row] as number) + b;
      weights[slot] = (weights[slot] as number) + weightSum;
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

/**
 * Doubling while small; past 64k rows a quarter more each time: a million-row space that
 * gains one item must not reserve another million rows (1.8 GB for three spaces).
 */
function nextCapacity(capacity: number): number {
  return capacity < 65536 ? capacity * 2 : Math.ceil(capacity * 1.25);
}

/**
 * Spare rows beyond a loaded file's count. Without them the first item another process adds
 * grows a full space: at a million rows that reallocated and copied its per-row arrays and
 * took 70 ms a space (measured: 216 of a 243 ms replay of 1,000 items in three spaces).
 */
function headroom(count: number): number {
  return Math.max(1024, Math.ceil(count / 64));
}

function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source as never);
  return target;
}
