import type { Where, WhereCondition } from '../../../preload/contract.js';
import { queryError } from '../search/query-language.js';
import { numberOf } from './number-of.js';

const OPS = ['<=', '>=', '!=', '=', '<', '>'] as const;
const NUMERIC_OPS = new Set(['<', '<=', '>', '>=']);
/** A field name: words, digits, _ . - and spaces ("Variant Price"), but never the word and/or. */
const FIELD = '[\\p{L}_](?:(?!\\s(?:and|or)\\s)[\\p{L}\\p{N}_ .-])*?';

/**
 * Conditions on product fields, as people type them:
 *   category = stainless steel and price <= 50
 *   colour = navy or colour = "off white"
 *   brand in (Acme, "Smith & Sons") and colour != red
 * "and" binds tighter than "or". A value runs to the next "and"/"or" that starts another
 * condition, so "category = salt and pepper" keeps its value whole; quotes (' or ") hold
 * anything. =, != and in compare text as written (without case: `id = 007` is not 7);
 * <, <=, > and >= compare numbers and need one (`price <= abc` is an error that says where).
 */
export function parseWhere(text: string): Where {
  const groups: WhereCondition[][] = [[]];
  let i = 0;
  const n = text.length;
  const fail = (at: number, message: string): never => {
    throw queryError(text, at, message);
  };
  const space = (): void => {
    while (i < n && /\s/.test(text[i] as string)) i++;
  };
  const quoted = (): string => {
    const quote = text[i] as string;
    const end = text.indexOf(quote, i + 1);
    if (end < 0) fail(i, 'A quote is not closed');
    const value = text.slice(i + 1, end);
    i = end + 1;
    return value;
  };
  /** Does a condition ("field op", "field in (") start at j? */
  const conditionAt = (j: number): boolean => new RegExp(`^\\s*("[^"]*"|${FIELD})\\s*(<=|>=|!=|=|<|>|\\s+in\\s*\\()`, 'iu').test(text.slice(j));
  /** A bare value: up to a comma or ")" in a list, else up to an and/or that starts a condition. */
  const bare = (inList: boolean): string => {
    const start = i;
    while (i < n) {
      if (inList && (text[i] === ',' || text[i] === ')')) break;
      const joiner = /^\s+(and|or)\s+/i.exec(text.slice(i));
      if (!inList && joiner && conditionAt(i + joiner[0].length)) break;
      i++;
    }
    const value = text.slice(start, i).trim();
    // "category = toaster and": a condition is missing, not a value "toaster and".
    if (!inList && i >= n && /\s(and|or)$/i.test(value)) fail(n, 'The conditions end with "and" or "or": one is missing');
    return value;
  };
  const value = (inList: boolean): { value: string; at: number } => {
    space();
    const at = i;
    const v = text[i] === '"' || text[i] === "'" ? quoted() : bare(inList);
    if (v === '') fail(at, 'A value is missing');
    return { value: v, at };
  };

  while (true) {
    space();
    if (i >= n) fail(i, groups.flat().length === 0 ? 'A condition is missing' : 'The conditions end with "and" or "or": one is missing');
    const fieldAt = i;
    let field: string;
    if (text[i] === '"') field = quoted().trim();
    else {
      const m = new RegExp(`^${FIELD}(?=\\s*(<=|>=|!=|=|<|>)|\\s+in\\s*\\()`, 'iu').exec(text.slice(i));
      if (!m) fail(fieldAt, 'Expected a condition such as category = toaster or price <= 50');
      field = (m as RegExpExecArray)[0].trim();
      i += (m as RegExpExecArray)[0].length;
    }
    if (!field) fail(fieldAt, 'A field name is missing');
    space();
    let condition: WhereCondition;
    if (/^in\s*\(/i.test(text.slice(i))) {
      i = text.indexOf('(', i) + 1;
      const values: string[] = [];
      while (true) {
        values.push(value(true).value);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ')') {
          i++;
          break;
        }
        fail(i, 'Expected "," or ")" in the list of values');
      }
      condition = { field, op: 'in', value: values };
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (!op) fail(i, 'Expected =, !=, <, <=, >, >= or in after the field');
      i += (op as string).length;
      const { value: v, at } = value(false);
      if (NUMERIC_OPS.has(op as string)) {
        const number = numberOf(v);
        if (number === null) fail(at, `${op} compares numbers, and "${v}" is not one`);
        condition = { field, op: op as WhereCondition['op'], value: number as number };
      } else {
        condition = { field, op: op as WhereCondition['op'], value: v };
      }
    }
    (groups[groups.length - 1] as WhereCondition[]).push(condition);
    space();
    if (i >= n) break;
    const joiner = /^(and|or)\s+/i.exec(text.slice(i));
    if (!joiner) fail(i, 'Expected "and" or "or" between conditions');
    i += (joiner as RegExpExecArray)[0].length;
    if ((joiner as RegExpExecArray)[1]?.toLowerCase() === 'or') groups.push([]);
  }
  return groups.length === 1 ? (groups[0] as WhereCondition[]) : [{ any: groups }];
}

/** The fields a where names, each once. */
export function whereFields(where: Where): string[] {
  const conditions = where.flatMap((c) => ('any' in c ? c.any.flat() : [c]));
  return [...new Set(conditions.map((c) => c.field))];
}

/** A condition as a person would write it. */
export function describeWhere(where: Where): string {
  const one = (c: WhereCondition): string => {
    const show = (v: string | number): string => (typeof v === 'number' || /^[\p{L}\p{N}._-]+$/u.test(v) ? String(v) : `"${v}"`);
    return Array.isArray(c.value) ? `${c.field} in (${c.value.map(show).join(', ')})` : `${c.field} ${c.op} ${show(c.value)}`;
  };
  return where.map((c) => ('any' in c ? `(${c.any.map((g) => g.map(one).join(' and ')).join(' or ')})` : one(c))).join(' and ');
}
