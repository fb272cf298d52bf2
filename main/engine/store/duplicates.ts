import type { Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';
import { decodeRow, keptParts, reinsertItem, type KeptVector, type Row } from './kept-items.js';
import type { SpaceModel } from './library-store.js';
import { fromBlob, toBlob } from './vector-tables.js';
import { readVectors } from './vectors.js';

/** What the duplicate checks keep (migration 13): evidence between pictures, by content. */
export interface StoredEvidence {
  a: string;
  b: string;
  kind: 'photo' | 'look';
  score: number;
}

/** Adds evidence; with `replace`, what was kept before goes first (a whole-library check). */
export function saveEvidence(sql: Connection, pairs: readonly StoredEvidence[], checked: readonly string[], replace: boolean): void {
  sql.write(() => {
    if (replace) sql.db.exec('DELETE FROM duplicate_evidence; DELETE FROM duplicate_checked;');
    const insert = sql.stmt('INSERT INTO duplicate_evidence (a, b, kind, score) VALUES (?, ?, ?, ?) ON CONFLICT (a, b, kind) DO UPDATE SET score = excluded.score');
    for (const pair of pairs) {
      if (pair.a === pair.b) continue;
      const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a];
      insert.run(a, b, pair.kind, pair.score);
    }
    const check = sql.stmt('INSERT OR IGNORE INTO duplicate_checked (content_hash) VALUES (?)');
    for (const hash of checked) check.run(hash);
  });
}

/** Every same-photo pair, and the visual pairs at `minLook` or more. */
export function loadEvidence(sql: Connection, minLook: number): StoredEvidence[] {
  return sql.stmt("SELECT a, b, kind, score FROM duplicate_evidence WHERE kind = 'photo' UNION ALL SELECT a, b, kind, score FROM duplicate_evidence WHERE kind = 'look' AND score >= ?").all(minLook) as StoredEvidence[];
}

/** Readable photos' contents not yet checked against the library. */
export function uncheckedContents(sql: Connection): string[] {
  return sql
    .stmt(
      `SELECT DISTINCT i.content_hash FROM items i
       WHERE i.kind = 'photo' AND i.status = 'ok' AND i.content_hash IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM duplicate_checked c WHERE c.content_hash = i.content_hash)`,
    )
    .pluck()
    .all() as string[];
}

export interface ScanState {
  generation: number;
  mean: Float32Array;
  scannedAt: number | null;
}

export function scanState(sql: Connection): ScanState | undefined {
  const row = sql.stmt('SELECT generation, mean, scanned_at AS scannedAt FROM duplicate_scan WHERE id = 1').get() as { generation: number; mean: Buffer; scannedAt: number | null } | undefined;
  return row && { generation: row.generation, mean: fromBlob(row.mean), scannedAt: row.scannedAt };
}

/** The mean the checks centre with; a new one (another model) drops the visual evidence made with the old. */
export function saveScanState(sql: Connection, state: ScanState): void {
  sql.write(() => {
    const before = scanState(sql);
    if (before && (before.generation !== state.generation || before.mean.length !== state.mean.length)) {
      sql.db.exec("DELETE FROM duplicate_evidence WHERE kind = 'look'; DELETE FROM duplicate_checked;");
    }
    sql
      .stmt('INSERT INTO duplicate_scan (id, generation, mean, scanned_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, mean = excluded.mean, scanned_at = excluded.scanned_at')
      .run(state.generation, toBlob(state.mean), state.scannedAt);
  });
}

const ordered = (a: string, b: string): [string, string] => (a <= b ? [a, b] : [b, a]);

/** "Not duplicates": every pair of the given contents (a content with itself for identical files). */
export function dismiss(sql: Connection, pairs: readonly [string, string][], now: number): number {
  return sql.write(() => {
    const insert = sql.stmt('INSERT OR IGNORE INTO duplicate_dismissed (a, b, at) VALUES (?, ?, ?)');
    return pairs.reduce((n, [x, y]) => n + insert.run(...ordered(x, y), now).changes, 0);
  });
}

export function undismiss(sql: Connection, pairs: readonly [string, string][]): number {
  return sql.write(() => {
    const remove = sql.stmt('DELETE FROM duplicate_dismissed WHERE a = ? AND b = ?');
    return pairs.reduce((n, [x, y]) => n + remove.run(...ordered(x, y)).changes, 0);
  });
}

export function dismissedPairs(sql: Connection): Set<string> {
  return new Set((sql.stmt('SELECT a, b FROM duplicate_dismissed').all() as { a: string; b: string }[]).map(({ a, b }) => `${a}|${b}`));
}

// ---- duplicates set aside (moved to the trash or a folder), kept for undo ------------------

/** Keeps the items (rows, tags, albums, vectors) in a new batch before their files move. */
export function keepSetAside(sql: Connection, action: 'trash' | 'move', folder: string | null, ids: readonly number[], models: ReadonlyMap<Space, SpaceModel>, now: number): number {
  return sql.write(() => {
    const batch = Number(sql.stmt('INSERT INTO set_aside_batches (action, folder, at) VALUES (?, ?, ?)').run(action, folder, now).lastInsertRowid);
    const keep = sql.stmt('INSERT INTO set_aside_items (batch_id, item_id, item, labels, albums) VALUES (?, ?, ?, ?, ?)');
    const kept: number[] = [];
    for (const id of ids) {
      const parts = keptParts(sql, id);
      if (!parts) continue;
      keep.run(batch, id, parts.item, parts.labels, parts.albums);
      kept.push(id);
    }
    const keepVector = sql.stmt('INSERT INTO set_aside_vectors (batch_id, item_id, space, generation, embedding) VALUES (?, ?, ?, ?, ?)');
    for (const model of models.values()) {
      for (const [id, vector] of readVectors(sql, model, kept)) keepVector.run(batch, id, model.space, model.generation, toBlob(vector));
    }
    return batch;
  });
}

/** After the moves: the moved items leave the library, the others are no longer kept. */
export function finishSetAside(sql: Connection, batch: number, moved: readonly { id: number; to: string | null }[]): void {
  sql.write(() => {
    const movedIds = new Set(moved.map((m) => m.id));
    const kept = sql.stmt('SELECT item_id FROM set_aside_items WHERE batch_id = ?').pluck().all(batch) as number[];
    const forget = sql.stmt('DELETE FROM set_aside_items WHERE batch_id = ? AND item_id = ?');
    for (const id of kept) if (!movedIds.has(id)) forget.run(batch, id);
    const where = sql.stmt('UPDATE set_aside_items SET moved_to = ? WHERE batch_id = ? AND item_id = ?');
    const remove = sql.stmt('DELETE FROM items WHERE id = ?');
    for (const { id, to } of moved) {
      where.run(to, batch, id);
      remove.run(id);
    }
    if (moved.length === 0) sql.stmt('DELETE FROM set_aside_batches WHERE id = ?').run(batch);
  });
}

export interface SetAsideItem {
  itemId: number;
  path: string;
  movedTo: string | null;
}

export function setAsideItems(sql: Connection, batch: number): { action: 'trash' | 'move'; items: SetAsideItem[] } | undefined {
  const action = sql.stmt('SELECT action FROM set_aside_batches WHERE id = ?').pluck().get(batch) as 'trash' | 'move' | undefined;
  if (action === undefined) return undefined;
  const rows = sql.stmt('SELECT item_id AS itemId, item, moved_to AS movedTo FROM set_aside_items WHERE batch_id = ? ORDER BY item_id').all(batch) as { itemId: number; item: string; movedTo: string | null }[];
  return { action, items: rows.map((row) => ({ itemId: row.itemId, path: String((JSON.parse(row.item) as Row).path), movedTo: row.movedTo })) };
}

/** Puts back the items whose files are back (same ids, tags, albums and vectors); the batch goes once none is left. */
export function restoreSetAside(sql: Connection, batch: number, itemIds: readonly number[], models: ReadonlyMap<Space, SpaceModel>): number {
  return sql.write(() => {
    const columns = new Set(sql.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('items') as string[]);
    const rowOf = sql.stmt('SELECT item, labels, albums FROM set_aside_items WHERE batch_id = ? AND item_id = ?');
    const vectorRows = sql.stmt('SELECT space, generation, embedding FROM set_aside_vectors WHERE batch_id = ? AND item_id = ?');
    const done = sql.stmt('DELETE FROM set_aside_items WHERE batch_id = ? AND item_id = ?');
    let restored = 0;
    for (const itemId of itemIds) {
      const row = rowOf.get(batch, itemId) as { item: string; labels: string; albums: string } | undefined;
      if (!row) continue;
      const item = decodeRow(JSON.parse(row.item) as Row);
      // Indexed again meanwhile (a watcher saw the file come back): that row stays.
      if (sql.stmt('SELECT 1 FROM items WHERE path = ?').get(item.path) === undefined) {
        reinsertItem(sql, columns, { itemId, item, labels: JSON.parse(row.labels) as KeptItemLabels, albums: JSON.parse(row.albums) as number[] }, vectorRows.all(batch, itemId) as KeptVector[], models);
        restored++;
      }
      done.run(batch, itemId);
    }
    if (sql.stmt('SELECT 1 FROM set_aside_items WHERE batch_id = ?').get(batch) === undefined) sql.stmt('DELETE FROM set_aside_batches WHERE id = ?').run(batch);
    return restored;
  });
}

type KeptItemLabels = { label_set: string; label: string; confidence: number }[];
