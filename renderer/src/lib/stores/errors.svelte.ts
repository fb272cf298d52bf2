import type { ErrorsResponse } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

const PAGE = 100;

/** The items that failed, a page at a time, all of them or of one reason, and reading them again. */
export class ErrorsStore {
  page = $state<ErrorsResponse | null>(null);
  reason = $state<string | null>(null);
  retrying = $state(false);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
    private readonly changed: () => Promise<void>,
  ) {}

  /** The first page, of `reason` (or of all when null). */
  async show(reason: string | null): Promise<void> {
    this.reason = reason;
    const page = await this.notices.attempt(() => this.bridge.api.errors({ offset: 0, limit: PAGE, ...(reason === null ? {} : { reason }) }));
    // a reason that no longer has any file (they all healed) gives way to all reasons
    if (page && reason !== null && !page.groups.some((group) => group.reason === reason)) return this.show(null);
    if (page) this.page = page;
  }

  async more(): Promise<void> {
    const shown = this.page;
    if (!shown || shown.errors.length >= shown.total) return;
    const reason = this.reason;
    const next = await this.notices.attempt(() =>
      this.bridge.api.errors({ offset: shown.errors.length, limit: PAGE, ...(reason === null ? {} : { reason }) }),
    );
    if (next) this.page = { ...next, offset: 0, errors: [...shown.errors, ...next.errors] };
  }

  /** Reads every failed photo again (after the user fixed a permission or replaced a file). */
  async retry(): Promise<void> {
    this.retrying = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.retryErrors({}));
      if (summary) {
        const healed = summary.counts.done + summary.counts.copied + summary.counts.moved;
        this.notices.notify('info', `Read again: ${healed.toLocaleString()} fine now, ${summary.counts.failed.toLocaleString()} still cannot be read.`);
      }
      await this.changed();
      await this.show(this.reason);
    } finally {
      this.retrying = false;
    }
  }
}
