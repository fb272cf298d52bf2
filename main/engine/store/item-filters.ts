import path from 'node:path';
import { CATALOG_ROLES, type BrowseRequest, type SearchFilters, type WhereCondition } from '../../../preload/contract.js';

/**
 * The one translation of filters into SQL: search, browse and the vector index's masks all
 * use it. Every value is bound; field names reach SQL only as a bound JSON path.
 * Columns are spelled `items.x`, since json_each has columns of the same names.
 */
/** What browse asks for, as search filters (both stores turn these into SQL). */
export function browseFilters(request: BrowseRequest): SearchFilters {
  return {
    ...(request.kinds ? { kinds: request.kinds } : {}),
    ...(request.statuses ? { statuses: request.statuses } : {}),
    ...(request.folder ? { folders: [path.resolve(request.folder)] } : {}),
    ...(request.label ? { labels: [request.label] } : {}),
    ...(request.ids ? { itemIds: request.ids } : {}),
    ...(request.where ? { where: request.where } : {}),
  };
}

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
  if (filters.albums) {
    clauses.push('items.id IN (SELECT item_id FROM album_items WHERE album_id IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filters.albums));
  }
  anyOf('items.id', filters.itemIds);
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
  for (const clause of filters.where ?? []) {
    if ('any' in clause) {
      const groups = clause.any.map((group) => `(${group.map((c) => condition(c, params)).join(' AND ')})`);
      clauses.push(`(${groups.join(' OR ')})`);
    } else {
      clauses.push(condition(clause, params));
    }
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** A field named by a role ("category", "color") reads the column the catalog's mapping chose. */
export function roleOf(field: string): string | null {
  const name = field.trim().toLowerCase().replace(/^color$/, 'colour');
  return (CATALOG_ROLES as readonly string[]).includes(name) ? name : null;
}

/**
 * One condition: =, != and in compare text without case (as the file wrote it: 007 is not
 * 7); <, <=, >, >= compare the numbers people write ("$49.99"). Field names reach SQL only as
 * bound JSON path keys. A role reads the product's role values, else (products imported
 * before roles were kept) the column of that name.
 */
function condition({ field, op, value }: WhereCondition, params: (string | number)[]): string {
  const role = roleOf(field);
  const attribute = "json_extract(items.attributes, '$.\"' || ? || '\"')";
  const column = role ? `coalesce(json_extract(items.roles, '$.' || ?), ${attribute})` : attribute;
  const columnParams = role ? [role, field.replace(/"/g, '')] : [field.replace(/"/g, '')];
  const text = `lower(trim(CAST(${column} AS TEXT)))`;
  if (op === 'in') {
    params.push(...columnParams, JSON.stringify((Array.isArray(value) ? value : [value]).map((v) => String(v).trim().toLowerCase())));
    return `${text} IN (SELECT value FROM json_each(?))`;
  }
  if (op === '=' || op === '!=') {
    params.push(...columnParams, String(value).trim());
    return op === '=' ? `${text} = lower(?)` : `coalesce(${text}, '') <> lower(?)`;
  }
  params.push(...columnParams, Number(value));
  return `number_of(${column}) ${op} ?`;
}
