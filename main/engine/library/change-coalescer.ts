import path from 'node:path';

export type FileChange = 'added' | 'changed' | 'deleted';

/**
 * Folds a burst of file events into what actually changed, per path, with VS Code's rules:
 * added then deleted is nothing; deleted then added is a change; added then changed stays
 * added; changed then deleted is deleted; a deleted folder swallows the events of its
 * children.
 */
export class ChangeCoalescer {
  private readonly changes = new Map<string, FileChange>();

  add(file: string, change: FileChange, isFolder = false): void {
    if (isFolder && change === 'deleted') {
      const prefix = file + path.sep;
      for (const key of [...this.changes.keys()]) if (key.startsWith(prefix)) this.changes.delete(key);
    }
    const before = this.changes.get(file);
    if (before === 'added' && change === 'deleted') this.changes.delete(file);
    else if (before === 'deleted' && change === 'added') this.changes.set(file, 'changed');
    else if (before === 'added' && change === 'changed') return;
    else this.changes.set(file, change);
  }

  get size(): number {
    return this.changes.size;
  }

  /** Everything gathered so far, emptying the coalescer. */
  take(): { changed: string[]; deleted: string[] } {
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const [file, change] of this.changes) (change === 'deleted' ? deleted : changed).push(file);
    this.changes.clear();
    return { changed, deleted };
  }
}
