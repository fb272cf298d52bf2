import BetterSqlite3, { type Database } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Engine } from '../../main/engine/engine.js';

const open = new Map<string, Database>();

/**
 * A second, read-only connection to an engine's database, for tests that check rows with
 * plain SQL. The store keeps its own connection private (SQL lives in the store); WAL lets
 * this one read what the store committed, as another process would.
 */
export function peek(target: Engine | string): Database {
  const file = typeof target === 'string' ? target : target.store.file;
  let db = open.get(file);
  if (!db?.open) {
    db = new BetterSqlite3(file, { readonly: true });
    db.loadExtension(sqliteVec.getLoadablePath());
    open.set(file, db);
  }
  return db;
}

/** Closes the connections peek opened for a file (before it is deleted or reopened for writing tests). */
export function unpeek(file: string): void {
  open.get(file)?.close();
  open.delete(file);
}
