/**
 * The k-th largest of values[0..count) (k is 1-based), by quickselect on a copy:
 * O(count) on average, and it leaves `values` untouched.
 */
export function kthLargest(values: Float64Array, count: number, k: number): number {
  if (k < 1 || k > count) throw new RangeError(`k must lie in [1, ${count}], got ${k}.`);
  const a = values.slice(0, count);
  // The k-th largest is the element at index count - k in ascending order.
  const target = count - k;
  let lo = 0;
  let hi = count - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const pivot = median3(a[lo] as number, a[mid] as number, a[hi] as number);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target] as number;
  }
  return a[target] as number;
}

function median3(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
}
