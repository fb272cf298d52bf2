import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { libraryEngine, writePhotos } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';
import { tempDir } from '../helpers/temp-dir.js';

test('copying results out: every file lands, a name already there gets " (2)", nothing is overwritten, failures say why', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const [a, b, c] = await writePhotos(photos, 3);
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [photos] });
  const idOf = (file: string): number => peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(file) as number;
  const out = path.join(dir, 'out', 'for the album');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, path.basename(a as string)), 'the user’s own file');
  fs.rmSync(c as string);

  const summary = await engine.copyFiles({ ids: [idOf(a as string), idOf(b as string), idOf(c as string), 987654], folder: out });
  assert.equal(summary.state, 'done');
  assert.deepEqual(
    summary.copied.map((copy) => path.basename(copy.to)),
    ['photo-0000 (2).jpg', 'photo-0001.jpg'],
  );
  assert.equal(summary.renamed, 1);
  assert.equal(fs.readFileSync(path.join(out, 'photo-0000.jpg'), 'utf8'), 'the user’s own file', 'not overwritten');
  assert.deepEqual(fs.readFileSync(path.join(out, 'photo-0000 (2).jpg')), fs.readFileSync(a as string));
  assert.deepEqual(
    summary.failed.map((f) => f.reason),
    ['no item with id 987654', 'the file is not there (moved, deleted, or its drive is not mounted)'],
  );

  // Again: the next free names, still nothing overwritten.
  const again = await engine.copyFiles({ ids: [idOf(a as string)], folder: out });
  assert.equal(path.basename(again.copied[0]?.to ?? ''), 'photo-0000 (3).jpg');

  // A folder that does not exist yet is made; a file, or Semblance's own data, is refused.
  const fresh = await engine.copyFiles({ ids: [idOf(b as string)], folder: path.join(dir, 'new', 'folder') });
  assert.equal(fresh.copied.length, 1);
  await assert.rejects(engine.copyFiles({ ids: [idOf(b as string)], folder: path.join(out, 'photo-0001.jpg') }), /is a file, not a folder/);
  await assert.rejects(engine.copyFiles({ ids: [idOf(b as string)], folder: path.join(dir, 'data', 'thumbnails') }), /Semblance's own data/);
});
