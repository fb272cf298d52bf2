import type { Space } from '../../../preload/contract.js';
import type { LibraryStore as Store, StoreChange } from '../store/library-store.js';
import { SpaceMatrix } from './space-matrix.js';

/**
 * An in-memory mirror of the store's current vectors, as int8 codes for the prefilter scan.
 *
 * Each item gets a dense slot shared by all spaces, so per-space scores add up in flat
 * arrays. A space is loaded from the store on first use and then kept in step by the
 * store's change events; a commit by another connection (PRAGMA data_version) drops the
 * mirror so it reloads.
 */
export class VectorIndex {
  private readonly store: Store;
  private readonly matrices = new Map<Space, SpaceMatrix>();
  private readonly slotOfItem = new Map<number, number>();
  private itemOfSlot = new Float64Array(1024);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private dataVersion: number;
  private readonly unsubscribe: () => void;
  private scratchArrays: Float64Array[] = [];

  constructor(store: Store) {
    this.store = store;
    this.dataVersion = store.dataVersion();
    this.unsubscribe = store.onChange((change) => this.apply(change));
  }

  close(): void {
    this.unsubscribe();
    this.clear();
  }

  /** Number of slots handed out so far: the length score arrays must have. */
  get slotCount(): number {
    return this.nextSlot;
  }

  itemAt(slot: number): number {
    return this.itemOfSlot[slot] as number;
  }

  slotOf(itemId: number): number | undefined {
    return this.slotOfItem.get(itemId);
  }

  /** The matrix of a space, loading it from the store if it is not mirrored yet. */
  matrix(space: Space): SpaceMatrix | undefined {
    const version = this.store.dataVersion();
    if (version !== this.dataVersion) {
      this.clear();
      this.dataVersion = version;
    }
    const model = this.store.spaceModel(space);
    if (!model) return undefined;
    let matrix = this.matrices.get(space);
    if (matrix && matrix.dims !== model.dims) {
      this.dropSpace(space);
      matrix = undefined;
    }
    if (!matrix) {
      const loaded = new SpaceMatrix(model.dims);
      this.matrices.set(space, loaded);
      this.store.forEachVector(space, (itemId, vector) => loaded.set(this.acquireSlot(itemId), vector));
      matrix = loaded;
    }
    return matrix;
  }

  /**
   * Per-slot work arrays for one search, zeroed, reused between searches so a query does not
   * allocate (and later collect) megabytes. Valid until the next call.
   */
  scratch(count: number): Float64Array[] {
    const slots = this.nextSlot;
    if (this.scratchArrays.length !== count || (this.scratchArrays[0]?.length ?? 0) < slots) {
      const length = Math.max(1024, slots + (slots >> 2));
      this.scratchArrays = Array.from({ length: count }, () => new Float64Array(length));
    }
    for (const array of this.scratchArrays) array.fill(0, 0, slots);
    return this.scratchArrays;
  }

  /** Bytes held by the loaded spaces. */
  get bytes(): number {
    let total = this.itemOfSlot.byteLength;
    for (const matrix of this.matrices.values()) total += matrix.bytes;
    return total;
  }

  private apply(change: StoreChange): void {
    switch (change.type) {
      case 'vectors':
        for (const [space, vector] of change.vectors) {
          const matrix = this.matrices.get(space);
          if (matrix) matrix.set(this.acquireSlot(change.itemId), vector);
        }
        break;
      case 'removed':
        for (const itemId of change.itemIds) {
          const slot = this.slotOfItem.get(itemId);
          if (slot === undefined) continue;
          for (const matrix of this.matrices.values()) matrix.remove(slot);
          this.releaseSlot(slot);
        }
        break;
      case 'space-reset':
        this.dropSpace(change.space);
        break;
    }
    // data_version is left alone: it moves only for other connections' commits, and one
    // of those may have landed since the last look.
  }

  private dropSpace(space: Space): void {
    const matrix = this.matrices.get(space);
    if (!matrix) return;
    this.matrices.delete(space);
    for (const [itemId, slot] of [...this.slotOfItem]) {
      if (matrix.has(slot) && ![...this.matrices.values()].some((m) => m.has(slot))) {
        this.slotOfItem.delete(itemId);
        this.releaseSlot(slot);
      }
    }
  }

  private clear(): void {
    this.matrices.clear();
    this.slotOfItem.clear();
    this.freeSlots.length = 0;
    this.nextSlot = 0;
  }

  private acquireSlot(itemId: number): number {
    let slot = this.slotOfItem.get(itemId);
    if (slot !== undefined) return slot;
    slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot >= this.itemOfSlot.length) {
        const grown = new Float64Array(this.itemOfSlot.length * 2);
        grown.set(this.itemOfSlot);
        this.itemOfSlot = grown;
      }
    }
    this.slotOfItem.set(itemId, slot);
    this.itemOfSlot[slot] = itemId;
    return slot;
  }

  private releaseSlot(slot: number): void {
    const itemId = this.itemOfSlot[slot] as number;
    this.slotOfItem.delete(itemId);
    this.itemOfSlot[slot] = -1;
    this.freeSlots.push(slot);
  }
}
