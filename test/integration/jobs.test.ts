import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { JobProgress } from '../../preload/contract.js';
import { runCli } from '../../main/cli/main.js';
import type { CliIo } from '../../main/cli/io.js';
import type { Engine } from '../../main/engine/engine.js';
import { libraryEngine } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

const WORDS = ['red toaster', 'blue kettle', 'green lamp', 'white mug', 'black chair', 'orange ball'];

/** A text-only catalog of `rows` products: fast to embed, long enough to cancel in the middle. */
function writeCatalog(dir: string, rows: number): string {
  const file = path.join(dir, 'many.csv');
  const lines = ['sku,name,category,price'];
  for (let i = 0; i < rows; i++) lines.push(`P${i},${WORDS[i % WORDS.length]} ${i},${WORDS[i % WORDS.length]?.split(' ')[1]},${10 + (i % 50)}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Cancels the first job of `kind` once it has reported some progress; records what it saw. */
function cancelWhenUnderway(engine: Engine, kind: JobProgress['kind']): JobProgress[] {
  const seen: JobProgress[] = [];
  let asked = false;
  engine.jobs.onProgress((progress) => {
    if (progress.kind !== kind) return;
    seen.push(progress);
    if (!asked && progress.state === 'running' && progress.done > 0 && progress.total !== null) {
      asked = true;
      void engine.jobControl({ id: progress.id, action: 'cancel' });
    }
  });
  return seen;
}

test('a catalog import is a job: progress in rows with a total and ETA, and a cancel keeps what was written and removes nothing', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const file = writeCatalog(dir, 600);
  const first = await engine.importCatalog({ file });
  assert.equal(first.state, 'done');
  assert.equal(first.added, 600);

  // A second, longer version: cancelled in the middle, the products read so far are updated
  // and the ones not read yet are still there (a cancel is not "they left the catalog").
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/,(\d+)\n/g, (_, p: string) => `,${Number(p) + 1}\n`));
  const seen = cancelWhenUnderway(engine, 'catalog-import');
  const cancelled = await engine.importCatalog({ file });
  assert.equal(cancelled.state, 'cancelled');
  assert.ok(cancelled.updated > 0 && cancelled.updated < 600, `updated ${cancelled.updated} of 600 before the cancel`);
  assert.equal(cancelled.removed, 0, 'nothing removed by a cancelled import');
  assert.equal(engine.store.countItems().byKind.product, 600);
  const running = seen.filter((p) => p.state === 'running' && p.done > 0);
  assert.ok(running.length > 0 && running.every((p) => p.total !== null && p.total >= 600 && p.unit === 'rows'), 'progress counts rows of a known total');
  assert.ok(running.some((p) => p.etaSeconds !== null), 'an ETA once the rate is known');
  assert.equal(seen.at(-1)?.state, 'cancelled');
  assert.deepEqual((await engine.progress()).jobs, [], 'nothing left running');

  // Done again: the rest is updated, and the cancelled run's rows are unchanged now.
  const again = await engine.importCatalog({ file });
  assert.equal(again.state, 'done');
  assert.equal(again.updated + again.unchanged, 600);
  assert.equal(again.unchanged, cancelled.updated);
});

test('a label set is a job: progress in items, and a cancelled run leaves the tags the set had', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  await engine.importCatalog({ file: writeCatalog(dir, 4500) });
  const before = await engine.applyLabels({ name: 'things', labels: ['toaster', 'kettle', 'lamp'], threshold: 0.4 });
  assert.equal(before.state, 'done');
  const tagsBefore = await engine.labelSets();

  const seen = cancelWhenUnderway(engine, 'label-set');
  const cancelled = await engine.applyLabels({ name: 'things', labels: ['mug', 'chair', 'ball'], threshold: 0.4 });
  assert.equal(cancelled.state, 'cancelled');
  assert.deepEqual(await engine.labelSets(), tagsBefore, 'the set keeps its tags');
  const running = seen.filter((p) => p.state === 'running' && p.total !== null);
  assert.ok(running.length > 0 && running.every((p) => p.total === 4500 && p.unit === 'items'));
  assert.equal(seen.at(-1)?.state, 'cancelled');
});

test('the CLI draws a bar for a catalog import, and Ctrl-C cancels it: exit 130, a cancelled summary', async (t) => {
  const dir = tempDir(t);
  const file = writeCatalog(dir, 900);
  const updates: JobProgress[] = [];
  let out = '';
  const io: CliIo = {
    stdout: (text) => (out += text),
    stderr: () => undefined,
    env: testModelEnv(path.join(dir, 'models')),
    jobProgress: () => ({
      update: (progress) => {
        updates.push(progress);
        // The user presses Ctrl-C once the bar moves.
        if (progress.state === 'running' && progress.done > 0 && updates.filter((u) => u.done > 0).length === 1) process.emit('SIGINT');
      },
      stop: () => undefined,
    }),
  };
  const code = await runCli(['--db', path.join(dir, 'library.db'), '--json', 'catalog', 'import', file], io);
  assert.equal(code, 130);
  const summary = JSON.parse(out) as { state: string; added: number; rows: number };
  assert.equal(summary.state, 'cancelled');
  assert.ok(summary.added > 0 && summary.added < 900, `added ${summary.added} of 900`);
  assert.ok(updates.some((u) => u.kind === 'catalog-import' && u.total !== null && u.total >= 900));
});
