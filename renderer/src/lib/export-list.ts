import { stringify } from 'csv-stringify/browser/esm/sync';
import { SIGNALS } from '../../../preload/contract/spaces.js';
import type { GridItem } from './stores/results.svelte.js';

/**
 * A list of items as CSV (the same columns as `semblance search --csv`): rank, id, kind,
 * file, title, key, score and each space's part (and its text's) when the list is ranked.
 */
export function listCsv(items: readonly GridItem[]): string {
  const rows = items.map((item, i) => [
    i + 1,
    item.id,
    item.kind,
    item.path ?? '',
    item.title ?? '',
    item.key ?? '',
    item.score ?? '',
    ...SIGNALS.map((signal) => item.breakdown?.[signal] ?? ''),
  ]);
  return stringify(rows, { header: true, columns: ['rank', 'id', 'kind', 'path', 'title', 'key', 'score', ...SIGNALS] });
}

/** Hands the user a file to save (the browser's download; the desktop app asks where). */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
