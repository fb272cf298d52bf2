import { CATALOG_ROLES, WEIGHT_PRESETS, type SearchFilters, type Space, type SubstitutesRequest, type SubstitutesResponse, type VectorTerm, type Where, type WhereCondition } from '../../../preload/contract.js';
import { parseWhere, whereFields } from '../catalog/where-clause.js';
import { badInput, notFound } from '../errors.js';
import type { ProductStore } from '../store/library-store.js';

/** A product's substitutes, asked of either store: what to rank (its vectors, weighted) and among what. */
export interface SubstitutesQuery {
  id: number;
  product: SubstitutesResponse['product'];
  weights: SubstitutesResponse['weights'];
  terms: VectorTerm[];
  filters: SearchFilters;
}

/**
 * Products like this one, weighted per space by a preset or by hand, with field conditions:
 * the question both libraries rank (SQLite's searcher, PostgreSQL's shared library).
 */
export async function substitutesQuery(store: ProductStore, request: SubstitutesRequest): Promise<SubstitutesQuery> {
  const id = await productId(store, request.product);
  const weights = request.weights ?? WEIGHT_PRESETS[request.preset ?? 'balanced'];
  const spaces = (Object.keys(weights) as Space[]).filter((space) => (weights[space] ?? 0) !== 0);
  const terms: VectorTerm[] = [];
  for (const space of spaces) {
    const vector = (await store.readVectors(space, [id])).get(id);
    if (vector) terms.push({ space, vector: Array.from(vector), weight: weights[space] as number });
  }
  const row = (await store.getItems([id])).get(id);
  const name = row?.catalogKey ? `${row.title ?? ''} (${row.catalogKey})`.trim() : String(request.product);
  if (terms.length === 0) throw badInput(`Product ${name} has no vectors in ${spaces.join(', ')}.`);
  // The CLI writes conditions as text (parsed here, once); the UI sends them as conditions.
  const where = typeof request.where === 'string' ? parseWhere(request.where) : request.where;
  const checked = where ? checkFields(where, await store.catalogColumns()) : undefined;
  const filters: SearchFilters = { kinds: ['product'], ...(checked && checked.length > 0 ? { where: checked } : {}) };
  return { id, product: { id, title: row?.title ?? null, key: row?.catalogKey ?? null }, weights, terms, filters };
}

/**
 * Every field a condition names is a role (category, colour, price...) or a column of an
 * imported catalog: a misspelt field is an error naming the ones there are, not an empty list.
 * Columns are matched without case and come back spelt as the catalog spells them.
 */
export function checkFields(where: Where, catalogColumns: readonly string[]): Where {
  const known = new Map<string, string>();
  for (const role of CATALOG_ROLES) known.set(role, role);
  known.set('color', 'colour');
  for (const column of catalogColumns) known.set(column.toLowerCase(), column);
  for (const field of whereFields(where)) {
    if (known.has(field.trim().toLowerCase())) continue;
    const columns = [...new Set([...known.values()].filter((c) => !(CATALOG_ROLES as readonly string[]).includes(c)))];
    throw badInput(
      `No field "${field}": use a role (${CATALOG_ROLES.filter((r) => r !== 'image').join(', ')})${columns.length > 0 ? ` or a catalog's column (${columns.slice(0, 40).join(', ')}${columns.length > 40 ? ', …' : ''})` : ''}.`,
    );
  }
  const spelt = (c: WhereCondition): WhereCondition => ({ ...c, field: known.get(c.field.trim().toLowerCase()) ?? c.field });
  return where.map((c) => ('any' in c ? { any: c.any.map((group) => group.map(spelt)) } : spelt(c)));
}

/**
 * A product: its item id (a number from the UI), its catalog and key ("shop:A17"), or its key
 * alone when one catalog has it. A bare number that is both some product's key and another
 * item's id is refused with both named, never guessed.
 */
export async function productId(store: ProductStore, product: string | number): Promise<number> {
  const rowOf = async (id: number) => (await store.getItems([id])).get(id);
  if (typeof product === 'number') {
    const row = await rowOf(product);
    if (row?.kind === 'product') return product;
    throw notFound(row ? `Item #${product} is a photo, not a product.` : `No item #${product}.`);
  }
  const text = product.trim();
  const byKey = await store.itemIdByCatalogKey(text);
  if (byKey !== undefined) return byKey;
  const candidates: number[] = [];
  for (const key of await store.catalogKeysForRowId(text)) {
    const id = await store.itemIdByCatalogKey(key);
    if (id !== undefined) candidates.push(id);
  }
  const asId = /^\d+$/.test(text) ? await rowOf(Number(text)) : undefined;
  if (asId?.kind === 'product') candidates.push(asId.id);
  const unique = [...new Set(candidates)].sort((a, b) => a - b);
  if (unique.length === 1) return unique[0] as number;
  if (unique.length > 1) {
    const rows = await store.getItems(unique);
    const describe = (id: number): string => {
      const row = rows.get(id);
      return row?.catalogKey ? `item #${id}, ${row.title ?? ''} (${row.catalogKey})` : `item #${id}${row?.path ? `, ${row.path}` : ''}`;
    };
    const named = unique.map((id) => rows.get(id)?.catalogKey).filter(Boolean);
    throw badInput(`"${text}" could be ${unique.map(describe).join(' or ')}: name the product by its catalog and key (${named.join(' or ')}).`);
  }
  throw notFound(`No product ${text}: give a catalog and key such as demo:2, or a key that only one catalog has.`);
}
