export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** A button beside the message (Undo), which also dismisses it. */
  action?: { label: string; run: () => unknown };
  /** A held notice's key: it stays until released. */
  key?: string;
}

/** Messages for the user: a few at a time, errors and those with an action kept longer. */
export class NoticesStore {
  list = $state<Notice[]>([]);
  private next = 1;

  notify(kind: Notice['kind'], text: string, action?: Notice['action']): void {
    // The same words twice at once (two calls failing alike) are one notice.
    if (this.list.some((notice) => notice.text === text && !notice.action)) return;
    const id = this.next++;
    const held = this.list.filter((notice) => notice.key);
    const passing = this.list.filter((notice) => !notice.key);
    this.list = [...held, ...passing.slice(-3), { id, kind, text, ...(action ? { action } : {}) }];
    setTimeout(() => this.dismiss(id), action ? 20_000 : kind === 'error' ? 10_000 : 4_000);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  /**
   * A notice that stays until it is taken back (the connection to the server is lost): one
   * per key, its words replaced when it is raised again.
   */
  hold(key: string, kind: Notice['kind'], text: string): void {
    const held = this.list.find((notice) => notice.key === key);
    if (held) {
      this.list = this.list.map((notice) => (notice === held ? { ...notice, kind, text } : notice));
      return;
    }
    this.list = [...this.list, { id: this.next++, kind, text, key }];
  }

  release(key: string): boolean {
    const held = this.list.some((notice) => notice.key === key);
    this.list = this.list.filter((notice) => notice.key !== key);
    return held;
  }

  /** A failed call, told the user: cancelling is news, not an error; a lost server has its own notice. */
  report(error: unknown): void {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === 'unavailable' || code === 'unauthorised') return;
    this.notify(code === 'cancelled' ? 'info' : 'error', messageOf(error));
  }

  /** Try, else tell the user: the one way a store reports a failed call. Resolves to undefined on failure. */
  async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
