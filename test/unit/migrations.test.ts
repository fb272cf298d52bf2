import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../main/engine/store/migrations.js';
import { openDatabase } from '../../main/engine/store/open-database.js';
import { tempDir } from '../helpers/temp-dir.js';

test('migrations are numbered 1..n without gaps, and the latest is what a fresh database gets', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
  assert.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length);
});

test('migration 1 creates the library tables with their constraints', (t) => {
  const db = openDatabase(path.join(tempDir(t), 'library.db'), { migrations: MIGRATIONS.slice(0, 1) });
  t.after(() => db.close());
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all();
  assert.deepEqual(tables, ['item_vectors', 'items', 'labels', 'roots', 'spaces']);

  const now = Date.now();
  const insert = db.prepare(
    'INSERT INTO items (kind, path, catalog_key, status, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  assert.throws(() => insert.run('video', '/a.mp4', null, 'ok', null, now, now), /CHECK constraint failed/);
  assert.throws(() => insert.run('photo', '/a.jpg', null, 'broken', null, now, now), /CHECK constraint failed/);
  assert.throws(() => insert.run('photo', null, null, 'ok', null, now, now), /CHECK constraint failed/);
  assert.throws(() => insert.run('product', null, 'c:1', 'ok', '{not json', now, now), /CHECK constraint failed/);
  insert.run('photo', '/a.jpg', null, 'ok', null, now, now);
  assert.throws(() => insert.run('photo', '/a.jpg', null, 'ok', null, now, now), /UNIQUE constraint failed/);

  // Removing an item removes its labels and vector bookkeeping (foreign keys cascade).
  db.prepare("INSERT INTO spaces (name, model_id, dims, updated_at) VALUES ('clip', 'm', 4, 0)").run();
  db.prepare("INSERT INTO item_vectors VALUES (1, 'clip', 1)").run();
  db.prepare("INSERT INTO labels VALUES (1, '', 'cat', 0.9)").run();
  db.prepare('DELETE FROM items WHERE id = 1').run();
  assert.equal(db.prepare('SELECT count(*) FROM item_vectors').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM labels').pluck().get(), 0);
});

test('migration 2 adds settings holding JSON values, on top of a version-1 database', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) }).close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('models', '{\"clip\":{}}', 0)").run();
  assert.throws(
    () => db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('bad', 'not json', 0)").run(),
    /CHECK constraint failed/,
  );
});
