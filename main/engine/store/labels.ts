import type { LabelSetSummary } from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { Connection } from './connection.js';

export type Tag = { label: string; confidence: number };

export function checkTags(labels: readonly Tag[]): void {
  for (const { label, confidence } of labels) {
    if (!label) throw badInput('A label must not be empty.');
    if (!(confidence >= 0 && confidence <= 1)) throw badInput(`Confidence of "${label}" must lie in [0, 1].`);
  }
}

function writeTags(sql: Connection, itemId: number, labelSet: string, labels: readonly Tag[]): void {
  sql.stmt('DELETE FROM labels WHERE item_id = ? AND label_set = ?').run(itemId, labelSet);
  const insert = sql.stmt('INSERT INTO labels (item_id, label_set, label, confidence) VALUES (?, ?, ?, ?)');
  for (const { label, confidence } of labels) insert.run(itemId, labelSet, label, confidence);
}

/** Replaces the labels one label set gave an item. */
export function setLabels(sql: Connection, itemId: number, labelSet: string, labels: readonly Tag[]): void {
  checkTags(labels);
  sql.write(() => {
    if (sql.stmt('SELECT 1 FROM items WHERE id = ?').get(itemId) === undefined) throw notFound(`No item with id ${itemId}.`);
    writeTags(sql, itemId, labelSet, labels);
  });
}

/** Everything a label set gave, replaced in one transaction: a cancelled run changes nothing. */
export function replaceLabelSet(sql: Connection, labelSet: string, assignments: readonly { id: number; labels: readonly Tag[] }[]): void {
  for (const { labels } of assignments) checkTags(labels);
  sql.write(() => {
    sql.stmt('DELETE FROM labels WHERE label_set = ?').run(labelSet);
    const exists = sql.stmt('SELECT 1 FROM items WHERE id = ?');
    for (const { id, labels } of assignments) {
      // An item removed since its vector was read simply gets no tags.
      if (labels.length > 0 && exists.get(id) !== undefined) writeTags(sql, id, labelSet, labels);
    }
  });
}

/** A label set as the user made it (see migration 8). */
export interface LabelSetDefinition {
  name: string;
  labels: string[];
  template: string;
  threshold: number;
  /** Items with a larger id have not been labelled by this set yet. */
  appliedThrough: number;
}

/**
 * Each label set with every one of its labels and how many items carry each (0 too: a set
 * that tagged nothing stays listed), most used first.
 */
export function labelSets(sql: Connection): LabelSetSummary[] {
  const counts = sql
    .stmt(`SELECT label_set AS name, label, count(*) AS items FROM labels WHERE label_set <> '' GROUP BY label_set, label`)
    .all() as { name: string; label: string; items: number }[];
  return summariseLabelSets(labelSetDefinitions(sql), counts);
}

/** The sets as defined, with each label's count of tagged items (a set known only by its tags is listed too); both stores use this. */
export function summariseLabelSets(definitions: readonly LabelSetDefinition[], counts: readonly { name: string; label: string; items: number }[]): LabelSetSummary[] {
  const sets = new Map<string, LabelSetSummary>();
  for (const def of definitions) {
    sets.set(def.name, { name: def.name, labels: def.labels.map((label) => ({ label, items: 0 })), threshold: def.threshold, template: def.template });
  }
  for (const row of counts) {
    const set = sets.get(row.name) ?? { name: row.name, labels: [], threshold: null, template: null };
    const entry = set.labels.find((l) => l.label === row.label);
    if (entry) entry.items = row.items;
    else set.labels.push({ label: row.label, items: row.items });
    sets.set(row.name, set);
  }
  for (const set of sets.values()) set.labels.sort((a, b) => b.items - a.items || a.label.localeCompare(b.label));
  return [...sets.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function labelSetDefinitions(sql: Connection): LabelSetDefinition[] {
  const rows = sql.stmt('SELECT name, labels, template, threshold, applied_through AS appliedThrough FROM label_sets ORDER BY name').all() as (Omit<LabelSetDefinition, 'labels'> & {
    labels: string;
  })[];
  return rows.map((row) => ({ ...row, labels: JSON.parse(row.labels) as string[] }));
}

export function saveLabelSet(sql: Connection, def: LabelSetDefinition): void {
  sql
    .stmt(
      `INSERT INTO label_sets (name, labels, template, threshold, applied_through, updated_at) VALUES (@name, @labels, @template, @threshold, @appliedThrough, @now)
       ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, template = excluded.template, threshold = excluded.threshold,
         applied_through = excluded.applied_through, updated_at = excluded.updated_at`,
    )
    .run({ ...def, labels: JSON.stringify(def.labels), now: Date.now() });
}

/** Labels items added since a set last ran (their tags of that set replaced), then moves its mark. */
export function labelNewItems(sql: Connection, name: string, assignments: readonly { id: number; labels: readonly Tag[] }[], through: number): void {
  for (const { labels } of assignments) checkTags(labels);
  sql.write(() => {
    const exists = sql.stmt('SELECT 1 FROM items WHERE id = ?');
    for (const { id, labels } of assignments) if (exists.get(id) !== undefined) writeTags(sql, id, name, labels);
    sql.stmt('UPDATE label_sets SET applied_through = max(applied_through, ?) WHERE name = ?').run(through, name);
  });
}

export function renameLabelSet(sql: Connection, name: string, to: string): void {
  sql.write(() => {
    if (name === to) return;
    const known = (set: string): boolean =>
      sql.stmt('SELECT 1 FROM label_sets WHERE name = ?').get(set) !== undefined || sql.stmt('SELECT 1 FROM labels WHERE label_set = ? LIMIT 1').get(set) !== undefined;
    if (!known(name)) throw notFound(`No label set "${name}".`);
    if (known(to)) throw badInput(`There is a label set "${to}" already: choose another name, or delete that one first.`);
    sql.stmt('UPDATE label_sets SET name = ?, updated_at = ? WHERE name = ?').run(to, Date.now(), name);
    sql.stmt('UPDATE labels SET label_set = ? WHERE label_set = ?').run(to, name);
  });
}

/** Deletes a label set and every tag it gave; its definition, so it can be applied again (undo). */
export function deleteLabelSet(sql: Connection, name: string): LabelSetDefinition | undefined {
  return sql.write(() => {
    const def = labelSetDefinitions(sql).find((d) => d.name === name);
    const tags = sql.stmt('DELETE FROM labels WHERE label_set = ?').run(name).changes;
    sql.stmt('DELETE FROM label_sets WHERE name = ?').run(name);
    if (!def && tags === 0) throw notFound(`No label set "${name}".`);
    return def;
  });
}

/** Items above an id that have a clip vector made by the current model: what a label set has not seen. */
export function itemIdsAfter(sql: Connection, after: number, generation: number): number[] {
  return sql.stmt("SELECT item_id FROM item_vectors WHERE space = 'clip' AND generation = ? AND item_id > ? ORDER BY item_id").pluck().all(generation, after) as number[];
}

export function maxItemId(sql: Connection): number {
  return sql.stmt('SELECT coalesce(max(id), 0) FROM items').pluck().get() as number;
}

/** Each item's surest tag (of any label set), for colouring the map by tag. */
export function topLabels(sql: Connection, itemIds: readonly number[]): Map<number, string> {
  const rows = sql
    .stmt(
      `SELECT item_id AS id, label FROM (
         SELECT item_id, label, row_number() OVER (PARTITION BY item_id ORDER BY confidence DESC, label) AS rank
         FROM labels WHERE item_id IN (SELECT value FROM json_each(?))
       ) WHERE rank = 1`,
    )
    .all(JSON.stringify(itemIds)) as { id: number; label: string }[];
  return new Map(rows.map((row) => [row.id, row.label]));
}

/** Tags the user gives by hand (label set ''): added to the items that lack it; the ones that got it (an undo takes it off just those). */
export function tagItems(sql: Connection, tag: string, itemIds: readonly number[]): number[] {
  if (!tag.trim()) throw badInput('A tag must not be empty.');
  return sql.write(() => {
    const insert = sql.stmt(`INSERT OR IGNORE INTO labels (item_id, label_set, label, confidence) SELECT id, '', ?, 1 FROM items WHERE id = ?`);
    return itemIds.filter((id) => insert.run(tag, id).changes > 0);
  });
}

/** Takes a hand-given tag off the items (the undo of tagItems); how many lost it. */
export function untagItems(sql: Connection, tag: string, itemIds: readonly number[]): number {
  return sql.write(() => {
    const remove = sql.stmt(`DELETE FROM labels WHERE item_id = ? AND label_set = '' AND label = ?`);
    let removed = 0;
    for (const id of itemIds) removed += remove.run(id, tag).changes;
    return removed;
  });
}

/** The tags the user gave each of these items by hand. */
export function userTags(sql: Connection, itemIds: readonly number[]): Map<number, string[]> {
  const rows = sql
    .stmt(`SELECT item_id AS id, label FROM labels WHERE label_set = '' AND item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, label`)
    .all(JSON.stringify(itemIds)) as { id: number; label: string }[];
  const tags = new Map<number, string[]>();
  for (const row of rows) tags.set(row.id, [...(tags.get(row.id) ?? []), row.label]);
  return tags;
}
