import type { LabelSetSummary } from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { Connection } from './connection.js';

type Tag = { label: string; confidence: number };

function checkTags(labels: readonly Tag[]): void {
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

/** Each applied label set with its tags and how many items carry each. */
export function labelSets(sql: Connection): LabelSetSummary[] {
  const rows = sql
    .stmt(
      `SELECT label_set AS name, label, count(*) AS items FROM labels
       WHERE label_set <> '' GROUP BY label_set, label ORDER BY label_set, items DESC, label`,
    )
    .all() as { name: string; label: string; items: number }[];
  const sets = new Map<string, LabelSetSummary>();
  for (const row of rows) {
    const set = sets.get(row.name) ?? { name: row.name, labels: [] };
    set.labels.push({ label: row.label, items: row.items });
    sets.set(row.name, set);
  }
  return [...sets.values()];
}
