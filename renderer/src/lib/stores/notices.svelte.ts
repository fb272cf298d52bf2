export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** A button beside the message (Undo), which also dismisses it. */
  action?: { label: string; run: () => unknown };
}

/** Messages for the user: a few at a time, errors and those with an action kept longer. */
export class NoticesStore {
  list = $state<Notice[]>([]);
  private next = 1;

  notify(kind: Notice['kind'], text: string, action?: Notice['action']): void {
    const id = this.next++;
    this.list = [...this.list.slice(-3), { id, kind, text, ...(action ? { action } : {}) }];
    setTimeout(() => this.dismiss(id), action ? 20_000 : kind === 'error' ? 10_000 : 4_000);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  /** Try, else tell the user: the one way a store reports a failed call. Resolves to undefined on failure. */
  async attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      // What the user cancelled is news, not an error.
      const cancelled = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'cancelled';
      this.notify(cancelled ? 'info' : 'error', messageOf(error));
      return undefined;
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
