/**
 * Item id → slot, for item ids as SQLite hands them out (positive, dense, growing). An
 * Int32Array indexed by id: filling a Map with a million entries costs ~0.5 s on the first
 * query after start, this costs a few milliseconds. Ids beyond MAX_DENSE_ID fall back to a Map.
 */
const MAX_DENSE_ID = 1 << 28;

export class SlotMap {
  private dense = new Int32Array(1024).fill(-1);
  private readonly sparse = new Map<number, number>();

  get(itemId: number): number | undefined {
    if (itemId >= 0 && itemId < this.dense.length && Number.isInteger(itemId)) {
      const slot = this.dense[itemId] as number;
      return slot < 0 ? undefined : slot;
    }
    return this.sparse.get(itemId);
  }

  set(itemId: number, slot: number): void {
    if (Number.isInteger(itemId) && itemId >= 0 && itemId < MAX_DENSE_ID) {
      if (itemId >= this.dense.length) {
        const grown = new Int32Array(Math.min(MAX_DENSE_ID, Math.max(itemId + 1, this.dense.length * 2))).fill(-1);
        grown.set(this.dense);
        this.dense = grown;
      }
      this.dense[itemId] = slot;
      return;
    }
    this.sparse.set(itemId, slot);
  }

  delete(itemId: number): void {
    if (itemId >= 0 && itemId < this.dense.length && Number.isInteger(itemId)) this.dense[itemId] = -1;
    else this.sparse.delete(itemId);
  }

  clear(): void {
    this.dense = new Int32Array(1024).fill(-1);
    this.sparse.clear();
  }
}
