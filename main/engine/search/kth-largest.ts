/**
 * The k-th largest of values[0..count) (k is 1-based), duplicates counted, values untouched.
 *
 * One pass with a min-heap of the k largest seen so far: a value enters only when it beats
 * the heap's smallest, which in a ranking's scan happens about k·ln(count/k) times, so the
 * pass costs one comparison per value (a quickselect on a copy cost ~10 ms at 1M values,
 * a quarter of a one-space query).
 */
export function kthLargest(values: Float64Array, count: number, k: number): number {
  if (k < 1 || k > count) throw new RangeError(`k must lie in [1, ${count}], got ${k}.`);
  const heap = values.slice(0, k);
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(heap, i, k);
  let smallest = heap[0] as number;
  for (let i = k; i < count; i++) {
    const value = values[i] as number;
    if (value <= smallest) continue;
    heap[0] = value;
    siftDown(heap, 0, k);
    smallest = heap[0] as number;
  }
  return smallest;
}

function siftDown(heap: Float64Array, start: number, size: number): void {
  let i = start;
  const value = heap[i] as number;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && (heap[child + 1] as number) < (heap[child] as number)) child++;
    if ((heap[child] as number) >= value) break;
    heap[i] = heap[child] as number;
    i = child;
  }
  heap[i] = value;
}
