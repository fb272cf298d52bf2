import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { FinderEvent } from '../../preload/contract.js';
import { Session } from '../../main/app/session.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

test('a session: folders added together both finish, each is scanned once, and all are watched', async (t) => {
  const dir = tempDir(t);
  const [old, a, b] = ['Old', 'A', 'B'].map((name) => path.join(dir, name)) as [string, string, string];
  await writePhotos(old, 2, 'old');
  await writePhotos(a, 2, 'a', 10);
  await writePhotos(b, 30, 'b', 20);
  const session = Session.open({ databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')), pool: { size: 1, threads: 1 } });
  t.after(() => session.close());
  const events: FinderEvent[] = [];
  session.subscribe((event) => events.push(event));

  await session.api.index({ paths: [old] });
  await session.settled(); // watching Old now
  // B is queued behind A; when A finishes, the session re-watches (to add A) while B runs.
  const [first, second] = await Promise.all([session.api.index({ paths: [a] }), session.api.index({ paths: [b] })]);
  assert.deepEqual([first.state, first.counts.done], ['done', 2]);
  assert.deepEqual([second.state, second.counts.done], ['done', 30], 're-watching does not cancel the user’s job');
  await session.settled();
  const done = events.filter((e) => e.type === 'index-done');
  assert.equal(done.length, 3, 'one scan per folder added: re-watching does not scan again');
  assert.equal((await session.api.status()).items.total, 34);
});
