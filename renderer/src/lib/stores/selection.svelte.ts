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
    if (keepId === undefined) this.marked = [];
    const index = keepId === undefined ? -1 : items.findIndex((item) => item?.id === keepId);
    this.selected = index >= 0 ? index : items.length > 0 ? 0 : null;
    if (index < 0) this.detailOpen = false;
  }

  /** Items picked together (ctrl-click, shift-click, Ctrl+A), by id, to copy or export; the selected cell alone otherwise. */
  marked = $state<number[]>([]);
  /** Where a shift-click range starts. */
  private anchor: number | null = null;

  /** A plain click: one item, the marks gone. */
  pick(index: number): void {
    this.marked = [];
    this.anchor = index;
    this.select(index);
  }

  /** Ctrl- or Cmd-click: this item in or out of the marked ones (the selected one joins the first time). */
  toggle(index: number): void {
    const id = this.items()[index]?.id;
    if (id === undefined) return;
    let marked = this.marked;
    if (marked.length === 0 && this.item && this.selected !== index) marked = [this.item.id];
    this.marked = marked.includes(id) ? marked.filter((m) => m !== id) : [...marked, id];
    this.anchor = index;
    this.select(index);
  }

  /** Shift-click: everything from the last clicked item to this one. */
  extend(index: number): void {
    const from = this.anchor ?? this.selected ?? index;
    const [low, high] = from <= index ? [from, index] : [index, from];
    this.marked = this.items()
      .slice(low, high + 1)
      .flatMap((item) => (item ? [item.id] : []));
    this.select(index);
  }

  /** Ctrl+A: every item shown (those below the relevance cut-off are not shown). */
  markAll(count: number): void {
    this.marked = this.items()
      .slice(0, count)
      .flatMap((item) => (item ? [item.id] : []));
  }

  clearMarks(): void {
    this.marked = [];
  }

  /** What an action applies to: the marked items, else the selected one. */
  chosen(): GridItem[] {
    const items = this.items().filter((item): item is GridItem => item !== undefined);
    if (this.marked.length === 0) return this.item ? [this.item] : [];
    const byId = new Map(items.map((item) => [item.id, item]));
    return this.marked.flatMap((id) => byId.get(id) ?? []);
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
