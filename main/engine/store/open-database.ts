import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { numberOf } from '../catalog/number-of.js';
import { SemblanceError, databaseError } from '../errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.js';

/** 'SEMB' in the SQLite header: how we recognise our own files among other SQLite files. */
export const APPLICATION_ID = 0x53454d42;

export interface OpenOptions {
  /** For tests of the migration path: apply migrations up to this version only. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) a Semblance database: checks it is ours and not from a newer
 * version, applies pending migrations, loads sqlite-vec. Every failure is a clear error
 * naming the file; nothing is written to a file we refuse.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const resolved = path.resolve(file);
  prepareFolder(resolved);

  let db: Database;
  try {
    // The desktop app runs better-sqlite3 built for Electron's ABI, kept apart from the one
    // plain Node uses (so tests and the CLI keep working): its main process names it here.
    const nativeBinding = process.env.SEMBLANCE_SQLITE_BINDING;
    db = new BetterSqlite3(resolved, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    throw databaseError(`Cannot open the database ${resolved}: ${messageOf(error)}`, error);
  }
  try {
    checkIdentity(db, resolved, latest);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Map the file (up to SQLite's 2 GB cap): vector lookups then read pages without a
    // system call each, and a bigger page cache keeps the hot ones.
    db.pragma('mmap_size = 2147418112');
    db.pragma('cache_size = -65536');
    db.loadExtension(unpackedPath(sqliteVec.getLoadablePath()));
    // Filters compare prices as people write them ("$49.99", "1.299,00 €"), text kept as is.
    db.function('number_of', { deterministic: true }, (value: unknown) =>
      typeof value === 'string' || typeof value === 'number' ? numberOf(value) : null,
    );
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof SemblanceError) throw error;
    throw databaseError(`Cannot use the database ${resolved}: ${messageOf(error)}`, error);
  }
}

/**
 * A packaged app keeps native libraries beside its asar archive (asarUnpack), since SQLite
 * loads extensions with dlopen, which cannot read inside the archive.
 */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function prepareFolder(file: string): void {
  const folder = path.dirname(file);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw databaseError(`Cannot create the data folder ${folder}: ${messageOf(error)}`, error);
  }
  // SQLite needs to create its -wal and -shm files beside the database, so the folder
  // itself must be writable, not only the file.
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw databaseError(
      `The data folder ${folder} is read-only: Semblance needs to write its database there. ` +
        `Choose another place with --db <file> or SEMBLANCE_DATA_DIR.`,
      error,
    );
  }
}

function checkIdentity(db: Database, file: string, latest: number): void {
  let applicationId: number;
  let userVersion: number;
  let tables: string[];
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number;
    userVersion = db.pragma('user_version', { simple: true }) as number;
    tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
  } catch (error) {
    throw databaseError(
      `${file} is not a Semblance database (${messageOf(error)}). ` +
        `Move it away or choose another file with --db.`,
      error,
    );
  }
  if (applicationId !== APPLICATION_ID && (tables.length > 0 || userVersion !== 0)) {
    const shown = tables.slice(0, 5).join(', ');
    throw databaseError(
      `${file} is an SQLite database of another program (tables: ${shown || 'none'}); ` +
        `Semblance will not touch it. Choose another file with --db.`,
    );
  }
  if (userVersion > latest) {
    throw databaseError(
      `${file} was written by a newer Semblance (schema version ${userVersion}; this version ` +
        `knows up to ${latest}). Update Semblance, or use another file with --db.`,
    );
  }
}

function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      if (migration.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { LATEST_SCHEMA_VERSION };
