import path from 'node:path';
import { SPACES, type CompareResponse, type CompareSide, type Space } from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { SemblanceError, badInput, notFound } from '../errors.js';
import type { ProductStore } from '../store/library-store.js';
import { exactDot } from '../vector/unit-vector.js';
import { QUERY } from './search-rules.js';

/** What comparing asks: texts embedded now, items' stored vectors (either store). */
export interface CompareDeps {
  pool: () => EmbedPool;
  store: Pick<ProductStore, 'getItems' | 'readVectors'>;
}

/** Cosine similarity of two texts or items in every space both sides have a vector in. */
export async function compareSides(deps: CompareDeps, a: CompareSide, b: CompareSide): Promise<CompareResponse> {
  const [x, y] = [await compareSide(deps, a), await compareSide(deps, b)];
  const scores: CompareResponse['scores'] = {};
  for (const space of SPACES) {
    const [u, v] = [x.vectors[space], y.vectors[space]];
    if (u && v) scores[space] = exactDot(u, v);
  }
  if (Object.keys(scores).length === 0) throw badInput(`"${x.name}" and "${y.name}" have no space in common yet (is the item indexed?).`);
  return { a: x.name, b: y.name, scores };
}

/** A text in both text towers (the sentence model when it is there), or an item's stored vectors. */
async function compareSide(deps: CompareDeps, side: CompareSide): Promise<{ name: string; vectors: Partial<Record<Space, Float32Array>> }> {
  if (typeof side === 'string') {
    const pool = deps.pool();
    const vectors: Partial<Record<Space, Float32Array>> = { clip: (await pool.embedTexts([side], 'clip', QUERY))[0] as Float32Array };
    try {
      vectors.text = (await pool.embedTexts([side], 'text', QUERY))[0] as Float32Array;
    } catch (error) {
      if (!(error instanceof SemblanceError) || error.code !== 'not-found') throw error;
    }
    return { name: side, vectors };
  }
  const item = (await deps.store.getItems([side.item])).get(side.item);
  if (!item) throw notFound(`No item with id ${side.item}.`);
  const vectors: Partial<Record<Space, Float32Array>> = {};
  for (const space of SPACES) {
    const vector = (await deps.store.readVectors(space, [item.id])).get(item.id);
    if (vector) vectors[space] = vector;
  }
  return { name: item.title ?? (item.path ? path.basename(item.path) : `#${item.id}`), vectors };
}
