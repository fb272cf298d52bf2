import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { VectorTerm } from '../../preload/contract.js';
import { codesDirOf, Engine } from '../../main/engine/engine.js';
import { codesFile, HEADER_BYTES } from '../../main/engine/search/codes-file.js';
import { bruteForceSearch } from '../helpers/brute-force.js';
import { peek } from '../helpers/peek.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIMS = 24;

/** A library of clustered vectors, like real embeddings, written in one transaction. */
function fill(engine: Engine, from: number, count: number, seed = 1): number[] {
  let state = seed * 7919 + from;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  engine.store.setSpaceModel('clip', 'test/clip', DIMS);
  return engine.store.writeItems(
    Array.from({ length: count }, (_, i) => {
      const centre = (from + i) % 5;
      return {
        item: { kind: 'photo' as const, path: `/p/${from + i}.jpg` },
        vectors: { clip: Array.from({ length: DIMS }, (_, j) => (j === centre ? 2 : 0) + random()) },
      };
    }),
  );
}

const TERMS: VectorTerm[] = [{ space: 'clip', vector: Array.from({ length: DIMS }, (_, j) => (j === 2 ? 1 : 0.1)), weight: 1 }];

async function topIds(engine: Engine): Promise<number[]> {
  return (await engine.searchVectors({ terms: TERMS, k: 30 })).results.map((r) => r.id);
}

function expected(engine: Engine): number[] {
  return bruteForceSearch(peek(engine), TERMS, 30).map((h) => h.id);
}

/** A library that was searched and closed, so its codes file is on disk. */
async function closedLibrary(t: { after(fn: () => void): void }, items = 400): Promise<string> {
  const file = path.join(tempDir(t), 'library.db');
  const engine = Engine.open({ databaseFile: file });
  fill(engine, 0, items);
  await topIds(engine);
  assert.equal(engine.vectorIndex.loads[0]?.from, 'database', 'the first load reads the vectors');
  await engine.close();
  return file;
}

async function reopen(file: string): Promise<{ engine: Engine; ids: number[] }> {
  const engine = Engine.open({ databaseFile: file });
  return { engine, ids: await topIds(engine) };
}

test('a fresh process answers from the codes file the last one wrote, with exact results', async (t) => {
  const file = await closedLibrary(t);
  assert.ok(fs.existsSync(codesFile(codesDirOf(file) as string, 'clip')), 'the codes file is next to the database');
  const { engine, ids } = await reopen(file);
  t.after(() => engine.close());
  assert.deepEqual(ids, expected(engine));
  assert.deepEqual(engine.vectorIndex.loads.map((l) => [l.space, l.from, l.rows]), [['clip', 'codes file', 400]]);
});

test('another process adding 1,000 items is replayed from the log, not reloaded', async (t) => {
  const file = await closedLibrary(t);
  const { engine } = await reopen(file);
  t.after(() => engine.close());

  const other = Engine.open({ databaseFile: file });
  fill(other, 400, 1000, 2);
  other.store.removeItems([1, 2, 3]);
  await other.close();

  assert.deepEqual(await topIds(engine), expected(engine), 'the new items are searched, the removed ones are gone');
  assert.equal(engine.vectorIndex.loads.length, 1, 'the space was not loaded again');
  const ids = new Set(await topIds(engine));
  assert.ok(![1, 2, 3].some((id) => ids.has(id)));
});

test('a codes file that disagrees with the database is rebuilt from the vectors: truncated, stale, damaged, foreign', async (t) => {
  const file = await closedLibrary(t);
  const codes = codesFile(codesDirOf(file) as string, 'clip');
  const good = fs.readFileSync(codes);

  const attempt = async (damage: () => void, problem: RegExp): Promise<void> => {
    damage();
    const { engine, ids } = await reopen(file);
    try {
      assert.deepEqual(ids, expected(engine), 'results are still exact');
      const [load] = engine.vectorIndex.loads;
      assert.equal(load?.from, 'database');
      assert.match(load?.problem ?? '', problem);
    } finally {
      await engine.close();
    }
    // The rebuild wrote a good file again: the next process reads it.
    const { engine: next } = await reopen(file);
    assert.equal(next.vectorIndex.loads[0]?.from, 'codes file', next.vectorIndex.loads[0]?.problem);
    await next.close();
  };

  await attempt(() => fs.truncateSync(codes, good.length - 100), /truncated or torn/);

  // Stale: codes of 400 items under a header that claims the state after more were added.
  const stale = Buffer.from(fs.readFileSync(codes));
  const more = Engine.open({ databaseFile: file });
  fill(more, 400, 50, 3);
  await topIds(more);
  await more.close();
  const headerLength = stale.readUInt32LE(8);
  const header = JSON.parse(stale.subarray(12, 12 + headerLength).toString()) as { seq: number };
  const current = JSON.parse(fs.readFileSync(codes).subarray(12, 12 + fs.readFileSync(codes).readUInt32LE(8)).toString()) as { seq: number };
  assert.ok(current.seq > header.seq);
  await attempt(() => {
    const forged = Buffer.from(JSON.stringify({ ...header, seq: current.seq }));
    stale.fill(0, 12, HEADER_BYTES);
    stale.writeUInt32LE(forged.length, 8);
    forged.copy(stale, 12);
    fs.writeFileSync(codes, stale);
  }, /rows where the database has 450 vectors/);

  // Damaged rows: same size and header, other codes.
  await attempt(() => {
    const damaged = fs.readFileSync(codes);
    damaged.fill(0x55, damaged.length - 450 * 32);
    fs.writeFileSync(codes, damaged);
  }, /codes differ from its vector/);

  // Another library's file copied in.
  const foreign = await closedLibrary(t, 450);
  await attempt(() => fs.copyFileSync(codesFile(codesDirOf(foreign) as string, 'clip'), codes), /another library/);

  // Not a codes file at all.
  await attempt(() => fs.writeFileSync(codes, 'hello'), /not a codes file/);
});

test('a model change makes the codes file of the old model unusable', async (t) => {
  const file = await closedLibrary(t);
  const engine = Engine.open({ databaseFile: file });
  t.after(() => engine.close());
  engine.store.setSpaceModel('clip', 'test/other-clip', DIMS);
  assert.deepEqual(await topIds(engine), [], "the old model's vectors are stale: nothing to rank");
  assert.match(engine.vectorIndex.loads[0]?.problem ?? '', /another model/);
});

test('codes read ahead are still checked: a file replaced after the read is not trusted', async (t) => {
  const file = await closedLibrary(t);
  const codes = codesFile(codesDirOf(file) as string, 'clip');
  const engine = Engine.open({ databaseFile: file });
  t.after(() => engine.close());
  await engine.vectorIndex.prepare(['clip']);
  // Another process writes a newer file meanwhile (here: a damaged one with a newer header).
  const bytes = fs.readFileSync(codes);
  const length = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + length).toString()) as { seq: number };
  const forged = Buffer.from(JSON.stringify({ ...header, seq: header.seq + 1 }));
  bytes.fill(0, 12, HEADER_BYTES);
  bytes.writeUInt32LE(forged.length, 8);
  forged.copy(bytes, 12);
  fs.writeFileSync(codes, bytes);
  assert.deepEqual(await topIds(engine), expected(engine));
  assert.equal(engine.vectorIndex.loads[0]?.from, 'database');
  assert.match(engine.vectorIndex.loads[0]?.problem ?? '', /newer than the database/);
});

test('searches typed in quick succession share one read of the codes file and keep no second copy', async (t) => {
  const file = await closedLibrary(t);
  const engine = Engine.open({ databaseFile: file });
  t.after(() => engine.close());
  const [first, second, third] = await Promise.all([topIds(engine), topIds(engine), topIds(engine)]);
  assert.deepEqual(first, expected(engine));
  assert.deepEqual([second, third], [first, first]);
  assert.deepEqual(engine.vectorIndex.loads.map((l) => [l.space, l.from]), [['clip', 'codes file']]);
  assert.equal((engine.vectorIndex as unknown as { readAhead: Map<string, unknown> }).readAhead.size, 0, 'no rows read ahead are left behind');
});
