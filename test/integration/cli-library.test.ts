import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClassifyResponse, IndexSummary, SimilarResponse, TextSearchResponse } from '../../preload/contract.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writePhotos } from '../helpers/library.js';
import { testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

test('the command line end to end: index, search, similar, classify, with the JSON shapes scripts rely on', async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 8);
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const db = path.join(dir, 'library.db');
  const run = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin, '--db', db, '--json', ...args], { encoding: 'utf8', env, timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  const indexed = run('index', photos);
  assert.equal(indexed.code, 0, indexed.stderr);
  const summary = JSON.parse(indexed.stdout) as IndexSummary;
  assert.deepEqual([summary.state, summary.counts.found, summary.counts.done], ['done', 8, 8]);

  const searched = run('search', 'a photo of something red', '--k', '3');
  assert.equal(searched.code, 0, searched.stderr);
  const response = JSON.parse(searched.stdout) as TextSearchResponse;
  assert.equal(response.query, 'a photo of something red');
  assert.equal(response.results.length, 3);
  for (const hit of response.results) {
    assert.deepEqual(Object.keys(hit).sort(), ['breakdown', 'id', 'key', 'kind', 'path', 'score', 'status', 'title']);
    assert.ok(hit.path?.startsWith(photos));
    assert.ok(Math.abs((hit.breakdown.clip ?? 0) - hit.score) < 1e-12);
  }
  assert.ok('cutoff' in response && Array.isArray(response.warnings));

  const first = response.results[0]?.id as number;
  const similar = run('similar', String(first), path.join(photos, 'photo-0003.jpg'), '--space', 'visual', '--k', '2');
  assert.equal(similar.code, 0, similar.stderr);
  const { queries } = JSON.parse(similar.stdout) as SimilarResponse;
  assert.equal(queries.length, 2, 'one result object per query');
  assert.ok(queries.every((q) => q.results.length === 2 && q.results.every((r) => r.id !== q.id && Object.keys(r.breakdown).join() === 'visual')));

  const classified = run('classify', String(first), '--labels', 'red,green,blue');
  assert.equal(classified.code, 0, classified.stderr);
  const { labels } = JSON.parse(classified.stdout) as ClassifyResponse;
  assert.ok(Math.abs(labels.reduce((s, l) => s + l.probability, 0) - 1) < 1e-9);

  const bad = run('search', 'cat hue:red');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown filter "hue:"/);
  assert.equal((JSON.parse(bad.stdout) as { error: { code: string } }).error.code, 'bad-input');
  const missing = run('similar', path.join(dir, 'nope.jpg'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /neither a library item id nor an image file/);
});


/** A folder of `count` photos and a `semblance` runner on a fresh database (human output, no --json). */
async function cliLibrary(
  t: { after(fn: () => void): void },
  folder: string,
  count: number,
): Promise<{ dir: string; photos: string; files: string[]; run: (...args: string[]) => { code: number; stdout: string; stderr: string } }> {
  const dir = tempDir(t);
  const photos = path.join(dir, folder);
  const files = await writePhotos(photos, count);
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const db = path.join(dir, 'library.db');
  const run = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { encoding: 'utf8', env, timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, photos, files, run };
}

test('remove-folder forgets with an undo; restore-folder brings the photos back without embedding them again', async (t) => {
  const { photos, run } = await cliLibrary(t, 'My Pictures', 3);
  assert.equal(run('index', photos).code, 0);

  const removed = run('remove-folder', photos);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /^Forgot .*My Pictures: 3 photos left the library; the files on disk are untouched\.\nUndo until .*: semblance restore-folder '.*My Pictures'\n$/);
  const status = run('status');
  assert.match(status.stdout, /Items {5}0 /);
  assert.match(status.stdout, /Forgotten \(can be brought back\)\n {2}.*My Pictures: 3 photos, until /);

  const restored = run('restore-folder', photos);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /Items {5}3 /);
  const again = run('--json', 'index');
  assert.equal((JSON.parse(again.stdout) as IndexSummary).counts.done, 0, 'nothing embedded again');

  const gone = run('remove-folder', photos, '--now');
  assert.match(gone.stdout, /for good: 3 photos left the library/);
  const notThere = run('restore-folder', photos);
  assert.equal(notThere.code, 1);
  assert.match(notThere.stderr, /was not forgotten lately/);
});

test('filters alone list what passes them; --paths prints bare file paths for pipes', async (t) => {
  const { photos, files, run } = await cliLibrary(t, 'Pictures', 5);
  assert.equal(run('index', photos).code, 0);

  const listed = run('search', `kind:photo in:${photos}`, '--k', '3');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^5 items match "kind:photo in:.*", newest first \(the newest 3; --k for more\)\n/);
  assert.equal(listed.stdout.trim().split('\n').length, 4);

  const paths = run('search', 'a colourful photo', '--k', '3', '--paths');
  assert.equal(paths.code, 0, paths.stderr);
  const printed = paths.stdout.split('\n').filter(Boolean);
  assert.ok(printed.length >= 1 && printed.length <= 3, paths.stdout);
  for (const file of printed) assert.ok(files.includes(file), `${file} is one of the photos, printed bare`);

  const similar = run('similar', files[0] as string, '--k', '2', '--paths');
  assert.deepEqual(
    similar.stdout.split('\n').filter(Boolean).every((file) => files.includes(file) && file !== files[0]),
    true,
  );
});

test('labels list, rename and delete from the command line', async (t) => {
  const { photos, run } = await cliLibrary(t, 'Pictures', 4);
  assert.equal(run('index', photos).code, 0);
  assert.equal(run('labels', 'apply', 'strict', '--labels', 'cat,dog,car', '--threshold', '0.99').code, 0);
  const listed = run('labels');
  assert.match(listed.stdout, /^strict \(tags at 99% or more\)\n {2}car 0, cat 0, dog 0\n {2}nothing reaches the threshold/);
  assert.match(run('labels', 'rename', 'strict', 'things').stdout, /^things \(tags at 99% or more\)/);
  assert.equal(run('labels', 'delete', 'things').stdout, 'No label sets yet (`semblance labels apply <name> --labels a,b`).\n');
  const missing = run('labels', 'delete', 'things');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No label set "things"/);
});

test('search --copy-to copies the relevant files; --csv prints every result as a row', async (t) => {
  const { dir, photos, files, run } = await cliLibrary(t, 'Pictures', 4);
  assert.equal(run('index', photos).code, 0);
  const csv = run('search', 'a colourful photo', '--k', '4', '--csv');
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], 'rank,id,kind,path,title,key,score,clip,visual,text,colour,printed,relevant');
  assert.equal(lines.length, 5);
  assert.ok(lines.slice(1).every((line) => files.some((file) => line.includes(file))));

  const out = path.join(dir, 'picked');
  const copied = run('search', 'kind:photo', '--copy-to', out);
  assert.equal(copied.code, 0, copied.stderr);
  assert.equal(copied.stdout, `Copied 4 files to ${out}.\n`);
  assert.deepEqual(fs.readdirSync(out).sort(), files.map((f) => path.basename(f)).sort());
  const twice = run('search', 'kind:photo', '--copy-to', out);
  assert.equal(twice.stdout, `Copied 4 files to ${out} (4 under another name: the name was taken).\n`);
});

test('albums from the command line: create, add by id or by query, show, smart albums, delete', async (t) => {
  const { photos, files, run } = await cliLibrary(t, 'Pictures', 4);
  assert.equal(run('index', photos).code, 0);
  assert.equal(run('albums').stdout, 'No albums yet (`semblance albums create <name>`).\n');
  assert.equal(run('albums', 'create', 'Best of').stdout, 'Best of  0 items\n');
  assert.equal(run('albums', 'add', 'Best of', '--query', `kind:photo in:${photos}`).stdout, 'Best of  4 items\n');
  assert.equal(run('albums', 'create', 'Everything', '--query', 'kind:photo').stdout, 'Best of  4 items\nEverything  smart: "kind:photo"\n');
  const shown = run('albums', 'show', 'Best of', '--paths');
  assert.deepEqual(shown.stdout.split('\n').filter(Boolean).sort(), [...files].sort());
  assert.match(run('albums', 'show', 'Everything').stdout, /^4 items match "album:"Everything"", newest first/);
  assert.equal(run('albums', 'delete', 'Best of').stdout, 'Everything  smart: "kind:photo"\n');
  const missing = run('albums', 'show', 'Best of');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No album "Best of" \(albums: Everything\)/);
});

test('the command line in words: an empty library, a --k that is no number, a folder named relative to where the user is', async (t) => {
  const { dir, photos, run } = await cliLibrary(t, 'Pictures', 3);
  const empty = run('search', 'dog at the beach');
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /Nothing is indexed yet: add a folder of photos or import a catalog/);
  assert.doesNotMatch(empty.stdout + empty.stderr, /Term 1|space has no model/);

  const badK = run('search', 'red', '--k', 'abc');
  assert.equal(badK.code, 2);
  assert.equal(badK.stderr.trim(), 'semblance: --k takes a whole number of results from 1 to 1,000, got "abc".');

  // "Pictures" from the folder it is in: the CLI's own working folder is the user's.
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const relative = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'library.db'), 'index', 'Pictures'], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(relative.status, 0, relative.stderr);
  assert.match(run('status').stdout, new RegExp(`${photos.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const missing = run('index', path.join(dir, 'Pictrues'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /There is no folder .*Pictrues: check its spelling/);
});

test('duplicates from the command line: groups by tier with the one to keep first; a tier that does not exist is refused in words', async (t) => {
  const { photos, files, run } = await cliLibrary(t, 'Pictures', 3);
  // The copy is newer than its original, and is listed first when the folder is read.
  fs.copyFileSync(files[0] as string, path.join(photos, 'photo copy.jpg'));
  fs.utimesSync(files[0] as string, new Date(2020, 0, 1), new Date(2020, 0, 1));
  assert.equal(run('index', photos).code, 0);
  const listed = run('duplicates');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^Identical files \(the same bytes\): 1 group\n {2}keep {2}.*photo-0000\.jpg {2}\(96 × 72, .*\) {2}— the same file: the oldest copy is kept\n {8}.*photo copy\.jpg/);
  assert.equal(run('duplicates', '--tier', 'same-photo').stdout, 'No duplicates found.\n');
  // --check checks the whole library again (a job), then lists; the similar tier with a chosen similarity.
  const checked = run('duplicates', '--check', '--tier', 'identical', '--json');
  assert.equal(checked.code, 0, checked.stderr);
  const answer = JSON.parse(checked.stdout) as { groups: { tier: string }[]; unchecked: number; checkedAt: number | null };
  assert.deepEqual(answer.groups.map((g) => g.tier), ['identical']);
  assert.equal(answer.unchecked, 0);
  assert.ok(answer.checkedAt !== null);
  assert.equal(run('duplicates', '--tier', 'similar', '--similarity', '0.9').code, 0);
  const bad = run('duplicates', '--tier', 'blurry');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--tier takes identical, same-photo, same-moment, similar, same-product, got "blurry"/);
  const low = run('duplicates', '--similarity', '0.2');
  assert.equal(low.code, 2);
  assert.match(low.stderr, /--similarity takes a number from 0\.45 to 1, got "0\.2"/);
});
