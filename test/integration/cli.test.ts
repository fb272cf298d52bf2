import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ErrorsResponse, StatusResponse } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { LATEST_SCHEMA_VERSION } from '../../main/engine/store/migrations.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin', 'semblance.js');

function semblance(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('status --json on a fresh database: one JSON document, empty library, exit 0', (t) => {
  const db = path.join(tempDir(t), 'new', 'library.db');
  const { code, stdout, stderr } = semblance(['--db', db, 'status', '--json']);
  assert.equal(code, 0, stderr);
  const status = JSON.parse(stdout) as StatusResponse;
  assert.equal(status.database.path, db);
  assert.equal(status.database.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.deepEqual(status.items, { total: 0, byKind: { photo: 0, product: 0 }, byStatus: { ok: 0, error: 0, offline: 0 }, readable: { photo: 0, product: 0 } });
  assert.deepEqual(
    status.spaces.map((s) => [s.space, s.model, s.vectors]),
    [
      ['clip', null, 0],
      ['visual', null, 0],
      ['text', null, 0],
      ['colour', null, 0],
    ],
  );
  assert.ok(fs.existsSync(db));
});

test('status on an existing database reports its items, spaces, folders and errors; every error can be paged through', async (t) => {
  const db = path.join(tempDir(t), 'library.db');
  const engine = Engine.open({ databaseFile: db });
  engine.store.setSpaceModel('visual', 'Xenova/resnet-18', 4);
  const rootId = engine.store.addRoot('/home/me/Pictures');
  engine.store.writeItem({ item: { kind: 'photo', path: '/home/me/Pictures/a.jpg', rootId }, vectors: { visual: [1, 2, 3, 4] } });
  engine.store.writeItem({
    item: { kind: 'photo', path: '/home/me/Pictures/b.jpg', rootId, status: 'error', error: 'truncated JPEG' },
  });
  // 1,016 failures in all: more than any one page, of two reasons
  engine.store.writeItems(
    Array.from({ length: 1015 }, (_, i) => ({
      item: { kind: 'photo' as const, path: `/home/me/Pictures/bad-${String(i).padStart(4, '0')}.jpg`, rootId, status: 'error' as const, error: i % 5 === 0 ? 'truncated JPEG' : 'the file is empty' },
    })),
  );
  await engine.close();

  const json = semblance(['--db', db, '--json', 'status']);
  assert.equal(json.code, 0, json.stderr);
  const status = JSON.parse(json.stdout) as StatusResponse;
  assert.equal(status.items.total, 1017);
  assert.deepEqual(status.items.byStatus, { ok: 1, error: 1016, offline: 0 });
  assert.deepEqual(status.spaces[1], { space: 'visual', model: 'Xenova/resnet-18', dims: 4, vectors: 1, stale: 0 });
  assert.deepEqual(status.roots.map((r) => [r.path, r.items, r.online]), [['/home/me/Pictures', 1017, true]]);
  assert.equal(status.errors.length, 100, 'status carries the newest 100');
  assert.deepEqual(status.errorGroups, [
    { reason: 'the file is empty', count: 812 },
    { reason: 'truncated JPEG', count: 204 },
  ]);

  const human = semblance(['--db', db, 'status']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /Items {5}1017 \(1017 photos, 0 products; 1 ok, 1016 with errors, 0 offline\)/);
  assert.match(human.stdout, /visual {2}Xenova\/resnet-18 \(4-d\): 1 vectors/);
  assert.match(human.stdout, /Errors {4}1016 \(`semblance errors` lists them/);
  assert.match(human.stdout, /^ +812 {2}the file is empty$/m);
  assert.match(human.stdout, /^ +204 {2}truncated JPEG$/m);

  // Every one of them, a page at a time: the 11th page holds the last 16.
  const seen = new Set<string>();
  for (let page = 1; page <= 11; page++) {
    const out = semblance(['--db', db, '--json', 'errors', '--page', String(page)]);
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as ErrorsResponse;
    assert.equal(body.total, 1016);
    assert.equal(body.errors.length, page === 11 ? 16 : 100);
    for (const e of body.errors) seen.add(e.path ?? '');
  }
  assert.equal(seen.size, 1016, 'no error is left out or shown twice');
  const truncated = semblance(['--db', db, 'errors', '--reason', 'truncated JPEG', '--page', '3']);
  assert.equal(truncated.code, 0, truncated.stderr);
  assert.match(truncated.stdout, /Items 201-204 of 204/);
  assert.match(truncated.stdout, /\/home\/me\/Pictures\/b\.jpg: truncated JPEG/);
  assert.doesNotMatch(truncated.stdout, /Pictures\/\S+: the file is empty/);
  const first = semblance(['--db', db, 'errors']);
  assert.match(first.stdout, /Items 1-100 of 1016\n/);
  assert.match(first.stdout, /\(more: --page 2\)/);
  assert.equal(semblance(['--db', db, 'errors', '--page', '0']).code, 2);
});

test('the default database lives in SEMBLANCE_DATA_DIR when it is set', (t) => {
  const dir = tempDir(t);
  const { code, stdout } = semblance(['status', '--json'], { SEMBLANCE_DATA_DIR: dir });
  assert.equal(code, 0);
  assert.equal((JSON.parse(stdout) as StatusResponse).database.path, path.join(dir, 'library.db'));
});

test('bad usage exits 2, failures exit 1, each with a message on stderr', (t) => {
  const dir = tempDir(t);
  const unknownCommand = semblance(['--db', path.join(dir, 'a.db'), 'frobnicate']);
  assert.equal(unknownCommand.code, 2);
  assert.match(unknownCommand.stderr, /unknown command 'frobnicate'/);

  const unknownOption = semblance(['status', '--colour-blind']);
  assert.equal(unknownOption.code, 2);
  assert.match(unknownOption.stderr, /unknown option '--colour-blind'/);

  const corrupt = path.join(dir, 'corrupt.db');
  fs.writeFileSync(corrupt, Buffer.alloc(8192, 7));
  const failure = semblance(['--db', corrupt, '--json', 'status']);
  assert.equal(failure.code, 1);
  assert.match(failure.stderr, /corrupt\.db is not a Semblance database/);
  assert.deepEqual(Object.keys(JSON.parse(failure.stdout) as object), ['error']);

  const help = semblance(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /status/);
});
