import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Space } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { IndexJob } from '../../main/engine/library/index-job.js';
import { thumbnailPath } from '../../main/engine/library/thumbnails.js';
import type { AlbumStore, IndexStore, LabelStore } from '../../main/engine/store/library-store.js';
import { PgLabels } from '../../main/engine/store/postgres/pg-labels.js';
import { AlbumService } from '../../main/engine/albums/album-service.js';
import { EngineEvents } from '../../main/engine/events.js';
import { PgAlbums } from '../../main/engine/store/postgres/pg-albums.js';
import { PgItems } from '../../main/engine/store/postgres/pg-items.js';
import { PgStore } from '../../main/engine/store/postgres/pg-store.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, dot, imagenetMissing, testModelEnv } from '../helpers/test-models.js';

const SPACES: Space[] = ['clip', 'visual', 'colour'];

/** A SQLite library in a temporary folder, and on the postgres side a database of a cluster of the test's own. */
async function openStores(t: { after(fn: () => unknown): void }, backend: 'sqlite' | 'postgres'): Promise<{ dir: string; engine: Engine; pg: PgStore | undefined }> {
  const dir = tempDir(t);
  const engine = Engine.open({ databaseFile: path.join(dir, 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  t.after(() => engine.close());
  if (backend === 'sqlite') return { dir, engine, pg: undefined };
  const pg = await PgStore.open(startPostgres(t).url);
  t.after(() => pg.close());
  return { dir, engine, pg };
}

/** A refusal as the user reads it: its code and its sentence. */
async function fails(work: () => unknown): Promise<string> {
  try {
    await work();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  throw new Error('expected a refusal');
}

/**
 * The store matrix: the same index job, the same folder and the same changes on disk, on
 * SQLite and on PostgreSQL. What each store must keep is asserted the same way on both, and
 * the two must end with the same items and vectors.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  test(
    `store matrix (${backend}): indexing a folder, a copy, a move, a removal and an unplugged folder keep the same promises`,
    { skip: (backend === 'postgres' ? postgresMissing : undefined) ?? imagenetMissing, timeout: 240_000 },
    async (t) => {
      const dir = tempDir(t);
      const photos = path.join(dir, 'Pictures');
      fs.mkdirSync(path.join(photos, 'trip'), { recursive: true });
      const names = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort().slice(0, 6);
      for (const name of names) fs.copyFileSync(path.join(IMAGENET, name), path.join(photos, 'trip', name));
      fs.writeFileSync(path.join(photos, 'trip', 'broken.jpg'), 'not a picture');

      // The embedding pool and the spaces' models come from an engine; the store under test is either.
      const engine = Engine.open({ databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
      t.after(() => engine.close());
      await engine.services.models.prepareSpaces(SPACES);
      let store: IndexStore = engine.store;
      let pgItems: PgItems | undefined;
      if (backend === 'postgres') {
        const cluster = startPostgres(t);
        const pg = await PgStore.open(cluster.url);
        t.after(() => pg.close());
        pgItems = new PgItems(pg);
        for (const space of SPACES) {
          const model = engine.store.spaceModel(space);
          assert.ok(model);
          await pgItems.setSpaceModel(space, model.modelId, model.dims);
        }
        store = pgItems;
      }
      const index = async (): Promise<Awaited<ReturnType<IndexJob['run']>>> =>
        new IndexJob({ store, pool: engine.embedder(), spaces: SPACES, thumbnailsDir: path.join(dir, 'thumbnails'), removalGuard: 1 }, [{ root: photos }]).run();

      const first = await index();
      assert.equal(first.state, 'done');
      assert.equal(first.counts.done, 6);
      assert.equal(first.counts.failed, 1);
      const rootId = await store.addRoot(photos);
      assert.equal(await store.addRoot(photos), rootId, 'a folder is one root, however often it is added');
      let items = await store.rootItems(rootId, SPACES);
      assert.equal(items.length, 7);
      const broken = items.find((item) => item.path?.endsWith('broken.jpg'));
      assert.equal(broken?.status, 'error');
      assert.equal(broken?.complete, false, 'a file that could not be read has no vectors');
      assert.equal(items.filter((item) => item.complete).length, 6);
      for (const item of items.filter((i) => i.complete)) {
        for (const space of SPACES) {
          const vector = (await store.readVectors(space, [item.id])).get(item.id);
          assert.ok(vector, `${space} vector of ${item.path}`);
          assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-5, 'stored unit length');
        }
      }
      for (const item of items.filter((i) => i.complete)) assert.ok(fs.existsSync(thumbnailPath(path.join(dir, 'thumbnails'), item.contentHash as string)), `a thumbnail of ${item.path}`);

      // Nothing changed: nothing read again.
      const again = await index();
      assert.deepEqual([again.counts.skipped, again.counts.done], [7, 0]);

      // A copy shares its twin's vectors without embedding; a move keeps the item (its id); a removal removes.
      const [a, b, c] = names as [string, string, string];
      const moved = items.find((item) => item.path?.endsWith(b)) as (typeof items)[number];
      const removed = items.find((item) => item.path?.endsWith(c)) as (typeof items)[number];
      fs.copyFileSync(path.join(photos, 'trip', a), path.join(photos, 'copy of a.jpg'));
      fs.renameSync(path.join(photos, 'trip', b), path.join(photos, 'moved.jpg'));
      fs.rmSync(path.join(photos, 'trip', c));
      const changed = await index();
      assert.deepEqual([changed.counts.copied, changed.counts.moved, changed.counts.removed, changed.counts.done], [1, 1, 1, 0]);
      items = await store.rootItems(rootId, SPACES);
      assert.equal(items.length, 7);
      assert.equal(items.find((item) => item.path === path.join(photos, 'moved.jpg'))?.id, moved.id, 'the moved file kept its item');
      assert.equal(
        items.some((item) => item.id === removed.id),
        false,
      );
      const copy = items.find((item) => item.path === path.join(photos, 'copy of a.jpg'));
      const original = items.find((item) => item.path?.endsWith(`trip${path.sep}${a}`));
      assert.ok(copy?.complete && original);
      assert.equal(copy.contentHash, original.contentHash);
      const [copyVector, originalVector] = [(await store.readVectors('clip', [copy.id])).get(copy.id), (await store.readVectors('clip', [original.id])).get(original.id)];
      assert.deepEqual(copyVector, originalVector, 'a copy has its twin’s vectors');
      assert.equal((await store.completeItemsWithHash(original.contentHash as string, SPACES)).length, 2);
      assert.equal((await store.removeItems([removed.id])) === 0, true, 'an item removed is gone');

      // The folder unplugged: every readable item turns offline, kept with its vectors; back again: ok.
      fs.renameSync(photos, `${photos}-away`);
      const away = await index();
      assert.equal(away.counts.offline, 6);
      items = await store.rootItems(rootId, SPACES);
      assert.deepEqual(
        items.map((item) => item.status).sort(),
        ['error', 'offline', 'offline', 'offline', 'offline', 'offline', 'offline'],
      );
      assert.equal(items.filter((item) => item.complete).length, 6, 'offline items keep their vectors');
      fs.renameSync(`${photos}-away`, photos);
      const back = await index();
      assert.equal(back.counts.done, 0, 'nothing embedded again when the folder comes back');
      items = await store.rootItems(rootId, SPACES);
      assert.equal(items.filter((item) => item.status === 'ok').length, 6);

      // Bad input loses nothing: a vector of the wrong size refuses the whole batch.
      await assert.rejects(
        Promise.resolve().then(() =>
          store.writeItems([
            { item: { kind: 'photo', path: path.join(photos, 'new.jpg') } },
            { item: { kind: 'photo', path: path.join(photos, 'bad.jpg') }, vectors: { clip: [1, 2, 3] } },
          ]),
        ),
        /Item 2 \(.*bad\.jpg\), clip vector/,
      );
      assert.equal((await store.rootItems(rootId, SPACES)).length, 7, 'neither item of the refused batch was written');

      if (pgItems) {
        // What the web tier reads on PostgreSQL.
        const counts = await pgItems.counts();
        assert.deepEqual(counts.byStatus, { ok: 6, error: 1, offline: 0 });
        assert.deepEqual(counts.byKind, { photo: 7, product: 0 });
        const vectors = await pgItems.vectorCounts();
        for (const space of SPACES) assert.deepEqual(vectors.get(space), { vectors: 6, stale: 0 });
        const detail = await pgItems.itemDetail(moved.id);
        assert.equal(detail?.path, path.join(photos, 'moved.jpg'));
        assert.equal(detail?.root, photos);
        assert.deepEqual(detail?.spaces.sort(), [...SPACES].sort());
        assert.equal(await pgItems.itemDetail(999_999), undefined);
      }
    },
  );
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`store matrix (${backend}): albums keep the same rules (unique names whatever their case, smart albums take no items, delete says what it was)`, { skip: backend === 'postgres' ? postgresMissing : undefined, timeout: 60_000 }, async (t) => {
    const { dir, engine, pg } = await openStores(t, backend);
    const items: IndexStore = pg ? new PgItems(pg) : engine.store;
    const albumStore: AlbumStore = pg ? new PgAlbums(pg) : engine.store;
    const [a, b, c] = await items.writeItems(['a', 'b', 'c'].map((name) => ({ item: { kind: 'photo' as const, path: path.join(dir, `${name}.jpg`) } })));
    const albums = new AlbumService(albumStore, new EngineEvents()).api;

    assert.deepEqual(
      (await albums.createAlbum({ name: ' Trip ', ids: [a as number, b as number] })).map(({ name, items: n, query }) => [name, n, query]),
      [['Trip', 2, null]],
    );
    assert.equal(await fails(() => albums.createAlbum({ name: 'trip' })), 'bad-input: There is an album "Trip" already.');
    await albums.createAlbum({ name: 'Dogs', query: 'dog' });
    assert.match(await fails(() => albums.addToAlbum({ name: 'dogs', ids: [c as number] })), /^bad-input: "Dogs" is a smart album: its items are what its query finds \("dog"\)\.$/);
    assert.deepEqual(
      (await albums.addToAlbum({ name: 'TRIP', ids: [b as number, c as number] })).map(({ name, items: n }) => [name, n]),
      [
        ['Dogs', null],
        ['Trip', 3],
      ],
    );
    assert.equal(await fails(() => albums.addToAlbum({ name: 'Trip', ids: [999_999] })), 'not-found: No item with id 999999.');
    assert.equal(await fails(() => albums.removeFromAlbum({ name: 'Nope', ids: [1] })), 'not-found: No album "Nope" (albums: Dogs, Trip).');
    assert.equal(await fails(() => albums.renameAlbum({ name: 'Trip', to: 'DOGS' })), 'bad-input: There is an album "Dogs" already.');
    await albums.renameAlbum({ name: 'trip', to: 'Holiday' });
    assert.deepEqual(
      (await albums.removeFromAlbum({ name: 'Holiday', ids: [a as number] })).map(({ name, items: n }) => [name, n]),
      [
        ['Dogs', null],
        ['Holiday', 2],
      ],
    );
    const gone = await albumStore.deleteAlbum('holiday');
    assert.deepEqual([gone.name, gone.query, gone.itemIds], ['Holiday', null, [b, c]]);
    assert.deepEqual(
      (await albums.albums()).map(({ name }) => name),
      ['Dogs'],
    );
    // Items removed from the library leave their albums.
    await albums.createAlbum({ name: 'Kept', ids: [b as number] });
    await items.removeItems([b as number]);
    assert.equal((await albums.albums()).find((album) => album.name === 'Kept')?.items, 0);
  });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`store matrix (${backend}): tags and label sets keep the same rules (replaced whole, new items labelled, hand tags once, rename and delete with their tags)`, { skip: backend === 'postgres' ? postgresMissing : undefined, timeout: 60_000 }, async (t) => {
    const { dir, engine, pg } = await openStores(t, backend);
    const pgItems = pg ? new PgItems(pg) : undefined;
    if (pgItems) await pgItems.setSpaceModel('clip', 'test/clip', 4);
    else engine.store.setSpaceModel('clip', 'test/clip', 4);
    const items: IndexStore = pgItems ?? engine.store;
    const labels: LabelStore = pg && pgItems ? new PgLabels(pg, pgItems) : engine.store;
    const [a, b, c] = (await items.writeItems(
      [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
      ].map((clip, i) => ({ item: { kind: 'photo' as const, path: path.join(dir, `${i}.jpg`) }, vectors: { clip } })),
    )) as [number, number, number];

    await labels.replaceLabelSet('animals', [
      { id: a, labels: [{ label: 'cat', confidence: 0.9 }] },
      { id: b, labels: [{ label: 'dog', confidence: 0.8 }] },
      { id: 999_999, labels: [{ label: 'cat', confidence: 0.7 }] },
    ]);
    await labels.saveLabelSet({ name: 'animals', labels: ['cat', 'dog', 'bird'], template: 'a photo of a {}', threshold: 0.5, appliedThrough: b });
    assert.deepEqual(await labels.labelSets(), [
      {
        name: 'animals',
        labels: [
          { label: 'cat', items: 1 },
          { label: 'dog', items: 1 },
          { label: 'bird', items: 0 },
        ],
        threshold: 0.5,
        template: 'a photo of a {}',
      },
    ]);
    assert.deepEqual(await labels.clipItemsAfter(b), [c]);
    await labels.labelNewItems('animals', [{ id: c, labels: [{ label: 'bird', confidence: 0.6 }] }], c);
    assert.equal((await labels.labelSetDefinitions())[0]?.appliedThrough, c);
    assert.deepEqual(await labels.clipItemsAfter(c), []);
    // Replaced whole: what a set gave before is gone.
    await labels.replaceLabelSet('animals', [{ id: c, labels: [{ label: 'dog', confidence: 0.55 }] }]);
    assert.deepEqual(
      (await labels.labelSets())[0]?.labels,
      [
        { label: 'dog', items: 1 },
        { label: 'bird', items: 0 },
        { label: 'cat', items: 0 },
      ],
    );
    assert.equal(await fails(() => labels.replaceLabelSet('animals', [{ id: a, labels: [{ label: 'cat', confidence: 1.5 }] }])), 'bad-input: Confidence of "cat" must lie in [0, 1].');
    assert.equal((await labels.labelSets())[0]?.labels[0]?.items, 1, 'a refused replacement changes nothing');

    // Tags by hand: once per item, only items that exist, in the order asked; the undo takes off just those.
    assert.deepEqual(await labels.tagItems('favourite', [c, a, a, 999_999]), [c, a]);
    assert.deepEqual(await labels.tagItems('favourite', [a, b]), [b]);
    assert.equal(await labels.untagItems('favourite', [a, c]), 2);
    assert.equal(await fails(() => labels.tagItems(' ', [a])), 'bad-input: A tag must not be empty.');

    assert.equal(await fails(() => labels.renameLabelSet('nope', 'x')), 'not-found: No label set "nope".');
    await labels.saveLabelSet({ name: 'colours', labels: ['red', 'blue'], template: 'a {} photo', threshold: 0.6, appliedThrough: c });
    assert.equal(await fails(() => labels.renameLabelSet('animals', 'colours')), 'bad-input: There is a label set "colours" already: choose another name, or delete that one first.');
    await labels.renameLabelSet('animals', 'pets');
    assert.deepEqual(
      (await labels.labelSets()).map((set) => [set.name, set.labels.reduce((n, l) => n + l.items, 0)]),
      [
        ['colours', 0],
        ['pets', 1],
      ],
    );
    const deleted = await labels.deleteLabelSet('pets');
    assert.deepEqual(deleted?.labels, ['cat', 'dog', 'bird']);
    assert.equal(await fails(() => labels.deleteLabelSet('pets')), 'not-found: No label set "pets".');

    const seen: number[] = [];
    await labels.forEachVector('clip', (id, vector) => {
      seen.push(id);
      assert.equal(vector.length, 4);
    });
    assert.deepEqual(seen, [a, b, c]);
    assert.equal(await labels.maxItemId(), c);
  });
}
