import type { Space } from '../../../preload/contract.js';
import type { Connection } from './connection.js';

/**
 * The log of vector changes (migration 5): triggers on item_vectors append (item, space)
 * for every vector written or removed, whichever connection commits it. A search index
 * replays the log from the seq it last saw instead of reloading a space.
 */
export interface VectorLogState {
  /** The last seq ever handed out (0 before the first change). */
  head: number;
  /** Seq values at or below this may have been pruned: an index behind it must reload. */
  floor: number;
  /** A random id made with the database, so a codes file is never read against another library. */
  libraryId: string;
}

export function vectorLogState(sql: Connection): VectorLogState {
  const head = sql.stmt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'vector_log'), 0)").pluck().get() as number;
  const state = new Map(sql.stmt('SELECT key, value FROM index_state').raw().all() as [string, string][]);
  return { head, floor: Number(state.get('log_floor') ?? 0), libraryId: state.get('library_id') ?? '' };
}

/** Items whose vector in a space was written or removed after seq `after`, up to `upTo`. */
export function vectorChanges(sql: Connection, space: Space, after: number, upTo: number): number[] {
  return sql.stmt('SELECT DISTINCT item_id FROM vector_log WHERE seq > ? AND seq <= ? AND space = ?').pluck().all(after, upTo, space) as number[];
}

/** Forgets log rows at or below `upTo` (every reader of them has persisted past it). */
export function pruneVectorLog(sql: Connection, upTo: number): void {
  sql.write(() => {
    const { floor } = vectorLogState(sql);
    if (upTo <= floor) return;
    sql.stmt('DELETE FROM vector_log WHERE seq <= ?').run(upTo);
    sql.stmt("UPDATE index_state SET value = ? WHERE key = 'log_floor'").run(String(upTo));
  });
}

/** How many current (not stale) vectors a space holds. */
export function countVectors(sql: Connection, space: Space, generation: number): number {
  return sql.stmt('SELECT count(*) FROM item_vectors WHERE space = ? AND generation = ?').pluck().get(space, generation) as number;
}
