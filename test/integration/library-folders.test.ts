import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../main/engine/engine.js';
import { UNDO_WINDOW_MS } from '../../main/engine/store/forgotten.js';
import { checkIntegrity, libraryEngine, snapshot, writePhotos } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

/** Pictures (4 photos) with animals (3) inside it. */
async function nestedFolders(dir: string): Promise<{ pictures: string; animals: string }> {
  const pictures = path.join(dir, 'Pictures');
  const animals = path.join(pictures, 'animals');
  await writePhotos(pictures, 4, 'trip');
  await writePhotos(animals, 3, 'cat', 50);
  return { pictures, animals };
}

test('a folder that holds a library folder takes it over: one entry, right counts, nothing embedded again', async (t) => {
  const dir = tempDir(t);
  const { pictures, animals } = await nestedFolders(dir);
  const engine = libraryEngine(t, dir);
  const first = await engine.index({ paths: [animals] });
  assert.equal(first.counts.done, 3);
  const catIds = snapshot(engine);

  const second = await engine.index({ paths: [pictures] });
  assert.deepEqual([second.counts.done, second.counts.copied, second.counts.skipped], [4, 0, 3], 'only the 4 new photos are embedded');
  const { roots, items } = await engine.status();
  assert.deepEqual(
    roots.map((r) => [r.path, r.items]),
    [[pictures, 7]],
  );
  assert.equal(items.total, 7);
  // The animals keep their items (same ids, same vectors).
  for (const [file, item] of catIds) assert.deepEqual(snapshot(engine).get(file), item);

  // Adding a folder inside a library folder adds no entry and reads nothing new.
  const third = await engine.index({ paths: [animals] });
  assert.equal(third.counts.done, 0);
  assert.deepEqual(
    (await engine.status()).roots.map((r) => r.path),
    [pictures],
  );
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('nested library folders left by an older version are merged when the library opens', async (t) => {
  const dir = tempDir(t);
  const { pictures, animals } = await nestedFolders(dir);
  const file = path.join(dir, 'data', 'library.db');
  {
    const engine = libraryEngine(t, dir);
    await engine.index({ paths: [animals] });
    // What older versions did: a second, outer entry beside the inner one.
    engine.store.addRoot(pictures);
    assert.equal((await engine.status()).roots.length, 2);
    await engine.close();
  }
  const reopened = Engine.open({ databaseFile: file, env: testModelEnv(path.join(dir, 'models')), pool: { size: 1, threads: 1 } });
  t.after(() => reopened.close());
  const { roots } = await reopened.status();
  assert.deepEqual(
    roots.map((r) => [r.path, r.items]),
    [[pictures, 3]],
  );
  assert.equal(peek(reopened).prepare('SELECT count(*) FROM roots').pluck().get(), 1);
});

test('forgetting a folder asks what it affects, takes it out, and undo brings it back as it was', async (t) => {
  const dir = tempDir(t);
  const { pictures } = await nestedFolders(dir);
  const other = path.join(dir, 'Other');
  await writePhotos(other, 2, 'dog', 90);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [pictures, other] });
  const before = snapshot(engine);
  const [catId] = [...before.values()].map((item) => item.id);
  engine.store.setLabels(catId as number, '', [{ label: 'favourite', confidence: 1 }]);
  engine.store.setLabels(catId as number, 'animals', [{ label: 'cat', confidence: 0.8 }]);

  const catVector = engine.store.readVectors('clip', [catId as number]).get(catId as number);
  const impact = await engine.folderImpact({ path: pictures });
  assert.deepEqual(impact, { path: pictures, photos: 7, tags: 1, labels: 1, albums: 0, undoHours: UNDO_WINDOW_MS / 3_600_000 });

  const forgotten = await engine.removeRoot({ path: pictures });
  assert.deepEqual([forgotten.forgot.path, forgotten.forgot.photos, forgotten.forgot.labels], [pictures, 7, 2]);
  assert.deepEqual(
    forgotten.roots.map((r) => r.path),
    [other],
  );
  assert.equal(forgotten.items.total, 2, 'only the other folder is left');
  assert.equal((await engine.browse({})).total, 2);
  const { results } = await engine.searchVectors({ terms: [{ space: 'clip', vector: Array.from(catVector as Float32Array), weight: 1 }], k: 50 });
  assert.deepEqual(
    results.map((r) => path.dirname(r.path ?? '')),
    [other, other],
    'no forgotten photo is found',
  );
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });

  const restored = await engine.restoreRoot({ id: forgotten.forgot.id });
  assert.deepEqual(
    restored.roots.map((r) => [r.path, r.items]).sort(),
    [
      [other, 2],
      [pictures, 7],
    ],
  );
  assert.deepEqual(restored.forgotten, []);
  assert.deepEqual(snapshot(engine), before, 'same items, same ids, same vectors');
  assert.deepEqual(
    engine.store.labelSets().map((set) => set.name),
    ['animals'],
  );
  assert.deepEqual((await engine.item({ id: catId as number })).labels.map((l) => l.label).sort(), ['cat', 'favourite']);
  const again = await engine.index({});
  assert.deepEqual([again.counts.done, again.counts.copied], [0, 0], 'nothing embedded again');
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('a forgotten folder can be dropped now, is dropped after the undo window, and never comes back twice', async (t) => {
  const dir = tempDir(t);
  const { pictures } = await nestedFolders(dir);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [pictures] });

  const first = await engine.removeRoot({ path: pictures });
  const purged = await engine.purgeForgotten({ id: first.forgot.id });
  assert.deepEqual(purged.forgotten, []);
  await assert.rejects(engine.restoreRoot({ id: first.forgot.id }), /No forgotten folder/);
  await assert.rejects(engine.removeRoot({ path: pictures }), /not a library folder/);

  // Indexed again (everything embedded anew: it was dropped), then forgotten and left.
  await engine.index({ paths: [pictures] });
  const second = await engine.removeRoot({ path: pictures });
  engine.services.library.tidyFolders(Date.now() + UNDO_WINDOW_MS + 1000);
  assert.deepEqual(engine.store.forgottenFolders(), []);
  await assert.rejects(engine.restoreRoot({ id: second.forgot.id }), /No forgotten folder/);
});

test('undo after the folder was added back keeps what is there and adds only what is missing', async (t) => {
  const dir = tempDir(t);
  const { pictures, animals } = await nestedFolders(dir);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [pictures] });
  const forgotten = await engine.removeRoot({ path: pictures });
  await engine.index({ paths: [animals] });
  const restored = await engine.restoreRoot({ id: forgotten.forgot.id });
  // The animals are in the library once; the trip photos come back under the folder that holds them now (animals does not).
  assert.equal(restored.items.total, 7);
  assert.deepEqual(
    restored.roots.map((r) => r.path).sort(),
    [pictures],
  );
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('a library folder as a tree: each subfolder with what lies in it and below', async (t) => {
  const dir = tempDir(t);
  const { pictures } = await nestedFolders(dir);
  await writePhotos(path.join(pictures, '2024', 'summer', 'beach'), 2, 'sea', 80);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [pictures] });
  const tree = await engine.folderTree({ path: pictures });
  const outline = (node: typeof tree, depth = 0): string[] => [`${'  '.repeat(depth)}${node.name} ${node.items}`, ...node.children.flatMap((child) => outline(child, depth + 1))];
  assert.deepEqual(outline(tree), ['Pictures 9', '  2024 2', '    summer 2', '      beach 2', '  animals 3']);
  const inside = await engine.browse({ folder: path.join(pictures, '2024') });
  assert.equal(inside.total, 2);
  await assert.rejects(engine.folderTree({ path: path.join(pictures, 'animals') }), /is not a library folder/);
});

test('forgetting runs as a job: a cancel while items are being kept changes nothing', async (t) => {
  const dir = tempDir(t);
  const pictures = path.join(dir, 'Pictures');
  const engine = libraryEngine(t, dir);
  engine.store.setSpaceModel('clip', 'test/clip', 8);
  const rootId = engine.store.addRoot(pictures);
  engine.store.writeItems(
    Array.from({ length: 2000 }, (_, i) => ({ item: { kind: 'photo' as const, path: path.join(pictures, `${i}.jpg`), rootId }, vectors: { clip: Array.from({ length: 8 }, (_, j) => Math.sin(i + j)) } })),
  );
  const forgetting = engine.removeRoot({ path: pictures });
  await new Promise((resolve) => setImmediate(resolve));
  const job = engine.jobs.running();
  assert.equal(job?.kind, 'forget-folder');
  job?.cancel();
  await assert.rejects(forgetting, /Forgetting .*Pictures was cancelled: nothing changed/);
  const status = await engine.status();
  assert.deepEqual([status.items.total, status.roots.length, status.forgotten.length], [2000, 1, 0]);
  assert.equal(peek(engine).prepare('SELECT count(*) FROM forgotten_items').pluck().get(), 0);

  // Done in full, it is undoable, and the undo is a job too.
  const done = await engine.removeRoot({ path: pictures });
  assert.equal(done.forgot.photos, 2000);
  assert.equal((await engine.status()).items.total, 0);
  const back = await engine.restoreRoot({ id: done.forgot.id });
  assert.equal(back.items.total, 2000);
  assert.equal(engine.store.readVectors('clip', [1]).size, 1);
});
