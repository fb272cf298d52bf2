import { DUPLICATE_SIMILARITY, DUPLICATE_TIERS, type DuplicateFacts, type DuplicateGroupSummary, type DuplicatesResponse, type DuplicateTier } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

export const TIER_LABELS: Record<DuplicateTier, { name: string; about: string }> = {
  identical: { name: 'Identical', about: 'the same file, byte for byte, under another name or in another folder' },
  'same-photo': { name: 'Same photo', about: 'the same picture saved again, resized, converted, stripped of its EXIF or turned' },
  'same-moment': { name: 'Same moment', about: 'bursts and edits: crops, exposure or colour changes, small shifts, taken seconds apart' },
  similar: { name: 'Similar', about: 'alike to look at, above the similarity you choose: not duplicates, but worth a look' },
  'same-product': { name: 'Same product', about: 'a product listed twice, in one catalog or two: the same picture and near-same words' },
};

/**
 * The Duplicates view: groups by tier, the one to keep in each, and what to do with the
 * others (to the trash or a folder, both undoable; or "not duplicates", remembered).
 */
export class DuplicatesStore {
  open = $state(false);
  tier = $state<DuplicateTier>('same-photo');
  similarity = $state<number>(DUPLICATE_SIMILARITY.default);
  answer = $state<DuplicatesResponse | null>(null);
  loading = $state(false);
  /** The group shown side by side, by its index in the tier's list. */
  selected = $state(0);
  /** The picture the user keeps in the shown group (the suggested one until they pick). */
  keep = $state<number | null>(null);
  facts = $state<Record<number, DuplicateFacts>>({});
  /** Whether the last answer counted the similar tier (it is asked for only while shown). */
  similarCounted = $state(false);
  /** The question before files go to the trash. */
  confirmTrash = $state<DuplicateGroupSummary | null>(null);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
    private readonly changed: () => void,
  ) {}

  readonly groups = $derived.by(() => this.answer?.groups.filter((group) => group.tier === this.tier) ?? []);
  readonly group = $derived(this.groups[Math.min(this.selected, this.groups.length - 1)]);
  readonly counts = $derived.by(() => {
    const counts: Record<DuplicateTier, number> = { identical: 0, 'same-photo': 0, 'same-moment': 0, similar: 0, 'same-product': 0 };
    for (const group of this.answer?.groups ?? []) counts[group.tier]++;
    return counts;
  });
  /** The shown group's pictures that go, when the user acts: all but the one kept. */
  readonly others = $derived(this.group ? this.group.items.filter((item) => item.id !== (this.keep ?? this.group?.keeper)) : []);

  async show(): Promise<void> {
    this.open = true;
    await this.refresh();
    // The tier with groups, when the chosen one has none.
    if (this.groups.length === 0) {
      const first = DUPLICATE_TIERS.find((tier) => tier !== 'similar' && this.counts[tier] > 0);
      if (first) this.pick(first);
    }
  }

  close(): void {
    this.open = false;
  }

  async refresh(): Promise<void> {
    this.loading = true;
    // The similar tier is the costly one (many pairs): asked for only while it is shown.
    const tiers = DUPLICATE_TIERS.filter((tier) => tier !== 'similar' || this.tier === 'similar');
    const answer = await this.notices.attempt(() => this.bridge.api.duplicates({ tiers, similarity: this.similarity }));
    this.similarCounted = tiers.includes('similar');
    this.loading = false;
    if (!answer) return;
    const shown = this.group;
    this.answer = answer;
    // The same group stays shown if it is still there (found by its keeper), else the one at its place.
    const again = shown ? this.groups.findIndex((group) => group.keeper === shown.keeper) : -1;
    this.select(again >= 0 ? again : Math.min(this.selected, Math.max(0, this.groups.length - 1)));
  }

  pick(tier: DuplicateTier): void {
    const refresh = (tier === 'similar') !== this.similarCounted;
    this.tier = tier;
    this.select(0);
    if (refresh) void this.refresh();
  }

  select(index: number): void {
    this.selected = index;
    this.keep = null;
    void this.loadFacts();
  }

  private async loadFacts(): Promise<void> {
    const group = this.group;
    if (!group) return;
    const missing = group.items.map((item) => item.id).filter((id) => !this.facts[id]).slice(0, 50);
    if (missing.length === 0) return;
    const facts = await this.notices.attempt(() => this.bridge.api.duplicateFacts({ ids: missing }));
    if (facts) this.facts = { ...this.facts, ...Object.fromEntries(facts.map((f) => [f.id, f])) };
  }

  /** Checks every photo of the library again (a job the sidebar shows). */
  async checkAll(): Promise<void> {
    const summary = await this.notices.attempt(() => this.bridge.api.checkDuplicates());
    if (!summary) return;
    this.notices.notify('info', `Checked ${summary.pictures.toLocaleString()} photos in ${summary.seconds < 10 ? summary.seconds.toFixed(1) : Math.round(summary.seconds)} s.`);
    await this.refresh();
  }

  async notDuplicates(group: DuplicateGroupSummary): Promise<void> {
    const ids = group.items.map((item) => item.id);
    if (!(await this.notices.attempt(() => this.bridge.api.dismissDuplicates({ ids })))) return;
    this.notices.notify('info', `Kept apart: these ${ids.length} photos will not be shown as duplicates again.`, {
      label: 'Undo',
      run: async () => {
        if (await this.notices.attempt(() => this.bridge.api.undismissDuplicates({ ids }))) await this.refresh();
      },
    });
    await this.refresh();
  }

  /** Moves the others to the system's trash or into a folder; Undo puts them back. */
  async setAside(group: DuplicateGroupSummary, to: { trash: true } | { folder: string }): Promise<void> {
    this.confirmTrash = null;
    const ids = group.items.filter((item) => item.id !== (this.keep ?? group.keeper)).map((item) => item.id);
    if (ids.length === 0) return;
    const result = await this.notices.attempt(() => this.bridge.api.setAside('trash' in to ? { action: 'trash', ids } : { action: 'move', ids, folder: to.folder }));
    if (!result) return;
    const files = `${result.moved.length} ${result.moved.length === 1 ? 'photo' : 'photos'}`;
    const where = 'trash' in to ? 'to the trash' : `to ${to.folder}`;
    const failed = result.failed.length > 0 ? ` ${result.failed.length} could not be moved: ${result.failed.map((f) => `${f.path ?? `item ${f.id}`} (${f.reason})`).join('; ')}.` : '';
    const batch = result.batch;
    if (batch === null) this.notices.notify('error', `Nothing was moved.${failed}`);
    else this.notices.notify(failed ? 'error' : 'info', `Moved ${files} ${where}.${failed}`, { label: 'Undo', run: () => this.undo(batch) });
    this.changed();
    await this.refresh();
  }

  async undo(batch: number): Promise<void> {
    const result = await this.notices.attempt(() => this.bridge.api.undoSetAside({ batch }));
    if (!result) return;
    const failed = result.failed.length > 0 ? ` ${result.failed.length} could not: ${result.failed.map((f) => `${f.path} (${f.reason})`).join('; ')}.` : '';
    this.notices.notify(failed ? 'error' : 'info', `${result.restored} ${result.restored === 1 ? 'photo is' : 'photos are'} back where they were.${failed}`);
    this.changed();
    await this.refresh();
  }
}
