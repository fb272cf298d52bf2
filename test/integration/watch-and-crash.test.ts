import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { IndexSummary } from '../../preload/contract.js';
import { ChangeCoalescer } from '../../main/engine/library/change-coalescer.js';
import { Engine } from '../../main/engine/engine.js';
import { tempDir } from '../helpers/temp-dir.js';
import { checkIntegrity, libraryEngine, snapshot, writePhotos, type ItemSnapshot } from '../helpers/library.js';
import { testModelEnv } from '../helpers/test-models.js';
import { peek } from '../helpers/peek.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('coalescing follows the editor rules', () => {
  const c = new ChangeCoalescer();
  c.add('/p/a.jpg', 'added');
  c.add('/p/a.jpg', 'deleted'); // created and gone: nothing
  c.add('/p/b.jpg', 'deleted');
  c.add('/p/b.jpg', 'added'); // replaced: a change
  c.add('/p/c.jpg', 'added');
  c.add('/p/c.jpg', 'changed'); // still new
  c.add('/p/d.jpg', 'changed');
  c.add('/p/d.jpg', 'deleted'); // gone
  c.add('/p/old/e.jpg', 'changed');
  c.add('/p/old', 'deleted', true); // the folder's children go with it
  assert.deepEqual(c.take(), { changed: ['/p/b.jpg', '/p/c.jpg'], deleted: ['/p/d.jpg', '/p/old'] });
  assert.equal(c.size, 0);
});

test('the watcher indexes a file copied in once it is complete, and drops deleted ones', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const [first] = await writePhotos(photos, 4);
  await writePhotos(path.join(dir, 'outside'), 1, 'incoming', 100);
  const engine = libraryEngine(t, dir);
  const applied: IndexSummary[] = [];
  const session = await engine.watch([photos], { onApplied: (s) => applied.push(s) });
  t.after(() => session.close());
  assert.equal(session.initial?.counts.done, 4);

  // Copy a file in slowly, in pieces; it is indexed once, complete.
  const source = fs.readFileSync(path.join(dir, 'outside', 'incoming-0100.jpg'));
  const target = path.join(photos, 'copied-in.jpg');
  const pieces = 4;
  for (let i = 0; i < pieces; i++) {
    fs.appendFileSync(target, source.subarray(Math.floor((i * source.length) / pieces), Math.floor(((i + 1) * source.length) / pieces)));
    await sleep(250);
  }
  fs.rmSync(first as string);
  const settled = (): boolean =>
    peek(engine).prepare("SELECT count(*) FROM items WHERE path = ? AND status = 'ok'").pluck().get(target) === 1 &&
    peek(engine).prepare('SELECT count(*) FROM items WHERE path = ?').pluck().get(first) === 0;
  for (let waited = 0; waited < 10_000 && !settled(); waited += 100) await sleep(100);
  await sleep(300);
  const item = peek(engine).prepare('SELECT status, size FROM items WHERE path = ?').get(target) as { status: string; size: number };
  assert.deepEqual(item, { status: 'ok', size: source.length });
  assert.equal(applied.reduce((n, s) => n + s.counts.done, 0), 1, 'embedded once');
  assert.equal(applied.reduce((n, s) => n + s.counts.failed, 0), 0, 'never seen half-written');
  assert.equal(peek(engine).prepare('SELECT count(*) FROM items WHERE path = ?').pluck().get(first), 0);
});

/** Items committed so far, read by a separate connection (WAL lets it read while the CLI writes). */
function committedCount(db: string): number {
  if (!fs.existsSync(db)) return 0;
  try {
    const reader = new BetterSqlite3(db, { readonly: true, fileMustExist: true });
    try {
      return reader.prepare('SELECT count(*) FROM items').pluck().get() as number;
    } finally {
      reader.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

/**
 * Runs `semblance index` to the end (killAfterCommit null), or kills it with SIGKILL a few
 * milliseconds after it has committed something new: every kill lands in the middle of work.
 */
function indexProcess(db: string, folder: string, env: NodeJS.ProcessEnv, killAfterCommit: number | null): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const before = committedCount(db);
    const child = spawn(process.execPath, [bin, '--db', db, 'index', folder], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const poll =
      killAfterCommit === null
        ? undefined
        : setInterval(() => {
            if (committedCount(db) > before) {
              clearInterval(poll);
              setTimeout(() => child.kill('SIGKILL'), killAfterCommit);
            }
          }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve(code);
    });
  });
}

test('killed with SIGKILL twenty times while indexing, the library ends complete, consistent, each file once', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 250, 'photo', 0, { width: 320, height: 240 });
  const db = path.join(dir, 'data', 'library.db');
  const env = { ...testModelEnv(path.join(dir, 'models')), SEMBLANCE_DTYPE: 'fp32' };
  let random = 7;
  const committed = new Map<string, ItemSnapshot>();
  let interrupted = 0;
  for (let round = 0; round < 20; round++) {
    random = (random * 1103515245 + 12345) >>> 0;
    await indexProcess(db, photos, env, random % 40);
    if (!fs.existsSync(db)) continue;
    const engine = Engine.open({ databaseFile: db, env });
    const health = checkIntegrity(engine);
    assert.deepEqual(health, { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 }, `after kill ${round + 1}`);
    const now = snapshot(engine);
    if (now.size > committed.size && now.size < 250) interrupted++;
    for (const [file, item] of now) {
      const before = committed.get(file);
      // What was committed stays as it was: same item, never embedded again.
      if (before) assert.deepEqual(item, before, `${file} after kill ${round + 1}`);
      else committed.set(file, item);
    }
    await engine.close();
  }
  assert.equal(await indexProcess(db, photos, env, null), 0);
  const engine = Engine.open({ databaseFile: db, env });
  t.after(() => engine.close());
  assert.deepEqual(checkIntegrity(engine), { integrity: 'ok', orphanVectors: 0, itemsMissingVectors: 0 });
  const final = snapshot(engine);
  assert.equal(final.size, 250, 'every file once');
  assert.ok([...final.values()].every((item) => item.status === 'ok'));
  for (const [file, item] of committed) assert.deepEqual(final.get(file), item, `${file} was not embedded twice`);
  t.diagnostic(`${interrupted} of 20 kills landed in the middle of indexing`);
  assert.ok(interrupted >= 5, `${interrupted} kills landed in the middle of indexing`);
});
