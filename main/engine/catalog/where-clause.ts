import type { SearchFilters } from '../../../preload/contract.js';
import { badInput } from '../errors.js';

type Condition = NonNullable<SearchFilters['where']>[number];

/**
 * Field conditions joined by "and": `category = toaster and price <= 50`. Values are numbers,
 * bare words or quoted text ('stainless steel'); string comparisons ignore case.
 */
export function parseWhere(text: string): Condition[] {
  const conditions: Condition[] = [];
  const pattern = /^\s*("[^"]+"|[A-Za-z_][\w]*)\s*(<=|>=|!=|=|<|>)\s*('(?:[^']*)'|"(?:[^"]*)"|[^\s]+)\s*/;
  let rest = text;
  let at = 0;
  while (rest.trim()) {
    const m = pattern.exec(rest);
    if (!m) throw badInput(`Cannot read the condition at character ${at + 1} of "${text}": write field = value, joined by "and" (as: category = toaster and price <= 50).`, at);
    const field = (m[1] as string).replace(/^"|"$/g, '');
    const raw = m[3] as string;
    const quoted = /^['"]/.test(raw);
    const value = quoted ? raw.slice(1, -1) : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    conditions.push({ field, op: m[2] as Condition['op'], value });
    at += m[0].length;
    rest = rest.slice(m[0].length);
    const and = /^and\s+/i.exec(rest);
    if (and) {
      at += and[0].length;
      rest = rest.slice(and[0].length);
      if (!rest.trim()) throw badInput(`"${text}" ends with "and": a condition is missing.`);
    } else if (rest.trim()) {
      throw badInput(`Expected "and" at character ${at + 1} of "${text}".`, at);
    }
  }
  return conditions;
}
