import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { VectorTerm } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { numberOf } from '../../main/engine/catalog/number-of.js';
import { pgFusedSearch } from '../../main/engine/store/postgres/pg-search.js';
import { PgStore } from '../../main/engine/store/postgres/pg-store.js';
import { PgItems } from '../../main/engine/store/postgres/pg-items.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing, testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

test(
  'a library copied into PostgreSQL and back: a copy killed mid-way goes on when run again and ends with the same counts and vector checksums; search there finds what SQLite finds, with the same scores',
  { skip: postgresMissing ?? imagenetMissing, timeout: 300_000 },
  async (t) => {
    const dir = tempDir(t);
    const photos = path.join(dir, 'Pictures');
    for (const folder of ['animals', 'things']) fs.mkdirSync(path.join(photos, folder), { recursive: true });
    const names = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort().slice(0, 24);
    names.forEach((name, i) => fs.copyFileSync(path.join(IMAGENET, name), path.join(photos, i < 12 ? 'animals' : 'things', name)));
    const db = path.join(dir, 'data', 'library.db');
    const env = testModelEnv(path.join(dir, 'models'));
    const engine = Engine.open({ databaseFile: db, env, photoSpaces: ['clip', 'visual', 'text', 'colour'] });
    t.after(() => engine.close());
    await engine.index({ paths: [photos] });
    const tagged = engine.store.tagItems('favourite', [1, 2, 3]);
    assert.equal(tagged.length, 3);
    await engine.close();

    const cluster = startPostgres(t);
    const cli = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [bin, '--db', db, ...args], { encoding: 'utf8', env, timeout: 120_000 });

    // Not a PostgreSQL URL, or nobody there: said plainly, nothing written.
    const wrong = cli('store', 'copy', '--to', path.join(dir, 'other.db'));
    assert.equal(wrong.status, 2);
    assert.match(String(wrong.stderr), /--to takes a PostgreSQL URL/);
    const nobody = cli('store', 'copy', '--to', `postgres://postgres@localhost/semblance?host=${encodeURIComponent(path.join(dir, 'no-server'))}`);
    assert.equal(nobody.status, 1);
    assert.match(String(nobody.stderr), /Could not reach PostgreSQL at postgres:\/\/postgres@localhost\/semblance/);

    // One row per batch, killed (SIGKILL: no goodbye) once a few items are in.
    const first = spawn(process.execPath, [bin, '--db', db, 'store', 'copy', '--to', cluster.url, '--batch', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    await new Promise<void>((resolve) => {
      first.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (/vec_clip: \d+ of/.test(said)) first.kill('SIGKILL');
      });
      first.on('exit', () => resolve());
    });
    assert.match(said, /items: 24 of 24/, 'the items were in before the kill');
    const pg = await PgStore.open(cluster.url);
    t.after(() => pg.close());
    const partly = await pg.count('vec_clip');
    assert.ok(partly < 24, `killed before every clip vector was in (${partly})`);

    const second = cli('store', 'copy', '--to', cluster.url, '--batch', '5');
    assert.equal(second.status, 0, String(second.stderr));
    const checksums = String(second.stdout).match(/checksum [0-9a-f]{12}/g)?.sort();
    assert.equal(checksums?.length, 4, 'a checksum per space');
    assert.match(String(second.stdout), /Copied 1 roots, 24 items, 4 spaces, 3 labels, .*24 clip vectors \(checksum [0-9a-f]{12}\).*going on from an earlier copy\. Counts and checksums match\./);
    for (const space of ['clip', 'visual', 'text', 'colour'] as const) assert.equal(await pg.count(`vec_${space}`), 24);
    assert.deepEqual(await pg.copyProgress(path.resolve(db)), new Map(), 'the finished copy leaves no progress behind');
    // A second library into the same database is refused: one library per database.
    const again = cli('store', 'copy', '--to', cluster.url);
    assert.equal(again.status, 2);
    assert.match(String(again.stderr), /already holds a library \(24 items\)/);

    // Search on PostgreSQL: the SQLite path's results and scores.
    const reopened = Engine.open({ databaseFile: db, env });
    t.after(() => reopened.close());
    const vectorOf = (space: VectorTerm['space'], id: number): number[] => Array.from(reopened.store.readVectors(space, [id]).get(id) ?? []);
    const queries: { name: string; terms: VectorTerm[]; filters?: { folders?: string[]; kinds?: ('photo' | 'product')[] } }[] = [
      { name: 'one space', terms: [{ space: 'clip', vector: vectorOf('clip', 5), weight: 1 }] },
      {
        name: 'three spaces, one against',
        terms: [
          { space: 'clip', vector: vectorOf('clip', 5), weight: 1 },
          { space: 'visual', vector: vectorOf('visual', 14), weight: 0.5 },
          { space: 'colour', vector: vectorOf('colour', 20), weight: -0.3 },
        ],
      },
      { name: 'in a folder', terms: [{ space: 'visual', vector: vectorOf('visual', 14), weight: 1 }], filters: { folders: [path.join(photos, 'things')] } },
    ];
    for (const query of queries) {
      const sqlite = (await reopened.searchVectors({ terms: query.terms, k: 10, ...(query.filters ? { filters: query.filters } : {}) })).results;
      const postgres = await pgFusedSearch(pg, { terms: query.terms, k: 10, ...(query.filters ? { filters: query.filters } : {}) });
      assert.deepEqual(
        postgres.map((h) => [h.id, h.path]),
        sqlite.map((h) => [h.id, h.path]),
        `${query.name}: the same items in the same order`,
      );
      for (const [i, hit] of postgres.entries()) {
        assert.ok(Math.abs(hit.score - (sqlite[i]?.score ?? NaN)) < 1e-9, `${query.name}: the same score`);
        assert.deepEqual(Object.keys(hit.breakdown).sort(), Object.keys(sqlite[i]?.breakdown ?? {}).sort());
      }
      if (query.filters?.folders) assert.ok(postgres.every((h) => h.path?.startsWith(path.join(photos, 'things'))), 'only the folder');
    }

    // And back into a new SQLite file, killed once on the way: the same library comes out.
    const back = path.join(dir, 'back', 'library.db');
    const third = spawn(process.execPath, [bin, 'store', 'copy', '--from', cluster.url, '--to', back, '--batch', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    said = '';
    await new Promise<void>((resolve) => {
      third.stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (/vec_visual: \d+ of/.test(said)) third.kill('SIGKILL');
      });
      third.on('exit', () => resolve());
    });
    assert.match(said, /vec_clip: 24 of 24/);
    const fourth = spawnSync(process.execPath, [bin, 'store', 'copy', '--from', cluster.url, '--to', back], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(fourth.status, 0, String(fourth.stderr));
    assert.match(String(fourth.stdout), /Copied 1 roots, 24 items, 4 spaces, 3 labels, .*going on from an earlier copy\. Counts and checksums match\./);
    assert.deepEqual(String(fourth.stdout).match(/checksum [0-9a-f]{12}/g)?.sort(), checksums, 'the vectors came back exactly');
    const returned = Engine.open({ databaseFile: back, env });
    t.after(() => returned.close());
    for (const query of queries) {
      const there = (await returned.searchVectors({ terms: query.terms, k: 10, ...(query.filters ? { filters: query.filters } : {}) })).results;
      const here = (await reopened.searchVectors({ terms: query.terms, k: 10, ...(query.filters ? { filters: query.filters } : {}) })).results;
      assert.deepEqual(there, here, `${query.name}: the library that came back searches as the original`);
    }
    assert.deepEqual(returned.store.tagItems('favourite', [1, 2, 3]), [], 'its tags came back too');
  },
);

test(
  'two processes on one PostgreSQL database: a change one writes wakes the other with its number once committed (never a rolled-back one), who reads what changed after the last number it saw; one indexing job at a time',
  { skip: postgresMissing, timeout: 60_000 },
  async (t) => {
    const cluster = startPostgres(t);
    // Two stores with their own connections: to the database, two processes.
    const [one, two] = [await PgStore.open(cluster.url), await PgStore.open(cluster.url)];
    t.after(async () => {
      await one.close();
      await two.close();
    });
    const heard: number[] = [];
    const stop = await two.follow((seq) => heard.push(seq));
    t.after(stop);
    const start = await two.latestChange();
    assert.equal(start, 0);

    await one.transaction(async (client) => {
      await client.query("INSERT INTO items (id, kind, path, created_at, updated_at) VALUES (1, 'photo', '/a.jpg', 0, 0), (2, 'photo', '/b.jpg', 0, 0)");
      await one.noteChanges(client, [1, 2]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(heard, [], 'nothing is announced before the commit');
    });
    // A change rolled back is never announced.
    await assert.rejects(
      one.transaction(async (client) => {
        await one.noteChanges(client, [3]);
        throw new Error('undone');
      }),
      /undone/,
    );
    await one.transaction(async (client) => one.noteChanges(client, [2], 'clip'));
    for (let waited = 0; heard.length < 2 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(heard.length, 2, `two commits, two announcements: ${JSON.stringify(heard)}`);
    const changes = await two.changesAfter(start);
    assert.deepEqual(
      changes.map((c) => [c.itemId, c.space]),
      [
        [1, null],
        [2, null],
        [2, 'clip'],
      ],
    );
    assert.equal(heard[1], changes[2]?.seq, 'the number announced is the newest change');
    assert.deepEqual(await two.changesAfter(heard[1] as number), [], 'nothing after the newest');

    // One indexing job at a time across processes; let go, the other may take it.
    const held = await one.tryJobLock('index');
    assert.ok(held);
    assert.equal(await two.tryJobLock('index'), null, 'the other process must wait');
    const other = await two.tryJobLock('map');
    assert.ok(other, 'another kind of job is not held');
    await other.release();
    await held.release();
    const next = await two.tryJobLock('index');
    assert.ok(next, 'free once let go');
    await next.release();
  },
);

test('numbers as people write them read the same in PostgreSQL as in JavaScript (conditions such as price <= 50 agree on both stores)', { skip: postgresMissing, timeout: 60_000 }, async (t) => {
  const store = await PgStore.open(startPostgres(t).url);
  t.after(() => store.close());
  const written = [
    '49.99', '$49.99', '49.99 USD', 'USD 49.99', '€ 12', '1,299.00', '1.299,00 €', '12,5', '12,555', '-3', '  7  ', '1,2,3', 'abc', '', '1e3', '007', '٣', '1.5.6', '£1,000,000.5',
    `1${'0'.repeat(400)}`, `-1${'0'.repeat(300)}`, '9'.repeat(20), '0.1', '.5', '5.', 'usd 5', '¥300', '₹ 1,20,000',
  ];
  const { rows } = await store.pool.query<{ value: string; n: number | null }>('SELECT value, semblance_number_of(value) AS n FROM unnest($1::text[]) AS value', [written]);
  assert.deepEqual(
    rows.map((r) => [r.value, r.n]),
    written.map((value) => [value, numberOf(value)]),
  );
  assert.ok(written.filter((value) => numberOf(value) !== null).length >= 12, 'most of the list are numbers');
});

test('the HNSW graph is built with the settings asked for, and settings pgvector would refuse are refused before anything is written', { skip: postgresMissing, timeout: 60_000 }, async (t) => {
  const cluster = startPostgres(t);
  for (const [hnsw, reason] of [
    [{ m: 1 }, 'HNSW m must be a whole number from 2 to 100, got 1.'],
    [{ m: 16.5 }, 'HNSW m must be a whole number from 2 to 100, got 16.5.'],
    [{ efConstruction: 2000 }, 'HNSW ef_construction must be a whole number from 4 to 1000, got 2000.'],
    [{ m: 48 }, 'HNSW ef_construction (64) must be at least twice m (96).'],
  ] as const) {
    await assert.rejects(PgStore.open(cluster.url, { hnsw }), (error: Error) => error.message === reason);
  }
  const store = await PgStore.open(cluster.url, { hnsw: { m: 24, efConstruction: 100 } });
  t.after(() => store.close());
  const items = new PgItems(store);
  await items.setSpaceModel('clip', 'test/clip', 4);
  const { rows } = await store.pool.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'vec_clip_hnsw'");
  assert.match(rows[0]?.indexdef ?? '', /USING hnsw \(embedding vector_cosine_ops\) WITH \(m='24', ef_construction='100'\)/);
});
