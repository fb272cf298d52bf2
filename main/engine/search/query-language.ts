import { ITEM_KINDS, type ItemKind } from '../../../preload/contract.js';
import { badInput } from '../errors.js';

/**
 * The search box's language, parsed into a typed query. The same parser serves the CLI, the
 * HTTP API and the UI, and every error says where in the query it is.
 *
 *   dog at the beach -people +sunset 2:red 0.5:"old car" like:IMG_1234.jpg colour:navy
 *   in:~/Pictures/2024 label:cat kind:photo after:2023-06-01 before:2024-01-01 text:"total 14.06"
 *
 * Plain words form the main description; `+x` adds a concept, `-x` subtracts one, `N:x`
 * weighs one; quotes make a phrase of several words; `like:` mixes in an example image, and
 * `colour:` a colour (a CSS name or hex, matched against each picture's colours).
 */
export interface QueryTerm {
  /** Text to embed, or an example image (item id or file path) for `like:`. */
  text?: string;
  like?: string;
  /** A colour (CSS name or hex) for `colour:`, matched in the colour space. */
  colour?: string;
  weight: number;
  /** Where the term starts in the query, for messages. */
  at: number;
}

export interface QueryFilters {
  in?: string[];
  labels?: string[];
  /** Album names (`album:trip`). */
  albums?: string[];
  /** Words read in the picture (`text:"invoice 2024"`, `text:inv*`). */
  texts?: { text: string; at: number }[];
  /** People in the photo, by the names given them (`person:"Ana"`): all of them. */
  persons?: { name: string; at: number }[];
  kinds?: ItemKind[];
  /** Inclusive bounds in ms since the epoch (EXIF date, else file time). */
  after?: number;
  before?: number;
}

export interface ParsedQuery {
  terms: QueryTerm[];
  filters: QueryFilters;
}

const FILTERS = ['in', 'label', 'album', 'text', 'person', 'kind', 'after', 'before', 'like', 'colour', 'color'] as const;

/** A bad-input error that says where in the query it is (the UI underlines that character). */
export function queryError(query: string, at: number, message: string): Error {
  return badInput(`${message} (at character ${at + 1} of "${query}")`, at, message);
}

function fail(query: string, at: number, message: string): never {
  throw queryError(query, at, message);
}

export function parseQuery(query: string): ParsedQuery {
  const words: { text: string; at: number }[] = [];
  const terms: QueryTerm[] = [];
  const filters: QueryFilters = {};
  let i = 0;
  const n = query.length;

  /** Reads a bare word or a quoted phrase starting at i. */
  const readValue = (): { text: string; at: number } => {
    const at = i;
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      if (end < 0) fail(query, at, 'A quote is not closed');
      const text = query.slice(i + 1, end).trim();
      i = end + 1;
      if (!text) fail(query, at, 'Empty quotes');
      return { text, at };
    }
    while (i < n && !/\s/.test(query[i] as string)) i++;
    return { text: query.slice(at, i), at };
  };

  while (i < n) {
    while (i < n && /\s/.test(query[i] as string)) i++;
    if (i >= n) break;
    const at = i;
    const sign = query[i] === '-' || query[i] === '+' ? (query[i] as '-' | '+') : null;
    if (sign && i + 1 < n && !/\s/.test(query[i + 1] as string)) {
      i++;
      const { text } = readValue();
      if (!text) fail(query, at, `Nothing after "${sign}"`);
      terms.push({ text, weight: sign === '-' ? -1 : 1, at });
      continue;
    }
    // weight:term, or filter:value
    const prefix = /^([A-Za-z]+|\d+(?:\.\d+)?|\.\d+):/.exec(query.slice(i));
    if (prefix) {
      const key = prefix[1] as string;
      i += prefix[0].length;
      if (i >= n || /\s/.test(query[i] as string)) fail(query, at, `Nothing after "${key}:"`);
      const value = readValue();
      if (/^[\d.]+$/.test(key)) {
        const weight = Number(key);
        if (!Number.isFinite(weight)) fail(query, at, `"${key}" is not a number`);
        terms.push({ text: value.text, weight, at });
        continue;
      }
      const name = key.toLowerCase();
      if (!(FILTERS as readonly string[]).includes(name)) {
        fail(query, at, `Unknown filter "${key}:" (known: ${FILTERS.map((f) => `${f}:`).join(', ')})`);
      }
      switch (name) {
        case 'like':
          terms.push({ like: value.text, weight: 1, at });
          break;
        case 'colour':
        case 'color':
          terms.push({ colour: value.text, weight: 1, at });
          break;
        case 'in':
          (filters.in ??= []).push(value.text);
          break;
        case 'label':
          (filters.labels ??= []).push(value.text);
          break;
        case 'album':
          (filters.albums ??= []).push(value.text);
          break;
        case 'text':
          if (!/[\p{L}\p{N}]/u.test(value.text)) fail(query, value.at, 'text: takes words read in pictures, such as text:"invoice 2024" or text:inv*');
          (filters.texts ??= []).push({ text: value.text, at: value.at });
          break;
        case 'person':
          (filters.persons ??= []).push({ name: value.text, at: value.at });
          break;
        case 'kind':
          if (!(ITEM_KINDS as readonly string[]).includes(value.text)) fail(query, value.at, `kind: takes ${ITEM_KINDS.join(' or ')}, not "${value.text}"`);
          (filters.kinds ??= []).push(value.text as ItemKind);
          break;
        case 'after':
        case 'before': {
          const time = parseDate(value.text, name === 'before');
          if (time === null) fail(query, value.at, `${name}: takes a date such as 2024-06-30, not "${value.text}"`);
          filters[name] = time;
          break;
        }
      }
      continue;
    }
    words.push(readValue());
  }

  if (words.length > 0) {
    terms.unshift({ text: words.map((w) => w.text).join(' '), weight: 1, at: (words[0] as { at: number }).at });
  }
  if (filters.after !== undefined && filters.before !== undefined && filters.after > filters.before) {
    throw badInput('after: is later than before:, so nothing can match.');
  }
  // Filters alone list what passes them (newest first): browsing without words.
  if (terms.length === 0 && Object.keys(filters).length > 0) return { terms, filters };
  if (terms.length === 0) throw badInput('The query is empty: describe what to find, as in "dog at the beach".');
  if (!terms.some((t) => t.weight > 0)) {
    throw badInput('The query has only negative terms: say what to find too, as in "beach -people".');
  }
  return { terms, filters };
}

/** YYYY, YYYY-MM or YYYY-MM-DD, local time; `before:` covers the whole period it names. */
function parseDate(text: string, endOfPeriod: boolean): number | null {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) - 1 : 0;
  const day = m[3] ? Number(m[3]) : 1;
  if (month > 11 || day < 1 || day > 31) return null;
  const start = new Date(year, month, day);
  if (start.getMonth() !== month) return null; // 2023-02-30
  if (!endOfPeriod) return start.getTime();
  const end = m[3] ? new Date(year, month, day + 1) : m[2] ? new Date(year, month + 1, 1) : new Date(year + 1, 0, 1);
  return end.getTime() - 1;
}
