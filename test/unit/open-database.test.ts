import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SemblanceError } from '../../main/engine/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../main/engine/store/migrations.js';
import { APPLICATION_ID, openDatabase } from '../../main/engine/store/open-database.js';
import { readOnlyDir } from '../helpers/read-only-dir.js';
import { tempDir } from '../helpers/temp-dir.js';

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof SemblanceError, `expected a SemblanceError, got ${String(error)}`);
    assert.equal(error.code, 'database');
    assert.match(error.message, pattern);
    return true;
  });
}

test('a fresh database gets the latest schema, WAL, foreign keys and our application id', (t) => {
  const file = path.join(tempDir(t), 'nested', 'folder', 'library.db');
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal(db.prepare('SELECT vec_version()').pluck().get(), 'v0.1.9');
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('reopening an existing database keeps its data and migrates nothing twice', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  const first = openDatabase(file);
  first.prepare("INSERT INTO roots (path, added_at) VALUES ('/photos', 1)").run();
  first.close();
  const second = openDatabase(file);
  t.after(() => second.close());
  assert.deepEqual(second.prepare('SELECT path FROM roots').pluck().all(), ['/photos']);
  assert.equal(second.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
});

test('a database from a newer Semblance is refused and left untouched', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  openDatabase(file).close();
  const raw = new BetterSqlite3(file);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  raw.close();
  const before = fs.readFileSync(file);
  rejects(
    () => openDatabase(file),
    new RegExp(`newer Semblance \\(schema version ${LATEST_SCHEMA_VERSION + 1}; this version knows up to ${LATEST_SCHEMA_VERSION}\\)`),
  );
  assert.deepEqual(fs.readFileSync(file), before);
});

test('an SQLite file of another program is refused and left untouched', (t) => {
  const file = path.join(tempDir(t), 'other.db');
  const raw = new BetterSqlite3(file);
  raw.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
  raw.close();
  const before = fs.readFileSync(file);
  rejects(() => openDatabase(file), /another program \(tables: invoices\)/);
  assert.deepEqual(fs.readFileSync(file), before);
});

test('a file that is not a database at all is refused with its name', (t) => {
  const dir = tempDir(t);
  const text = path.join(dir, 'notes.db');
  fs.writeFileSync(text, 'these are my notes, not a database\n'.repeat(200));
  rejects(() => openDatabase(text), /notes\.db is not a Semblance database \(file is not a database\)/);
  assert.equal(fs.readFileSync(text, 'utf8').slice(0, 10), 'these are ');

  const truncated = path.join(dir, 'truncated.db');
  openDatabase(truncated).close();
  fs.truncateSync(truncated, 1000);
  rejects(() => openDatabase(truncated), /truncated\.db/);
});

test('a database folder that cannot be created gives a clear error', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'a-file'), '');
  rejects(() => openDatabase(path.join(dir, 'a-file', 'library.db')), /Cannot create the data folder .*a-file/);
});

test('a read-only data folder gives a clear error naming it', (t) => {
  const readOnly = readOnlyDir(t);
  if ('skip' in readOnly) {
    t.skip(readOnly.skip);
    return;
  }
  rejects(() => openDatabase(path.join(readOnly.dir, 'library.db')), /data folder .* is read-only/);
  assert.deepEqual(fs.readdirSync(readOnly.dir), []);
});

test('a migration that fails is rolled back whole, and the database stays usable', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  openDatabase(file).close();
  const broken: Migration = {
    version: LATEST_SCHEMA_VERSION + 1,
    name: 'fails half way',
    up(db) {
      db.exec('CREATE TABLE half_done (x INTEGER)');
      throw new Error('disk full (simulated)');
    },
  };
  rejects(() => openDatabase(file, { migrations: [...MIGRATIONS, broken] }), /disk full \(simulated\)/);
  const db = openDatabase(file);
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get(), 0);
});
