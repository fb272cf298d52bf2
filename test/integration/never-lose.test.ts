import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../main/engine/engine.js';
import { canMount, mounts } from '../helpers/mounts.js';
import { libraryEngine, snapshot, writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

/** Copies photos keeping their times, as a backup restored onto a drive would. */
function restore(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a drive mounted inside a library folder: unmounted, its photos turn offline (not removed); mounted again, they are back with their ids', { skip: canMount() ?? false }, async (t) => {
  const m = mounts(t); // first: unmounted before the temporary folder is removed
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  const drive = path.join(library, 'Camera-SD');
  const backup = path.join(dir, 'backup');
  await writePhotos(library, 3, 'home');
  m.mount(drive);
  await writePhotos(path.join(drive, 'DCIM'), 15, 'sd', 10);
  restore(drive, backup);
  const engine = libraryEngine(t, dir);
  const first = await engine.index({ paths: [library] });
  assert.equal(first.counts.done, 18);
  const before = snapshot(engine);
  engine.store.setLabels(engine.store.itemIdByPath(path.join(drive, 'DCIM', 'sd-0010.jpg')) as number, '', [{ label: 'holiday', confidence: 1 }]);
  assert.deepEqual(engine.store.itemDetail(engine.store.itemIdByPath(path.join(drive, 'DCIM', 'sd-0010.jpg')) as number).labels.map((l) => l.label), ['holiday']);

  m.unmount(drive); // the empty mount point stays
  for (const confirmRemovals of [false, true]) {
    const away = await engine.index({ confirmRemovals });
    assert.deepEqual([away.counts.removed, away.awaitingConfirmation.length], [0, 0], 'nothing unreachable is removed, confirmed or not');
  }
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 3, error: 0, offline: 15 });
  assert.equal((await engine.status()).roots[0]?.online, true, 'the folder itself is there');

  m.mount(drive); // a new tmpfs: another device number, as after a reboot
  restore(backup, drive);
  const back = await engine.index({});
  assert.deepEqual([back.counts.done, back.counts.removed], [0, 0], 'nothing re-embedded');
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 18, error: 0, offline: 0 });
  assert.deepEqual([...snapshot(engine)].map(([p, s]) => [p, s.id]), [...before].map(([p, s]) => [p, s.id]));
  const tagged = engine.store.itemIdByPath(path.join(drive, 'DCIM', 'sd-0010.jpg')) as number;
  assert.deepEqual(
    engine.store.itemDetail(tagged).labels.map((l) => l.label),
    ['holiday'],
    'its tags are kept',
  );

  // A file deleted from a drive that is there is removed, as before.
  fs.rmSync(path.join(drive, 'DCIM', 'sd-0011.jpg'));
  const deleted = await engine.index({});
  assert.equal(deleted.counts.removed, 1);
});

test('a library folder that is itself a mount point: unmounted, it is offline, and even --confirm-removals deletes nothing', { skip: canMount() ?? false }, async (t) => {
  const m = mounts(t);
  const dir = tempDir(t);
  const root = path.join(dir, 'NAS');
  const backup = path.join(dir, 'backup');
  m.mount(root);
  await writePhotos(path.join(root, '2024'), 6);
  await writePhotos(root, 4, 'top', 20);
  restore(root, backup);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [root] });

  m.unmount(root);
  const away = await engine.index({ confirmRemovals: true });
  assert.deepEqual([away.counts.removed, away.counts.offline], [0, 10]);
  assert.match(away.problems.map((p) => p.reason).join('\n'), /not mounted/);
  assert.equal((await engine.status()).roots[0]?.online, false);
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 0, error: 0, offline: 10 });

  m.mount(root);
  restore(backup, root);
  const back = await engine.index({});
  assert.deepEqual([back.counts.done, back.counts.removed, back.counts.skipped], [0, 0, 10]);
  assert.equal((await engine.status()).roots[0]?.online, true);
});

test('a folder gone as a whole turns offline; a file gone from a folder that is there is removed', async (t) => {
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  await writePhotos(path.join(library, 'Trip'), 5, 'trip');
  await writePhotos(library, 10, 'home', 10);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [library] });
  fs.renameSync(path.join(library, 'Trip'), path.join(dir, 'Trip-elsewhere'));
  fs.rmSync(path.join(library, 'home-0010.jpg'));
  const summary = await engine.index({});
  assert.deepEqual([summary.counts.offline, summary.counts.removed], [5, 1]);
  fs.renameSync(path.join(dir, 'Trip-elsewhere'), path.join(library, 'Trip'));
  const back = await engine.index({});
  assert.deepEqual([back.counts.done, back.counts.skipped], [0, 14]);
  assert.deepEqual(engine.store.countItems().byStatus, { ok: 14, error: 0, offline: 0 });
});

test('Semblance never indexes itself: its data folder inside a library folder (as on macOS and Windows) gives no items, run after run', async (t) => {
  const home = tempDir(t);
  const data = path.join(home, 'Library', 'Application Support', 'semblance');
  await writePhotos(path.join(home, 'Pictures'), 5);
  const engine = Engine.open({
    databaseFile: path.join(data, 'library.db'),
    env: testModelEnv(path.join(data, 'models')),
    pool: { size: 1, threads: 1 },
  });
  t.after(() => engine.close());
  for (let run = 0; run < 3; run++) {
    const summary = await engine.index({ paths: [home] });
    assert.equal(summary.counts.found, 5, `run ${run + 1} finds the 5 photos only`);
  }
  assert.ok(fs.readdirSync(path.join(data, 'thumbnails')).length > 0, 'thumbnails were made');
  assert.equal(engine.store.countItems().total, 5);
  await assert.rejects(engine.index({ paths: [path.join(data, 'thumbnails')] }), /Semblance's own data/);
});

test('only real files are read: /proc is never walked into, / is refused, pseudo-files are skipped, huge or empty files are not read', async (t) => {
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  await writePhotos(library, 2);
  fs.symlinkSync('/proc/self/pagemap', path.join(library, 'pagemap.jpg'));
  fs.symlinkSync('/proc/self', path.join(library, 'proc-link'));
  fs.writeFileSync(path.join(library, 'empty.jpg'), '');
  // 8 GB of nothing, named .jpg: refused by its first bytes in no time
  const sparse = path.join(library, 'sparse.jpg');
  fs.closeSync(fs.openSync(sparse, 'w'));
  fs.truncateSync(sparse, 8 * 1024 ** 3);
  const zeros = path.join(library, 'zeros.jpg');
  fs.closeSync(fs.openSync(zeros, 'w'));
  fs.truncateSync(zeros, 1024 ** 3);
  const engine = libraryEngine(t, dir);
  await assert.rejects(engine.index({ paths: ['/'] }), /folder of the operating system/);
  await assert.rejects(engine.index({ paths: ['/proc'] }), /folder of the operating system/);

  const started = performance.now();
  const summary = await engine.index({ paths: [library] });
  const seconds = (performance.now() - started) / 1000;
  assert.ok(seconds < 30, `indexing took ${seconds.toFixed(1)} s`);
  assert.equal(summary.counts.done, 2);
  const reasons = Object.fromEntries((await engine.errors({ limit: 100 })).errors.map((e) => [path.basename(e.path ?? ''), e.reason]));
  assert.deepEqual(reasons, {
    'empty.jpg': 'the file is empty',
    'sparse.jpg': 'the file is too large (8.0 GB; the limit is 2 GB)',
    'zeros.jpg': 'not an image format Semblance can read',
  });
  assert.equal(engine.store.countItems().total, 5, 'nothing from /proc');
  assert.match(summary.problems.map((p) => `${p.path}: ${p.reason}`).join('\n'), /proc-link: a system folder/);
});

test('hashing stops when the job is cancelled: cancel does not wait for a long read', async (t) => {
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  await writePhotos(library, 1);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [library] });
  // 2 GB that start like a JPEG: they pass the checks and must be read whole to be hashed
  const big = path.join(library, 'big.jpg');
  fs.writeFileSync(big, Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  fs.truncateSync(big, 2 * 1024 ** 3 - 1);
  const running = engine.index({});
  await until(() => engine.currentJob()?.progress().current === big, 10_000, 'the big file to be read');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const cancelledAt = performance.now();
  engine.currentJob()?.cancel();
  const cancelled = await running;
  const waited = performance.now() - cancelledAt;
  assert.equal(cancelled.state, 'cancelled');
  assert.ok(waited < 1500, `cancel waited ${waited.toFixed(0)} ms for the read`);
  assert.equal(engine.store.itemIdByPath(big), undefined, 'an interrupted read is not an error of the file');
});

test('a failed file is read again once its permission is fixed (ctime), and on an explicit retry', async (t) => {
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  const [photo] = await writePhotos(library, 2);
  const engine = libraryEngine(t, dir);
  // A file that fails now and reads fine later without a change of size or mtime: a damaged
  // copy replaced by the good one with the same size and time (as a permission fix leaves both).
  const good = fs.readFileSync(photo as string);
  const stat = fs.statSync(photo as string);
  fs.writeFileSync(photo as string, Buffer.alloc(good.length, 0));
  fs.utimesSync(photo as string, stat.atime, stat.mtime);
  const first = await engine.index({ paths: [library] });
  assert.equal(first.counts.failed, 1);
  const unchanged = await engine.index({});
  assert.deepEqual([unchanged.counts.failed, unchanged.counts.skipped], [0, 2], 'unchanged: not read again');

  fs.writeFileSync(photo as string, good);
  fs.utimesSync(photo as string, stat.atime, stat.mtime); // same size, same mtime; only ctime moved
  const healed = await engine.index({});
  assert.deepEqual([healed.counts.done, healed.counts.failed], [1, 0]);
  assert.equal(engine.store.countItems().byStatus.error, 0);

  // The explicit retry reads a failed file even when nothing about it changed.
  const broken = path.join(library, 'broken.jpg');
  fs.writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
  await engine.index({});
  assert.equal(engine.store.countItems().byStatus.error, 1);
  const skipped = await engine.index({});
  assert.equal(skipped.counts.failed, 0);
  const retried = await engine.retryErrors({});
  assert.equal(retried.counts.failed, 1, 'read again (and still broken)');
  await assert.rejects(engine.retryErrors({ ids: [999_999] }), /None of these items/);
});

test('a file name that is not UTF-8 is indexed by its bytes, shown escaped, and found again unchanged', { skip: process.platform === 'linux' ? false : 'only Linux file names are free bytes' }, async (t) => {
  const dir = tempDir(t);
  const library = path.join(dir, 'Pictures');
  const [photo] = await writePhotos(library, 2);
  const latin1 = Buffer.concat([Buffer.from(library), Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.jpg')]);
  const folder = Buffer.concat([Buffer.from(library), Buffer.from('/R'), Buffer.from([0xe9, 0x73]), Buffer.from('umé')]);
  fs.renameSync(photo as string, latin1);
  fs.mkdirSync(folder);
  fs.copyFileSync(path.join(library, 'photo-0001.jpg'), Buffer.concat([folder, Buffer.from('/inside.jpg')]));
  const engine = libraryEngine(t, dir);
  const first = await engine.index({ paths: [library] });
  assert.deepEqual([first.counts.found, first.counts.done + first.counts.copied, first.counts.failed], [3, 3, 0]);
  const second = await engine.index({});
  assert.deepEqual([second.counts.skipped, second.counts.removed, second.counts.failed], [3, 0, 0], 'never "gone" on the next run');
  const shown = [...snapshot(engine).keys()].sort();
  assert.ok(shown.includes(`${library}/caf\\xE9.jpg`), shown.join('\n'));
  assert.ok(shown.includes(`${library}/R\\xE9sumé/inside.jpg`), shown.join('\n'));
  // moved under a UTF-8 name: the same item
  const id = engine.store.itemIdByPath(`${library}/caf\\xE9.jpg`);
  fs.renameSync(latin1, path.join(library, 'café.jpg'));
  const moved = await engine.index({});
  assert.equal(moved.counts.moved, 1);
  assert.equal(engine.store.itemIdByPath(path.join(library, 'café.jpg')), id);
});

test('`semblance watch` survives its folder being unmounted: it says so, stays up, and indexes a new file when the folder is back', { skip: canMount() ?? false }, async (t) => {
  const m = mounts(t);
  const dir = tempDir(t);
  const root = path.join(dir, 'Drive');
  const backup = path.join(dir, 'backup');
  m.mount(root);
  await writePhotos(root, 3);
  restore(root, backup);
  const db = path.join(dir, 'library.db');
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const child = spawn(process.execPath, [bin, '--db', db, 'watch', root, '--check-every', '0.2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  t.after(() => child.kill('SIGKILL'));
  await until(() => stderr.includes('Watching'), 60_000, 'the watch to start');

  m.unmount(root);
  await until(() => stderr.includes('cannot be reached'), 10_000, 'the unmount to be noticed');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(exited, null, `watch must stay up; it said:\n${stderr}`);

  m.mount(root);
  restore(backup, root);
  await writePhotos(root, 1, 'new', 50);
  await until(() => /4 files found, 1 embedded, 3 unchanged/.test(stderr), 20_000, 'the new file to be indexed on return');
  assert.match(stderr, /checked again/);
  child.kill('SIGINT');
  await until(() => exited !== null, 10_000, 'watch to stop');
  assert.match(stderr, /Stopped watching/);
});
