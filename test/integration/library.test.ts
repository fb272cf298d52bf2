import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Engine, poolForThreads } from '../../main/engine/engine.js';
import { scanFolder } from '../../main/engine/library/scan-folder.js';
import { tempDir } from '../helpers/temp-dir.js';
import { checkIntegrity, libraryEngine, snapshot, writePhotos } from '../helpers/library.js';
import { DEBIAN_PHOTOS, testModelEnv } from '../helpers/test-models.js';
import { peek } from '../helpers/peek.js';

const cliBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

test('a first index embeds every photo with a thumbnail; a second one reads nothing', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 20);
  await writePhotos(path.join(photos, 'holiday', '2024'), 5, 'beach', 100);
  fs.writeFileSync(path.join(photos, '.DS_Store'), 'mac clutter');
  fs.writeFileSync(path.join(photos, '._photo-0000.jpg'), 'resource fork');
  fs.writeFileSync(path.join(photos, 'Thumbs.db'), 'windows clutter');
  fs.writeFileSync(path.join(photos, 'notes.txt'), 'not a photo');
  const engine = libraryEngine(t, dir);

  const first = await engine.index({ paths: [photos] });
  assert.equal(first.state, 'done');
  assert.deepEqual([first.counts.found, first.counts.done, first.counts.failed], [25, 25, 0]);
  const thumbs = fs.readdirSync(path.join(dir, 'data', 'thumbnails'), { recursive: true }).filter((f) => String(f).endsWith('.webp'));
  assert.equal(thumbs.length, 25);
  const thumb = await sharp(path.join(dir, 'data', 'thumbnails', String(thumbs[0]))).metadata();
  assert.ok((thumb.width ?? 0) <= 320 && (thumb.height ?? 0) <= 320 && thumb.format === 'webp');

  const before = snapshot(engine);
  const second = await engine.index({});
  assert.deepEqual([second.counts.found, second.counts.skipped, second.counts.done], [25, 25, 0]);
  assert.deepEqual(snapshot(engine), before, 'nothing rewritten');
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('a moved or renamed file keeps its item, vectors and labels; a copy shares vectors; a change re-embeds', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const [a, b] = await writePhotos(photos, 3);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [photos] });
  const idOf = (file: string): number => peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(file) as number;
  const aId = idOf(a as string);
  engine.store.setLabels(aId, '', [{ label: 'favourite', confidence: 1 }]);
  const aVectors = engine.store.readVectors('clip', [aId]).get(aId);

  fs.mkdirSync(path.join(photos, 'sorted'));
  const moved = path.join(photos, 'sorted', 'renamed.jpg');
  fs.renameSync(a as string, moved);
  fs.copyFileSync(b as string, path.join(photos, 'copy-of-b.jpg'));
  const summary = await engine.index({});
  assert.deepEqual([summary.counts.moved, summary.counts.copied, summary.counts.done, summary.counts.removed], [1, 1, 0, 0]);
  assert.equal(idOf(moved), aId);
  assert.deepEqual(engine.store.readVectors('clip', [aId]).get(aId), aVectors);
  assert.equal(peek(engine).prepare('SELECT label FROM labels WHERE item_id = ?').pluck().get(aId), 'favourite');
  const copyId = idOf(path.join(photos, 'copy-of-b.jpg'));
  assert.deepEqual(engine.store.readVectors('visual', [copyId]).get(copyId), engine.store.readVectors('visual', [idOf(b as string)]).get(idOf(b as string)));

  // The same path with new content: the same item, new vectors.
  await sharp(path.join(DEBIAN_PHOTOS, 'coffee.png')).jpeg().toFile(`${moved}.tmp`);
  fs.renameSync(`${moved}.tmp`, moved);
  const changed = await engine.index({});
  assert.equal(changed.counts.done, 1);
  assert.equal(idOf(moved), aId);
  assert.notDeepEqual(engine.store.readVectors('clip', [aId]).get(aId), aVectors);
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('an unplugged folder turns offline with nothing deleted, and comes back without re-embedding', async (t) => {
  const dir = tempDir(t);
  const drive = path.join(dir, 'USB-DRIVE');
  await writePhotos(drive, 12);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [drive] });
  const vectorsBefore = engine.store.readVectors('clip', engine.store.filterItemIds({}));
  const before = snapshot(engine);

  fs.renameSync(drive, path.join(dir, 'elsewhere'));
  const away = await engine.index({});
  assert.deepEqual([away.counts.offline, away.counts.removed], [12, 0]);
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 0, error: 0, offline: 12 });
  assert.equal((await engine.status()).roots[0]?.online, false);

  fs.renameSync(path.join(dir, 'elsewhere'), drive);
  const back = await engine.index({});
  assert.deepEqual([back.counts.skipped, back.counts.done, back.counts.removed], [12, 0, 0]);
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 12, error: 0, offline: 0 });
  assert.deepEqual(engine.store.readVectors('clip', engine.store.filterItemIds({})), vectorsBefore);
  assert.deepEqual([...snapshot(engine).values()].map((s) => s.id), [...before.values()].map((s) => s.id));
});

test('when more than 20% of a folder vanishes at once, removals wait for confirmation', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const files = await writePhotos(photos, 10);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [photos] });

  fs.rmSync(files[0] as string); // 10%: removed right away
  assert.equal((await engine.index({})).counts.removed, 1);

  for (const file of files.slice(1, 4)) fs.rmSync(file); // 3 of 9: a third
  const held = await engine.index({});
  assert.equal(held.counts.removed, 0);
  assert.deepEqual(held.awaitingConfirmation, [{ root: photos, count: 3 }]);
  assert.equal(engine.store.countItems().total, 9);

  const confirmed = await engine.index({ confirmRemovals: true });
  assert.equal(confirmed.counts.removed, 3);
  assert.equal(engine.store.countItems().total, 6);
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
});

test('scanning follows symbolic links without looping and skips hidden and system files', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(path.join(photos, 'a'), 2);
  fs.symlinkSync(photos, path.join(photos, 'a', 'loop')); // a folder that contains itself
  fs.symlinkSync(path.join(photos, 'missing'), path.join(photos, 'dangling.jpg'));
  fs.mkdirSync(path.join(photos, '.git'));
  await writePhotos(path.join(photos, '.git'), 1);
  const { files, problems } = await scanFolder(photos);
  assert.deepEqual(files.map((f) => path.relative(photos, f.path)).sort(), ['a/photo-0000.jpg', 'a/photo-0001.jpg']);
  assert.deepEqual(problems, []);
});

test('an unreadable folder is reported and keeps its items', async (t) => {
  // Permissions do not stop root, so as root the indexer runs as the user "nobody".
  const asRoot = process.getuid?.() === 0;
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(path.join(photos, 'private'), 3);
  await writePhotos(photos, 2, 'public', 100);
  const db = path.join(dir, 'data', 'library.db');
  fs.mkdirSync(path.dirname(db));
  if (asRoot) {
    for (const p of [dir, photos, path.join(photos, 'private')]) fs.chmodSync(p, 0o755);
    fs.chmodSync(path.dirname(db), 0o777);
  }
  const index = (): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [cliBin, '--db', db, 'index', photos], {
      encoding: 'utf8',
      env: { ...process.env, ...testModelEnv(path.join(dir, 'models')), HOME: dir },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
  const first = index();
  if (asRoot && first.status !== 0 && /EACCES|permission denied/i.test(first.stderr)) {
    t.skip(`running as root, and the user "nobody" cannot read this checkout: ${first.stderr.split('\n')[0]}`);
    return;
  }
  assert.equal(first.status, 0, first.stderr);
  fs.chmodSync(path.join(photos, 'private'), 0o000);
  let second: SpawnSyncReturns<string>;
  try {
    second = index();
  } finally {
    fs.chmodSync(path.join(photos, 'private'), 0o755); // so the temporary folder can be removed
  }
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /Could not read .*private: cannot read the folder: permission denied/);
  assert.match(second.stdout, /0 removed/);
  const engine = libraryEngine(t, dir);
  assert.equal(engine.store.countItems().total, 5, 'the unreadable folder keeps its photos');
});

test('a folder of 200 broken files gives 200 error rows with reasons, and no crash', async (t) => {
  const dir = tempDir(t);
  const bad = path.join(dir, 'broken');
  fs.mkdirSync(bad);
  const jpeg = await sharp(path.join(DEBIAN_PHOTOS, 'coffee.png')).jpeg().toBuffer();
  const png = fs.readFileSync(path.join(DEBIAN_PHOTOS, 'horse.png'));
  for (let i = 0; i < 200; i++) {
    const kind = i % 5;
    const name = path.join(bad, `bad-${i}.${kind === 3 ? 'png' : 'jpg'}`);
    if (kind === 0) fs.writeFileSync(name, ''); // empty
    else if (kind === 1) fs.writeFileSync(name, jpeg.subarray(0, 200 + i * 7)); // truncated
    else if (kind === 2) fs.writeFileSync(name, `this is not an image ${i}`); // text
    else if (kind === 3) fs.writeFileSync(name, Buffer.concat([png.subarray(0, 33), Buffer.alloc(100 + i, 0xff)])); // PNG header, garbage
    else fs.writeFileSync(name, Buffer.from(Array.from({ length: 500 + i }, (_, j) => (j * 131 + i) % 256))); // noise
  }
  await writePhotos(bad, 2, 'good', 500);
  const engine = libraryEngine(t, dir);
  const summary = await engine.index({ paths: [bad] });
  assert.equal(summary.state, 'done');
  assert.deepEqual([summary.counts.found, summary.counts.failed, summary.counts.done], [202, 200, 2]);
  const errors = peek(engine).prepare("SELECT error FROM items WHERE status = 'error'").pluck().all() as string[];
  assert.equal(errors.length, 200);
  assert.ok(errors.every((reason) => /damaged|not an image format|empty|cannot decode/.test(reason)), errors.find((r) => !/damaged|not an image|empty|cannot decode/.test(r)));
  // Broken files that did not change are not retried on the next index.
  const again = await engine.index({});
  assert.deepEqual([again.counts.skipped, again.counts.failed], [202, 0]);
});

test('an index job can be paused, resumed and cancelled, and reports progress with an ETA', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 250, 'photo', 0, { width: 200, height: 150 });
  const progress: { state: string; handled: number; eta: number | null }[] = [];
  const { Engine } = await import('../../main/engine/engine.js');
  const engine = Engine.open({
    databaseFile: path.join(dir, 'data', 'library.db'),
    env: testModelEnv(path.join(dir, 'models')),
    pool: { size: 1, threads: 1, batchSize: 4 },
    onIndexProgress: (p) => progress.push({ state: p.state, handled: p.counts.done + p.counts.failed, eta: p.etaSeconds }),
  });
  t.after(() => engine.close());
  const running = engine.index({ paths: [photos] });
  while (!progress.some((p) => p.handled > 0)) await new Promise((resolve) => setTimeout(resolve, 5));
  engine.currentJob()?.pause();
  // Batches already in flight finish; then nothing more is written while paused.
  let whilePaused = -1;
  while (whilePaused !== engine.store.countItems().total) {
    whilePaused = engine.store.countItems().total;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(engine.store.countItems().total, whilePaused, 'nothing is written while paused');
  assert.ok(whilePaused < 250, 'paused before the end');
  assert.ok(progress.some((p) => p.state === 'paused'));
  engine.currentJob()?.resume();
  while (engine.store.countItems().total < whilePaused + 1) await new Promise((resolve) => setTimeout(resolve, 5));
  engine.currentJob()?.cancel();
  const summary = await running;
  assert.equal(summary.state, 'cancelled');
  const written = engine.store.countItems().total;
  assert.ok(written > whilePaused && written < 250, `${written} written before cancelling`);
  assert.equal(summary.counts.done, written);
  assert.ok(progress.some((p) => p.eta !== null && p.eta > 0), 'an ETA while running');
  // The next run finishes the rest without redoing anything.
  const rest = await engine.index({});
  assert.deepEqual([rest.counts.skipped, rest.counts.done], [written, 250 - written]);
});

test('an excluded folder is left out: its items go (no 20% guard), it is not scanned; threads set the workers', async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  await writePhotos(folder, 3, 'keep');
  await writePhotos(path.join(folder, 'private'), 4, 'private', 10);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  assert.equal(engine.store.countItems().total, 7);

  const settings = await engine.saveSettings({ excludedFolders: [path.join(folder, 'private')] });
  assert.deepEqual(settings.excludedFolders, [path.join(folder, 'private')]);
  const summary = await engine.index({});
  assert.equal(summary.counts.removed, 4, 'removed although more than 20% of the folder went');
  assert.deepEqual(summary.awaitingConfirmation, []);
  const paths = (peek(engine).prepare('SELECT path FROM items ORDER BY path').pluck().all() as string[]).map((p) => path.basename(p));
  assert.deepEqual(paths, ['keep-0000.jpg', 'keep-0001.jpg', 'keep-0002.jpg']);
  assert.deepEqual(
    (await scanFolder(folder, { excluded: [path.join(folder, 'private')] })).files.map((f) => path.basename(f.path)).sort(),
    ['keep-0000.jpg', 'keep-0001.jpg', 'keep-0002.jpg'],
  );

  // Back in: the folder is indexed again.
  await engine.saveSettings({ excludedFolders: [] });
  assert.equal((await engine.index({})).counts.done + 3, 7);

  // (libraryEngine fixes its pool for tests; an engine opened as the app opens it follows the setting.)
  const app = Engine.open({ databaseFile: path.join(dir, 'app', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  t.after(() => app.close());
  assert.equal((await app.settings()).threads, null);
  await app.saveSettings({ threads: 1 });
  const one = app.embedder();
  assert.deepEqual([one.size, one.threads], [1, 1]);
  await app.saveSettings({ threads: 2 });
  assert.notEqual(app.embedder(), one, 'new threads, new workers');
  const two = poolForThreads(2);
  assert.deepEqual([app.embedder().size, app.embedder().threads], [two.size, two.threads]);
  assert.equal((await app.settings()).threads, 2);
});
