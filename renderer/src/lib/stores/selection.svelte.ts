import type { ItemDetail } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';
import type { GridItem } from './results.svelte.js';

/** Which cell of the grid is selected, and the detail pane of that item. */
export class SelectionStore {
  selected = $state<number | null>(null);
  /** Bumped when the user moves the selection: the grid brings it into view (a re-ranking does not). */
  revealKey = $state(0);
  detail = $state<ItemDetail | null>(null);
  detailOpen = $state(false);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
    private readonly items: () => (GridItem | undefined)[],
  ) {}

  get item(): GridItem | undefined {
    return this.selected === null ? undefined : this.items()[this.selected];
  }

  /** A new list arrived: keep the selected item where it went, else select the first. */
  follow(items: (GridItem | undefined)[], keepId: number | undefined): void {
    const index = keepId === undefined ? -1 : items.findIndex((item) => item?.id === keepId);
    this.selected = index >= 0 ? index : items.length > 0 ? 0 : null;
    if (index < 0) this.detailOpen = false;
  }

  select(index: number | null): void {
    const count = this.items().length;
    if (index === null || count === 0) {
      this.selected = null;
      return;
    }
    this.selected = Math.max(0, Math.min(count - 1, index));
    this.revealKey++;
    if (this.detailOpen) void this.loadDetail();
  }

  async openDetail(index?: number): Promise<void> {
    if (index !== undefined) this.selected = index;
    this.detailOpen = true;
    await this.loadDetail();
  }

  closeDetail(): void {
    this.detailOpen = false;
    this.detail = null;
  }

  private async loadDetail(): Promise<void> {
    const item = this.item;
    if (!item) return;
    const detail = await this.notices.attempt(() => this.bridge.api.item({ id: item.id }));
    if (detail && this.item?.id === detail.id) this.detail = detail;
  }
}
