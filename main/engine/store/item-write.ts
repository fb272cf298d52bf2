import { ITEM_KINDS, ITEM_STATUSES, SPACES, type Space } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import { toUnitVector } from '../vector/unit-vector.js';
import type { ItemInput, ItemWrite } from './library-store.js';

/**
 * One item write checked before anything is written, the same way by both stores: its kind,
 * key and status, and each vector against its space's model, made unit length. Bad input
 * throws here, so a batch is written whole or not at all.
 */
export function prepareItemWrite(write: ItemWrite, index: number, models: ReadonlyMap<Space, { dims: number }>): { item: ItemInput; vectors: Map<Space, Float32Array>; replace: boolean } {
  const { item } = write;
  const where = `Item ${index + 1} (${item.path ?? item.catalogKey ?? 'no path'})`;
  if (!ITEM_KINDS.includes(item.kind)) throw badInput(`${where}: kind must be photo or product.`);
  if (!item.path && !item.catalogKey) throw badInput(`${where}: needs a path or a catalog key.`);
  if (item.status !== undefined && !ITEM_STATUSES.includes(item.status)) throw badInput(`${where}: status must be one of ${ITEM_STATUSES.join(', ')}.`);
  const unit = new Map<Space, Float32Array>();
  for (const [space, vector] of Object.entries(write.vectors ?? {}) as [Space, ArrayLike<number>][]) {
    if (!SPACES.includes(space)) throw badInput(`${where}: unknown space "${space}".`);
    const model = models.get(space);
    if (!model) throw badInput(`${where}: the ${space} space has no model yet, so it cannot hold vectors.`);
    unit.set(space, toUnitVector(vector, model.dims, `${where}, ${space} vector`));
  }
  return { item, vectors: unit, replace: write.replaceVectors === true };
}
