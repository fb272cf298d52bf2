import type { ItemSummary } from '../../../preload/contract.js';
// The table of spaces alone: the page does not need the contract's schemas (zod).
import { SIGNALS, SIGNAL_WORDS, SPACES, SPACE_TABLE, type Signal, type Space } from '../../../preload/contract/spaces.js';

/** Spaces in the order users see them. */
export const SPACE_ORDER: readonly Space[] = SPACES;

/** What a score is made of, in the order users see it: the spaces, then the text in the picture. */
export const SIGNAL_ORDER: readonly Signal[] = SIGNALS;
export const SIGNAL_NAMES = Object.fromEntries(SIGNALS.map((signal) => [signal, SIGNAL_WORDS[signal].word])) as Record<Signal, string>;

/** The user's word for each space (a slider's label). */
export const SPACE_NAMES = Object.fromEntries(SPACES.map((space) => [space, SPACE_TABLE[space].word])) as Record<Space, string>;

/** A file's name (or a product's title) for captions and labels. */
export function itemName(item: Pick<ItemSummary, 'title' | 'path' | 'id'>): string {
  if (item.title) return item.title;
  if (item.path) return item.path.split(/[\\/]/).pop() ?? item.path;
  return `#${item.id}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The detail pane's sentence about a score: which spaces carried it. */
export function explainBreakdown(breakdown: Partial<Record<Signal, number>>): string {
  const parts = (Object.entries(breakdown) as [Signal, number][]).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const total = parts.reduce((sum, [, v]) => sum + v, 0);
  if (parts.length === 0 || total <= 0) return 'No space found it similar.';
  const phrase = (signal: Signal): string => SIGNAL_WORDS[signal].phrase;
  const [first, second] = parts;
  if (!first) return '';
  if (first[1] / total > 0.7 || !second) return `Mostly ${phrase(first[0])}.`;
  return `${phrase(first[0]).replace(/^./, (c) => c.toUpperCase())} and ${phrase(second[0])}.`;
}

/** A folder's last name ("animals" of /home/ana/Pictures/animals), or the path itself for a root. */
export function folderName(folder: string): string {
  return folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
}
