import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../main/engine/store/migrations.js';
import { openDatabase } from '../../main/engine/store/open-database.js';
import { Store } from '../../main/engine/store/store.js';
import { createVectorTable, toBlob } from '../../main/engine/store/vector-tables.js';
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

test('migration 3 upgrades a schema-2 library full of photos, products, labels and vectors with every row intact', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  // A wave-1 database, as that version wrote it: bookkeeping inside the attributes JSON.
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  old.exec(`
    INSERT INTO roots (id, path, added_at) VALUES (1, '/home/me/Pictures', 1);
    INSERT INTO items (id, kind, root_id, path, content_hash, size, mtime_ms, width, height, taken_at, title, attributes, status, error, created_at, updated_at) VALUES
      (1, 'photo', 1, '/home/me/Pictures/beach.jpg', 'h1', 100, 1000, 640, 480, 5000, NULL, '{"caption":"Dog at the beach"}', 'ok', NULL, 1, 1),
      (2, 'photo', 1, '/home/me/Pictures/cat.jpg', 'h2', 200, 2000, 320, 240, NULL, NULL, NULL, 'ok', NULL, 1, 1),
      (3, 'photo', 1, '/home/me/Pictures/broken.jpg', 'h3', 10, 3000, NULL, NULL, NULL, NULL, NULL, 'error', 'not an image', 1, 1);
    INSERT INTO items (id, kind, catalog_key, title, attributes, status, created_at, updated_at) VALUES
      (4, 'product', 'shop:T1', 'Toaster', '{"name":"Toaster","category":"toaster","price":39,"catalog":"shop","catalogFolder":"/home/me/shop","id":"T1","rowHash":"abc","image":"/home/me/shop/t.png"}', 'ok', 1, 1),
      (5, 'product', 'shop:K1', 'Kettle', '{"name":"Kettle","price":30,"catalog":"shop","catalogFolder":"/home/me/shop","id":"K1","rowHash":"def","imageError":"image k.png not found next to the catalog"}', 'ok', 1, 1);
    INSERT INTO spaces (name, model_id, dims, generation, updated_at) VALUES ('clip', 'test/clip@fp32', 4, 2, 1), ('text', 'test/text@fp32', 3, 1, 1);
    INSERT INTO labels VALUES (1, '', 'favourite', 1), (1, 'pets', 'dog', 0.9), (4, 'kinds', 'kitchen', 0.7);
    INSERT INTO settings (key, value, updated_at) VALUES ('library', '{"threads":2,"excludedFolders":["/home/me/Pictures/private"]}', 1);
  `);
  createVectorTable(old, 'clip', 4);
  createVectorTable(old, 'text', 3);
  const clip = new Map([
    [1, [1, 0, 0, 0]],
    [2, [0, 0.6, 0.8, 0]],
    [4, [0.5, 0.5, 0.5, 0.5]],
  ]);
  for (const [id, vector] of clip) {
    old.prepare('INSERT INTO vec_clip (rowid, embedding) VALUES (?, ?)').run(BigInt(id), toBlob(new Float32Array(vector)));
    old.prepare("INSERT INTO item_vectors VALUES (?, 'clip', ?)").run(id, id === 2 ? 1 : 2); // item 2's vector is stale
  }
  old.prepare('INSERT INTO vec_text (rowid, embedding) VALUES (?, ?)').run(4n, toBlob(new Float32Array([0, 1, 0])));
  old.prepare("INSERT INTO item_vectors VALUES (4, 'text', 1)").run();
  const itemsBefore = old.prepare('SELECT id, kind, root_id, path, catalog_key, content_hash, size, mtime_ms, width, height, taken_at, title, status, error, created_at, updated_at FROM items ORDER BY id').all();
  old.close();

  const store = Store.open(file);
  t.after(() => store.close());
  assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
  assert.equal(store.integrityCheck(), 'ok');
  const db = new BetterSqlite3(file, { readonly: true });
  t.after(() => db.close());
  db.loadExtension(sqliteVec.getLoadablePath());
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  assert.deepEqual(
    db.prepare('SELECT id, kind, root_id, path, catalog_key, content_hash, size, mtime_ms, width, height, taken_at, title, status, error, created_at, updated_at FROM items ORDER BY id').all(),
    itemsBefore,
    'every item keeps every column it had',
  );
  // Products: the user's fields only in attributes; Semblance's own facts in their columns.
  const toaster = store.itemDetail(4);
  assert.deepEqual(toaster.fields, { name: 'Toaster', category: 'toaster', price: 39 });
  assert.equal(toaster.catalog, 'shop');
  assert.equal(toaster.path, '/home/me/shop/t.png');
  assert.deepEqual(toaster.labels, [{ set: 'kinds', label: 'kitchen', confidence: 0.7 }]);
  assert.deepEqual(toaster.spaces, ['clip', 'text']);
  assert.equal(store.itemDetail(5).error, 'image k.png not found next to the catalog');
  assert.deepEqual(store.catalogItems('shop'), new Map([['shop:T1', { id: 4, rowHash: 'abc' }], ['shop:K1', { id: 5, rowHash: 'def' }]]));
  assert.deepEqual(store.picture(4), { kind: 'product', file: '/home/me/shop/t.png', contentHash: null, catalogFolder: '/home/me/shop' });
  // Photos: the caption moved to its column; nothing else was in their attributes.
  assert.deepEqual(db.prepare('SELECT id, caption, attributes FROM items WHERE kind = ? ORDER BY id').all('photo'), [
    { id: 1, caption: 'Dog at the beach', attributes: null },
    { id: 2, caption: null, attributes: null },
    { id: 3, caption: null, attributes: null },
  ]);
  assert.deepEqual(store.itemDetail(1).labels, [
    { set: '', label: 'favourite', confidence: 1 },
    { set: 'pets', label: 'dog', confidence: 0.9 },
  ]);
  // Vectors, their generations and the spaces' models are as they were.
  assert.deepEqual(store.spaceModel('clip'), { space: 'clip', modelId: 'test/clip@fp32', dims: 4, generation: 2 });
  const current = store.readVectors('clip', [1, 2, 4]);
  assert.deepEqual([...current.keys()], [1, 4], 'the stale vector stays out');
  assert.deepEqual([...(current.get(4) ?? [])], [0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(
    store.spaces().map((s) => [s.space, s.vectors, s.stale]),
    [
      ['clip', 2, 1],
      ['visual', 0, 0],
      ['text', 1, 0],
      ['colour', 0, 0],
    ],
  );
  assert.deepEqual(store.getSetting('library'), { threads: 2, excludedFolders: ['/home/me/Pictures/private'] });
  // Removing an item still removes its vectors (the vec0 triggers and the spaces table survived the swap).
  store.removeItems([4]);
  assert.equal(db.prepare('SELECT count(*) FROM vec_text').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM labels WHERE item_id = 4').pluck().get(), 0);
});

test('migration 6 gives catalogs imported before it a row with their columns, and filters by role still read their fields', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
  old.exec(`
    INSERT INTO items (id, kind, catalog_key, title, attributes, catalog, catalog_folder, row_id, status, created_at, updated_at) VALUES
      (1, 'product', 'shop:T1', 'Toaster', '{"name":"Toaster","category":"toaster","price":39}', 'shop', '/home/me/shop', 'T1', 'ok', 1, 1),
      (2, 'product', 'shop:K1', 'Kettle', '{"name":"Kettle","category":"kettle","price":"$30.00","material":"steel"}', 'shop', '/home/me/shop', 'K1', 'ok', 1, 1);
  `);
  old.close();
  const store = Store.open(file);
  t.after(() => store.close());
  assert.equal(store.schemaVersion(), LATEST_SCHEMA_VERSION);
  const [shop] = store.catalogs();
  assert.deepEqual({ ...shop, columns: [...(shop?.columns ?? [])].sort() }, {
    name: 'shop',
    file: '/home/me/shop',
    mapping: null,
    columns: ['category', 'material', 'name', 'price'],
    summary: null,
    importedAt: 0,
  });
  // No role values were kept then: a role reads the column of its name.
  assert.deepEqual(store.filterItemIds({ where: [{ field: 'category', op: '=', value: 'Toaster' }] }), [1]);
  assert.deepEqual(store.filterItemIds({ where: [{ field: 'price', op: '<=', value: 30 }] }), [2]);
});

test('migration 12 adds perceptual hashes by content hash, on top of a version-11 library', (t) => {
  const file = path.join(tempDir(t), 'library.db');
  openDatabase(file, { migrations: MIGRATIONS.slice(0, 11) }).close();
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 12) });
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), 12);
  const insert = db.prepare('INSERT INTO picture_hashes (content_hash, hashes) VALUES (?, ?)');
  insert.run('abc', '0123456789abcdef'.repeat(4));
  assert.throws(() => insert.run('short', '0123'), /CHECK constraint failed/);
  assert.throws(() => insert.run('abc', 'f'.repeat(64)), /UNIQUE constraint failed|PRIMARY KEY/);
});
