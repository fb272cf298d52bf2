import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../main/engine/engine.js';
import { bruteForceSearch } from '../helpers/brute-force.js';
import { tempDir } from '../helpers/temp-dir.js';
import { peek } from '../helpers/peek.js';

const writer = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'crash-writer.js');

/** Starts the writer, lets it commit `commits` batches (and a little more), then kills it. */
function runAndKill(file: string, commits: number, extraMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString().split('committed').length - 1;
      if (seen >= commits && !child.killed) setTimeout(() => child.kill('SIGKILL'), extraMs);
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

test('a writer killed with SIGKILL at random moments never leaves half a write behind', async (t) => {
  const file = path.join(tempDir(t), 'library.db');
  for (let round = 0; round < 8; round++) {
    await runAndKill(file, 1 + (round % 3), (round * 7) % 13);
  }
  const engine = Engine.open({ databaseFile: file });
  t.after(() => engine.close());
  const db = peek(engine);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');

  const items = engine.store.countItems().total;
  assert.ok(items >= 8 * 50, `${items} items committed`);
  assert.equal(items % 50, 0, 'whole batches only');
  for (const space of ['clip', 'text'] as const) {
    // Every item has its vector, every vector has its item, and no vector is orphaned.
    assert.equal(engine.store.spaces().find((s) => s.space === space)?.vectors, items);
    const vectorIds = db.prepare(`SELECT rowid FROM vec_${space}`).pluck().all() as number[];
    assert.equal(vectorIds.length, items);
    const itemIds = new Set(db.prepare('SELECT id FROM items').pluck().all() as number[]);
    assert.ok(vectorIds.every((id) => itemIds.has(id)));
  }

  // And search over what survived is still exact.
  const terms = [
    { space: 'clip' as const, vector: Array.from({ length: 64 }, (_, j) => Math.cos(j)), weight: 1 },
    { space: 'text' as const, vector: Array.from({ length: 48 }, (_, j) => Math.sin(j / 3)), weight: 0.5 },
  ];
  const { results } = await engine.searchVectors({ terms, k: 25 });
  assert.deepEqual(
    results.map((r) => r.id),
    bruteForceSearch(db, terms, 25).map((r) => r.id),
  );
});
