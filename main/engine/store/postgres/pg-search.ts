import path from 'node:path';
import { DEFAULT_K, MAX_K, type SearchFilters, type SearchHit, type Space, type VectorTerm, type WhereCondition } from '../../../../preload/contract.js';
import { badInput } from '../../errors.js';
import { scoreExactly, type UnitTerm } from '../../vector/exact-score.js';
import { toUnitVector } from '../../vector/unit-vector.js';
import { roleOf } from '../item-filters.js';
import { type PgStore, vectorFromBinary, vectorTable, vectorText } from './pg-store.js';

/**
 * Weighted multi-space search on PostgreSQL, with the SQLite path's scores:
 * score(item) = Σ_t w_t · cos(q_t, item_t) / Σ_t |w_t| over the terms whose space the item has
 * a current vector in, the parts per space as its breakdown. Approximate in one place only,
 * which items are looked at: each space's HNSW index gives its nearest `candidates` to that
 * space's folded query (Σ w·q, so a negative weight looks for the least alike), filters pushed
 * into the same SQL with pgvector's iterative scans (so a filter that keeps few items still
 * yields enough). Their union is then scored exactly, in float64 from the stored float32
 * vectors, as the SQLite path scores. Recall against an exact scan is measured by the bench.
 */
export interface PgSearchOptions {
  /** Candidates per space from its HNSW index (hnsw.ef_search is at least this). */
  candidates?: number;
  efSearch?: number;
}

export const DEFAULT_CANDIDATES = 200;
const MAX_EF_SEARCH = 1000;
/** More candidates than this per space cost seconds a query at a million items (see the README's measurements). */
const MAX_CANDIDATES = 10_000;

/**
 * The search settings a serve process takes from its environment: SEMBLANCE_PG_CANDIDATES
 * (candidates per space, 20 to 10,000; default 200) and SEMBLANCE_PG_EF_SEARCH (1 to 1,000;
 * default the candidates, at most 1,000). More finds more of the exact top 20 at a million
 * items, for more time a query. A value that is no such number stops the start with a sentence.
 */
export function searchOptionsFrom(env: NodeJS.ProcessEnv): PgSearchOptions {
  const read = (name: string, min: number, max: number): number | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw badInput(`${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${text}".`);
    return value;
  };
  const candidates = read('SEMBLANCE_PG_CANDIDATES', 20, MAX_CANDIDATES);
  const efSearch = read('SEMBLANCE_PG_EF_SEARCH', 1, MAX_EF_SEARCH);
  return { ...(candidates === undefined ? {} : { candidates }), ...(efSearch === undefined ? {} : { efSearch }) };
}

export async function pgFusedSearch(store: PgStore, query: { terms: readonly VectorTerm[]; k?: number; filters?: SearchFilters }, options: PgSearchOptions = {}): Promise<SearchHit[]> {
  const k = query.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw badInput(`k must be a whole number from 1 to ${MAX_K}, got ${k}.`);
  const spaces = new Map((await store.spaces()).map((s) => [s.name, s]));
  if (query.terms.length === 0) throw badInput('A search needs at least one term.');
  const terms: UnitTerm[] = [];
  query.terms.forEach((term, i) => {
    const what = `Term ${i + 1} (${term.space})`;
    const space = spaces.get(term.space);
    if (!space) throw badInput(`${what}: the ${term.space} space has no model and no vectors yet.`);
    if (typeof term.weight !== 'number' || !Number.isFinite(term.weight)) throw badInput(`${what}: the weight must be a finite number, got ${String(term.weight)}.`);
    const unit = toUnitVector(term.vector, space.dims, `${what} vector`);
    if (term.weight !== 0) terms.push({ space: term.space, unit, weight: term.weight });
  });
  if (terms.length === 0) throw badInput('Every term has weight 0, so nothing would be ranked.');
  const candidates = Math.max(k, options.candidates ?? DEFAULT_CANDIDATES);
  // pgvector takes ef_search up to 1,000; beyond it the iterative scan goes on past ef for more candidates.
  const ef = Math.min(MAX_EF_SEARCH, Math.max(candidates, options.efSearch ?? candidates));
  const filter = filterSql(query.filters ?? {});

  const bySpace = new Map<Space, UnitTerm[]>();
  for (const term of terms) bySpace.set(term.space, [...(bySpace.get(term.space) ?? []), term]);

  // One connection per space, in parallel: each space's HNSW walk is its own query.
  const perSpace = await Promise.all(
    [...bySpace].map(([space, group]) =>
      store.transaction(async (client) => {
        // SET LOCAL: these hold for this transaction only, not for the pooled connection after it.
        await client.query(`SET LOCAL hnsw.ef_search = ${Math.trunc(ef)}`);
        await client.query("SET LOCAL hnsw.iterative_scan = 'relaxed_order'");
        const folded = new Float32Array((group[0] as UnitTerm).unit.length);
        for (const term of group) for (let j = 0; j < folded.length; j++) folded[j] = (folded[j] as number) + term.weight * (term.unit[j] as number);
        const shift = (sql: string): string => sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 3}`);
        // The candidates come with their vectors in this space; what the other spaces found is read after.
        const { rows } = await client.query<{ item_id: string; embedding: Buffer }>(
          `SELECT v.item_id, vector_send(v.embedding) AS embedding FROM ${vectorTable(space)} v ${filter.join ? 'JOIN items ON items.id = v.item_id' : ''}
           WHERE v.generation = $2 ${filter.where ? `AND ${shift(filter.where)}` : ''}
           ORDER BY v.embedding <=> $1::vector LIMIT $3`,
          [vectorText(folded), spaces.get(space)?.generation ?? 1, candidates, ...filter.params],
        );
        return [space, new Map(rows.map((r) => [Number(r.item_id), vectorFromBinary(r.embedding)]))] as const;
      }),
    ),
  );
  const vectors = new Map<Space, Map<number, Float32Array>>(perSpace);
  const ids = [...new Set(perSpace.flatMap(([, found]) => [...found.keys()]))];
  await Promise.all(
    [...vectors].map(async ([space, found]) => {
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length === 0) return;
      const { rows } = await store.pool.query<{ item_id: string; embedding: Buffer }>(
        `SELECT item_id, vector_send(embedding) AS embedding FROM ${vectorTable(space)} WHERE item_id = ANY($1::bigint[]) AND generation = $2`,
        [missing, spaces.get(space)?.generation ?? 1],
      );
      for (const r of rows) found.set(Number(r.item_id), vectorFromBinary(r.embedding));
    }),
  );
  const top = scoreExactly(terms, vectors, ids)
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k);
  const { rows } = await store.pool.query<{ id: string; kind: SearchHit['kind']; path: string | null; title: string | null; catalog_key: string | null; status: SearchHit['status'] }>(
    'SELECT id, kind, coalesce(path, picture) AS path, title, catalog_key, status FROM items WHERE id = ANY($1::bigint[])',
    [top.map((t) => t.id)],
  );
  const items = new Map(rows.map((r) => [Number(r.id), r]));
  return top.flatMap(({ id, score, breakdown }) => {
    const row = items.get(id);
    return row ? [{ id, kind: row.kind, path: row.path, title: row.title, key: row.catalog_key, status: row.status, score, breakdown }] : [];
  });
}

/**
 * The filters as SQL over `items` (the SQLite store's item-filters.ts, in PostgreSQL's
 * words); every value bound, field names too (as JSON keys).
 */
export function filterSql(filters: SearchFilters): { join: boolean; where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.kinds) clauses.push(`items.kind = ANY(${bind(filters.kinds)}::text[])`);
  if (filters.roots) clauses.push(`items.root_id = ANY(${bind(filters.roots)}::bigint[])`);
  if (filters.statuses) clauses.push(`items.status = ANY(${bind(filters.statuses)}::text[])`);
  if (filters.labels) clauses.push(`items.id IN (SELECT item_id FROM labels WHERE label = ANY(${bind(filters.labels)}::text[]))`);
  if (filters.albums) clauses.push(`items.id IN (SELECT item_id FROM album_items WHERE album_id = ANY(${bind(filters.albums)}::bigint[]))`);
  if (filters.itemIds) clauses.push(`items.id = ANY(${bind(filters.itemIds)}::bigint[])`);
  if (filters.folders) {
    const folders = filters.folders.map((f) => (f.endsWith(path.sep) ? f : f + path.sep));
    clauses.push(`EXISTS (SELECT 1 FROM unnest(${bind(folders)}::text[]) f WHERE left(items.path, length(f)) = f)`);
  }
  if (filters.after !== undefined) clauses.push(`coalesce(items.taken_at, items.mtime_ms) >= ${bind(filters.after)}`);
  if (filters.before !== undefined) clauses.push(`coalesce(items.taken_at, items.mtime_ms) <= ${bind(filters.before)}`);
  for (const clause of filters.where ?? []) {
    clauses.push('any' in clause ? `(${clause.any.map((group) => `(${group.map((c) => condition(c, bind)).join(' AND ')})`).join(' OR ')})` : condition(clause, bind));
  }
  return { join: clauses.length > 0, where: clauses.join(' AND '), params };
}

/**
 * One condition on a product's field, as SQLite's item-filters.ts reads it: =, != and in
 * compare the text without case, <, <=, >, >= the number people wrote (semblance_number_of);
 * a role reads the product's role values, else the column of that name.
 */
function condition({ field, op, value }: WhereCondition, bind: (value: unknown) => string): string {
  const role = roleOf(field);
  const attribute = `(items.attributes::jsonb ->> ${bind(field.replace(/"/g, ''))})`;
  const column = role ? `coalesce(items.roles::jsonb ->> ${bind(role)}, ${attribute})` : attribute;
  const text = `lower(btrim(${column}))`;
  if (op === 'in') return `${text} = ANY(${bind((Array.isArray(value) ? value : [value]).map((v) => String(v).trim().toLowerCase()))}::text[])`;
  if (op === '=') return `${text} = lower(${bind(String(value).trim())})`;
  if (op === '!=') return `coalesce(${text}, '') <> lower(${bind(String(value).trim())})`;
  return `semblance_number_of(${column}) ${op} ${bind(Number(value))}`;
}
