import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Culori from 'culori';
import type { Color } from 'culori';

const require = createRequire(import.meta.url);
const { converter, formatHex, parse } = require('culori/require') as typeof Culori;
const toLab = converter('lab65');

/**
 * What a colour word in a catalog or a query means:
 *  - a colour: CSS names and hex codes first (culori), then the ~30,000 names people use of
 *    color-name-list ("navy blue", "cream", "peach", "off white", "mushroom brown"), then a
 *    compound read as its last known words with light/dark/pale/deep/bright applied
 *    ("coffee brown" → brown, "dark cream" → cream darkened);
 *  - none: a word that means "no single colour" (multi, assorted, n/a): no swatch, say so;
 *  - unknown: none of these.
 *
 * color-name-list is an MIT-licensed, maintained list with hand-picked hex values; it is
 * loaded only when a name is not a CSS one (it is 2 MB of JSON).
 */
export type ColourName = { kind: 'colour'; colour: Color; hex: string } | { kind: 'none'; why: string } | { kind: 'unknown' };

const NO_SINGLE_COLOUR = new Set([
  'multi',
  'multicolor',
  'multicolour',
  'multi color',
  'multi colour',
  'multicoloured',
  'multicolored',
  'assorted',
  'various',
  'mixed',
  'mix',
  'print',
  'pattern',
  'patterned',
  'rainbow',
  'n a',
  'na',
  'none',
  'no color',
  'no colour',
  'not applicable',
  'other',
  'unknown',
  'transparent',
  'clear',
]);

/** Lightness change (CIELAB L, 0-100) of the modifiers a compound name may start with. */
const MODIFIERS: Record<string, number> = { light: 18, pale: 22, pastel: 20, bright: 8, dark: -22, deep: -18 };

let list: Map<string, string> | null = null;
function namedColours(): Map<string, string> {
  if (!list) {
    // The package's JSON data itself: its UMD build expects a browser-like global.
    const file = path.join(path.dirname(require.resolve('color-name-list/package.json')), 'dist', 'colornames.json');
    const rows = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; hex: string }[];
    list = new Map();
    // The first spelling of a name wins (the list holds a few near-duplicates).
    for (const { name, hex } of rows) {
      const key = normalise(name);
      if (!list.has(key)) list.set(key, hex);
    }
  }
  return list;
}

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}#]+/gu, ' ')
    .trim()
    .replace(/\bgray\b/g, 'grey');
}

export function colourName(text: string): ColourName {
  const raw = text.trim();
  const name = normalise(raw);
  if (NO_SINGLE_COLOUR.has(name) || NO_SINGLE_COLOUR.has(name.replace(/ /g, ''))) return { kind: 'none', why: `"${raw}" names no single colour` };
  const css = parse(raw) ?? parse(raw.toLowerCase().replace(/[\s_-]+/g, ''));
  if (css) return colour(css);
  if (!name) return { kind: 'unknown' };
  const known = lookup(name);
  if (known) return known;
  // A compound: a modifier on a known name, or its last known words ("coffee brown").
  const words = name.split(' ');
  const shift = MODIFIERS[words[0] as string];
  const rest = shift === undefined ? words : words.slice(1);
  // Then its first known words ("grey melange", "red check").
  const pieces = [...rest.map((_, start) => rest.slice(start)), ...rest.map((_, end) => rest.slice(0, rest.length - end))];
  for (const piece of pieces) {
    const base = lookup(piece.join(' '));
    if (!base || base.kind !== 'colour') continue;
    if (shift === undefined) return base;
    const lab = toLab(base.colour);
    return colour({ ...lab, l: Math.min(100, Math.max(0, lab.l + shift)) });
  }
  return { kind: 'unknown' };
}

/** Words for colours that fashion catalogs use and the list lacks (values: their usual shade). */
const ALIASES: Record<string, string> = { nude: '#e3bc9a', skin: '#e0b393', melange: '#a9a9a9', heather: '#a9a9a9', denim: '#1560bd' };

function lookup(name: string): ColourName | null {
  const alias = ALIASES[name];
  if (alias) return colour(parse(alias) as Color);
  const css = parse(name.replace(/ /g, ''));
  if (css) return colour(css);
  const hex = namedColours().get(name);
  const parsed = hex ? parse(hex) : undefined;
  return parsed ? colour(parsed) : null;
}

function colour(c: Color): ColourName {
  return { kind: 'colour', colour: c, hex: formatHex(c) };
}
