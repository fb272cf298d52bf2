import path from 'node:path';
import type { SearchFilters } from '../../../preload/contract.js';

/**
 * The one translation of filters into SQL: search, browse and the vector index's masks all
 * use it. Every value is bound; field names reach SQL only as a bound JSON path.
 * Columns are spelled `items.x`, since json_each has columns of the same names.
 */
export function filterClause(filters: SearchFilters): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const anyOf = (column: string, values: readonly (string | number)[] | undefined): void => {
    if (!values) return;
    clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  anyOf('items.kind', filters.kinds);
  anyOf('items.root_id', filters.roots);
  anyOf('items.status', filters.statuses);
  if (filters.labels) {
    clauses.push('items.id IN (SELECT item_id FROM labels WHERE label IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filters.labels));
  }
  if (filters.folders) {
    // Inside a folder: the path starts with "<folder>/" (substr, not LIKE: paths may hold % and _).
    const folders = filters.folders.map((f) => (f.endsWith(path.sep) ? f : f + path.sep));
    clauses.push('EXISTS (SELECT 1 FROM json_each(?) f WHERE substr(items.path, 1, length(f.value)) = f.value)');
    params.push(JSON.stringify(folders));
  }
  if (filters.after !== undefined) {
    clauses.push('coalesce(items.taken_at, items.mtime_ms) >= ?');
    params.push(filters.after);
  }
  if (filters.before !== undefined) {
    clauses.push('coalesce(items.taken_at, items.mtime_ms) <= ?');
    params.push(filters.before);
  }
  for (const { field, op, value } of filters.where ?? []) {
    // Strings compare without case; the field is a bound, quoted JSON path key.
    const column = "json_extract(items.attributes, '$.\"' || ? || '\"')";
    const sqlOp = op === '=' ? '=' : op === '!=' ? '<>' : op;
    clauses.push(typeof value === 'string' ? `lower(${column}) ${sqlOp} lower(?)` : `${column} ${sqlOp} ?`);
    params.push(field.replace(/"/g, ''), value);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
