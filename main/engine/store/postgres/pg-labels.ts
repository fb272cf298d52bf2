import type pg from 'pg';
import type { LabelSetSummary, Space } from '../../../../preload/contract.js';
import { badInput, notFound } from '../../errors.js';
import { checkTags, summariseLabelSets, type LabelSetDefinition, type Tag } from '../labels.js';
import type { LabelAssignments, LabelStore } from '../library-store.js';
import type { PgItems } from './pg-items.js';
import { type PgStore, vectorFromBinary, vectorTable } from './pg-store.js';

/** Vectors read per page when a label set goes through the whole library. */
const PAGE = 5000;

/**
 * Tags and label sets on PostgreSQL, with the SQLite store's rules (store/labels.ts): a set's
 * tags are replaced in one transaction, a hand-given tag (set '') is added only where it is
 * missing, renaming or deleting a set takes its tags along. Each change is one transaction,
 * announced to the other processes when it commits.
 */
export class PgLabels implements LabelStore {
  private readonly store: PgStore;
  private readonly items: PgItems;

  constructor(store: PgStore, items: PgItems) {
    this.store = store;
    this.items = items;
  }

  async labelSets(): Promise<LabelSetSummary[]> {
    const [definitions, counts] = await Promise.all([
      this.labelSetDefinitions(),
      this.store.pool.query<{ name: string; label: string; items: string }>("SELECT label_set AS name, label, count(*) AS items FROM labels WHERE label_set <> '' GROUP BY label_set, label"),
    ]);
    return summariseLabelSets(
      definitions,
      counts.rows.map((row) => ({ name: row.name, label: row.label, items: Number(row.items) })),
    );
  }

  async labelSetDefinitions(client: pg.PoolClient | pg.Pool = this.store.pool): Promise<LabelSetDefinition[]> {
    const { rows } = await client.query<{ name: string; labels: string; template: string; threshold: number; applied_through: string }>(
      'SELECT name, labels, template, threshold, applied_through FROM label_sets ORDER BY name',
    );
    return rows.map((row) => ({ name: row.name, labels: JSON.parse(row.labels) as string[], template: row.template, threshold: row.threshold, appliedThrough: Number(row.applied_through) }));
  }

  async saveLabelSet(definition: LabelSetDefinition): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(
        `INSERT INTO label_sets (name, labels, template, threshold, applied_through, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, template = excluded.template, threshold = excluded.threshold,
           applied_through = excluded.applied_through, updated_at = excluded.updated_at`,
        [definition.name, JSON.stringify(definition.labels), definition.template, definition.threshold, definition.appliedThrough, Date.now()],
      );
      await this.store.noteLibraryChange(client);
    });
  }

  async replaceLabelSet(name: string, assignments: LabelAssignments): Promise<void> {
    for (const { labels } of assignments) checkTags(labels);
    await this.store.transaction(async (client) => {
      await client.query('DELETE FROM labels WHERE label_set = $1', [name]);
      await writeTags(client, name, assignments);
      await this.store.noteLibraryChange(client);
    });
  }

  async labelNewItems(name: string, assignments: LabelAssignments, through: number): Promise<void> {
    for (const { labels } of assignments) checkTags(labels);
    await this.store.transaction(async (client) => {
      await client.query('DELETE FROM labels WHERE label_set = $1 AND item_id = ANY($2::bigint[])', [name, assignments.map((a) => a.id)]);
      await writeTags(client, name, assignments);
      await client.query('UPDATE label_sets SET applied_through = greatest(applied_through, $1) WHERE name = $2', [through, name]);
      await this.store.noteLibraryChange(client);
    });
  }

  async renameLabelSet(name: string, to: string): Promise<void> {
    if (name === to) return;
    await this.store.transaction(async (client) => {
      const known = async (set: string): Promise<boolean> =>
        (await client.query('SELECT 1 FROM label_sets WHERE name = $1 UNION ALL SELECT 1 FROM labels WHERE label_set = $1 LIMIT 1', [set])).rows.length > 0;
      if (!(await known(name))) throw notFound(`No label set "${name}".`);
      if (await known(to)) throw badInput(`There is a label set "${to}" already: choose another name, or delete that one first.`);
      await client.query('UPDATE label_sets SET name = $1, updated_at = $2 WHERE name = $3', [to, Date.now(), name]);
      await client.query('UPDATE labels SET label_set = $1 WHERE label_set = $2', [to, name]);
      await this.store.noteLibraryChange(client);
    });
  }

  async deleteLabelSet(name: string): Promise<LabelSetDefinition | undefined> {
    return this.store.transaction(async (client) => {
      const definition = (await this.labelSetDefinitions(client)).find((d) => d.name === name);
      const { rowCount } = await client.query('DELETE FROM labels WHERE label_set = $1', [name]);
      await client.query('DELETE FROM label_sets WHERE name = $1', [name]);
      if (!definition && !rowCount) throw notFound(`No label set "${name}".`);
      await this.store.noteLibraryChange(client);
      return definition;
    });
  }

  async tagItems(tag: string, itemIds: readonly number[]): Promise<number[]> {
    if (!tag.trim()) throw badInput('A tag must not be empty.');
    return this.store.transaction(async (client) => {
      const { rows } = await client.query<{ item_id: string }>(
        `INSERT INTO labels (item_id, label_set, label, confidence) SELECT id, '', $1, 1 FROM items WHERE id = ANY($2::bigint[])
         ON CONFLICT DO NOTHING RETURNING item_id`,
        [tag, [...itemIds]],
      );
      const added = new Set(rows.map((r) => Number(r.item_id)));
      await this.store.noteChanges(client, [...added]);
      // In the order asked, as the SQLite store answers.
      return itemIds.filter((id, i) => added.has(id) && itemIds.indexOf(id) === i);
    });
  }

  async untagItems(tag: string, itemIds: readonly number[]): Promise<number> {
    return this.store.transaction(async (client) => {
      const { rows } = await client.query<{ item_id: string }>("DELETE FROM labels WHERE label_set = '' AND label = $1 AND item_id = ANY($2::bigint[]) RETURNING item_id", [tag, [...itemIds]]);
      await this.store.noteChanges(
        client,
        rows.map((r) => Number(r.item_id)),
      );
      return rows.length;
    });
  }

  async clipItemsAfter(after: number): Promise<number[]> {
    const model = (await this.items.spaceModels()).get('clip');
    if (!model) return [];
    const { rows } = await this.store.pool.query<{ item_id: string }>(`SELECT item_id FROM ${vectorTable('clip')} WHERE generation = $1 AND item_id > $2 ORDER BY item_id`, [model.generation, after]);
    return rows.map((r) => Number(r.item_id));
  }

  async maxItemId(): Promise<number> {
    const { rows } = await this.store.pool.query<{ id: string }>('SELECT coalesce(max(id), 0) AS id FROM items');
    return Number(rows[0]?.id ?? 0);
  }

  readVectors(space: Space, itemIds: Iterable<number>): Promise<Map<number, Float32Array>> {
    return this.items.readVectors(space, itemIds);
  }

  async forEachVector(space: Space, callback: (itemId: number, vector: Float32Array) => void): Promise<void> {
    const model = (await this.items.spaceModels()).get(space);
    if (!model) return;
    for (let after = 0; ; ) {
      const { rows } = await this.store.pool.query<{ item_id: string; embedding: Buffer }>(
        `SELECT item_id, vector_send(embedding) AS embedding FROM ${vectorTable(space)} WHERE generation = $1 AND item_id > $2 ORDER BY item_id LIMIT $3`,
        [model.generation, after, PAGE],
      );
      for (const row of rows) callback(Number(row.item_id), vectorFromBinary(row.embedding));
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]?.item_id);
    }
  }
}

/** A set's tags for items still in the library (one removed since its vector was read gets none). */
async function writeTags(client: pg.PoolClient, name: string, assignments: LabelAssignments): Promise<void> {
  const rows = assignments.flatMap(({ id, labels }) => labels.map((tag: Tag) => [id, tag.label, tag.confidence] as const));
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO labels (item_id, label_set, label, confidence)
     SELECT t.id, $1, t.label, t.confidence FROM unnest($2::bigint[], $3::text[], $4::double precision[]) AS t(id, label, confidence)
     WHERE t.id IN (SELECT id FROM items)`,
    [name, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
}
