import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Space } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { IndexJob } from '../../main/engine/library/index-job.js';
import { thumbnailPath } from '../../main/engine/library/thumbnails.js';
import type { AlbumStore, CatalogStore, ForgetStore, IndexStore, LabelStore, ProductStore } from '../../main/engine/store/library-store.js';
import { forgetFolder, restoreFolder } from '../../main/engine/library/forget-folder.js';
import { JobScheduler } from '../../main/engine/jobs/scheduler.js';
import { PgForgotten } from '../../main/engine/store/postgres/pg-forgotten.js';
import { PRODUCT_SPACES, importCatalog } from '../../main/engine/catalog/import-catalog.js';
import { catalogDetails } from '../../main/engine/catalog/catalog-details.js';
import { productId, substitutesQuery } from '../../main/engine/search/substitutes.js';
import { PgCatalogs } from '../../main/engine/store/postgres/pg-catalogs.js';
import { PgLabels } from '../../main/engine/store/postgres/pg-labels.js';
import { AlbumService } from '../../main/engine/albums/album-service.js';
import { EngineEvents } from '../../main/engine/events.js';
import { PgAlbums } from '../../main/engine/store/postgres/pg-albums.js';
import { PgItems } from '../../main/engine/store/postgres/pg-items.js';
import { PgStore } from '../../main/engine/store/postgres/pg-store.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { parseWhere } from '../../main/engine/catalog/where-clause.js';
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

/** The stores a test asks for, on its backend, with a 4-d clip space declared. */
async function storesWith4dClip(engine: Engine, pg: PgStore | undefined): Promise<{ items: IndexStore; labels: LabelStore; albums: AlbumStore; forget: ForgetStore }> {
  if (!pg) {
    engine.store.setSpaceModel('clip', 'test/clip', 4);
    return { items: engine.store, labels: engine.store, albums: engine.store, forget: engine.store };
  }
  const items = new PgItems(pg);
  await items.setSpaceModel('clip', 'test/clip', 4);
  return { items, labels: new PgLabels(pg, items), albums: new PgAlbums(pg), forget: new PgForgotten(pg, items) };
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
    const { items, labels } = await storesWith4dClip(engine, pg);
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

const DEMO = path.resolve('resources', 'demo-catalog');

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`store matrix (${backend}): a catalog imported and imported again (only changed rows, leavers removed), its fields kept as written, conditions on them`, { skip: backend === 'postgres' ? postgresMissing : undefined, timeout: 240_000 }, async (t) => {
    const { dir, engine, pg } = await openStores(t, backend);
    await engine.services.models.prepareSpaces(PRODUCT_SPACES);
    const pgItems = pg ? new PgItems(pg) : undefined;
    if (pgItems) {
      for (const space of PRODUCT_SPACES) {
        const model = engine.store.spaceModel(space);
        assert.ok(model);
        await pgItems.setSpaceModel(space, model.modelId, model.dims);
      }
    }
    const store: CatalogStore & ProductStore = pg && pgItems ? new PgCatalogs(pg, pgItems) : engine.store;
    const browse = async (where: string): Promise<string[]> => {
      const request = { kinds: ['product' as const], where: parseWhere(where), sort: 'name' as const };
      const page = pgItems ? await pgItems.browse(request) : engine.store.browse(request);
      return page.items.map((item) => item.title ?? '');
    };
    const shop = path.join(dir, 'shop');
    fs.mkdirSync(shop);
    for (const picture of ['chocolate-cake.png', 'red-velvet-cake.png', 'fish-and-chips.png', 'french-fries.png', 'churros.png']) fs.copyFileSync(path.join(DEMO, picture), path.join(shop, picture));
    const file = path.join(shop, 'shop.csv');
    const write = (rows: string[][]): void => fs.writeFileSync(file, rows.map((row) => row.map((v) => `"${v}"`).join(',')).join('\n') + '\n');
    const header = ['id', 'name', 'image', 'colour', 'category', 'price', 'Notes'];
    const rows = [
      ['A1', 'Chocolate cake', 'chocolate-cake.png', '#4a2a1a', 'cake', '$4.50', 'keep my  spacing'],
      ['A2', 'Red velvet cake', 'red-velvet-cake.png', '#a3162b', 'Cake', '1.299,00 €', ''],
      ['A3', 'Fish and chips', 'fish-and-chips.png', '', 'fried', '9.50 USD', 'x'],
      ['A4', 'French fries', 'french-fries.png', '#f4c542', 'fried', 'n/a', ''],
      ['A5', 'Churros', 'missing.png', '#c68642', 'pastry', '3', ''],
    ];
    write([header, ...rows]);
    const run = () => importCatalog({ store, pool: engine.embedder(), file });

    const first = await run();
    assert.deepEqual([first.added, first.updated, first.unchanged, first.removed], [5, 0, 0, 0]);
    assert.deepEqual(first.problems.map((p) => [p.id, p.reason]), [['A5', 'picture missing.png not found next to the catalog; imported with its words and colour']]);
    const keys = await store.catalogItems('shop');
    assert.deepEqual([...keys.keys()].sort(), ['shop:A1', 'shop:A2', 'shop:A3', 'shop:A4', 'shop:A5']);
    const saved = await store.catalog('shop');
    assert.deepEqual([saved?.mapping?.id, saved?.mapping?.price, saved?.columns], ['id', 'price', header]);
    const [details] = await catalogDetails(store);
    assert.deepEqual([details?.name, details?.products, details?.problems, details?.summary?.added], ['shop', 5, 1, 5]);

    // The user's fields come back exactly as the file wrote them.
    const a1 = await productId(store, 'A1');
    const detail = pgItems ? await pgItems.itemDetail(a1) : engine.store.itemDetail(a1);
    assert.equal(detail?.fields.Notes, 'keep my  spacing');
    assert.equal(detail?.fields.price, '$4.50');
    // Each space has its vector: words (text), picture (visual, clip) and colour.
    for (const space of PRODUCT_SPACES) assert.ok((await store.readVectors(space, [a1])).get(a1), `${space} vector of A1`);
    const a5 = await productId(store, 'shop:A5');
    assert.equal((await store.readVectors('visual', [a5])).size, 0, 'no picture, no visual vector');
    assert.ok((await store.readVectors('clip', [a5])).get(a5), 'its words stand in clip space');

    // Imported again unchanged: nothing embedded. One row changed, one gone: only those.
    const again = await run();
    assert.deepEqual([again.added, again.updated, again.unchanged, again.removed], [0, 0, 5, 0]);
    write([header, ...rows.slice(0, 2), ['A3', 'Fish and chips', 'fish-and-chips.png', '', 'fried', '4,99', 'x'], rows[3] as string[]]);
    const changed = await run();
    assert.deepEqual([changed.added, changed.updated, changed.unchanged, changed.removed], [0, 1, 3, 1]);
    assert.equal(await fails(() => productId(store, 'A5')), 'not-found: No product A5: give a catalog and key such as demo:2, or a key that only one catalog has.');

    // Conditions read numbers as people write them, and text without case.
    assert.deepEqual(await browse('price <= 5'), ['Chocolate cake', 'Fish and chips']);
    assert.deepEqual(await browse('price > 1000'), ['Red velvet cake']);
    assert.deepEqual(await browse('category = CAKE'), ['Chocolate cake', 'Red velvet cake']);
    assert.deepEqual(await browse('category != fried and Notes = X'), []);
    assert.deepEqual(await browse('category in (fried) and Notes != x'), ['French fries']);
    assert.deepEqual(await browse('price < 1 or category = cake'), ['Chocolate cake', 'Red velvet cake']);

    const query = await substitutesQuery(store, { product: 'A2', where: 'colour != red and prices <= 5' }).catch((error: Error) => error.message);
    assert.equal(query, 'No field "prices": use a role (id, name, colour, category, price, brand, description) or a catalog\'s column (Notes).');
    const asked = await substitutesQuery(store, { product: 'A2', where: 'PRICE <= 5', preset: 'balanced' });
    assert.deepEqual(asked.filters, { kinds: ['product'], where: [{ field: 'price', op: '<=', value: 5 }] });
    assert.deepEqual(asked.product, { id: await productId(store, 'A2'), title: 'Red velvet cake', key: 'shop:A2' });
    assert.deepEqual(asked.terms.map((term) => term.space).sort(), Object.keys(asked.weights).filter((s) => (asked.weights as Record<string, number>)[s] !== 0).sort());
  });
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(
    `store matrix (${backend}): forgetting a folder takes its items out at once and undo brings them back as they were (ids, tags, albums, vectors, raw path bytes)`,
    { skip: backend === 'postgres' ? postgresMissing : undefined, timeout: 60_000 },
    async (t) => {
      const { dir, engine, pg } = await openStores(t, backend);
      const { items, labels, albums: albumStore, forget } = await storesWith4dClip(engine, pg);
      const albums = new AlbumService(albumStore, new EngineEvents()).api;
      const jobs = new JobScheduler();

      const trip = path.join(dir, 'Trip');
      const home = path.join(dir, 'Home');
      const [tripId, homeId] = [await items.addRoot(trip), await items.addRoot(home)];
      // 1,203 photos in the trip: more than two chunks of a forget and of an undo.
      const vectorOf = (i: number): number[] => [Math.cos(i), Math.sin(i), (i % 7) / 7, 1];
      const tripIds: number[] = [];
      for (let start = 0; start < 1203; start += 400) {
        const batch = Array.from({ length: Math.min(400, 1203 - start) }, (_, j) => start + j);
        tripIds.push(
          ...(await items.writeItems(
            batch.map((i) => ({
              item: { kind: 'photo' as const, path: path.join(trip, `${i}.jpg`), rootId: tripId, contentHash: `h${i}`, takenAt: 1_600_000_000_000 + i, width: 640, height: 480, ...(i === 0 ? { pathBytes: Buffer.from([0x66, 0xe9, 0x2e, 0x6a]) } : {}) },
              vectors: { clip: vectorOf(i) },
            })),
          )),
        );
      }
      const [homePhoto] = await items.writeItems([{ item: { kind: 'photo', path: path.join(home, 'cat.jpg'), rootId: homeId }, vectors: { clip: [0, 0, 1, 0] } }]);
      const [first, second] = tripIds as [number, number];
      await labels.tagItems('favourite', [first, homePhoto as number]);
      await labels.replaceLabelSet('scenes', [{ id: second, labels: [{ label: 'beach', confidence: 0.75 }] }]);
      await albums.createAlbum({ name: 'Best', ids: [first, second, homePhoto as number] });
      const before = (await items.rootItems(tripId, ['clip'])).find((item) => item.id === first);
      const vectorBefore = (await items.readVectors('clip', [first])).get(first);

      assert.deepEqual(await forget.rootImpact(tripId), { path: trip, photos: 1203, tags: 1, labels: 1, albums: 1, undoHours: 24 });
      assert.equal(await fails(() => forget.rootImpact(999_999)), 'bad-input: No library folder with id 999999.');

      // A cancel while the items are being kept (after the first chunk) changes nothing.
      const stop = jobs.onProgress((progress) => {
        if (progress.kind === 'forget-folder' && progress.done > 0) jobs.cancelAll();
      });
      assert.match(await fails(() => forgetFolder(forget, jobs, { id: tripId, path: trip, online: true, items: 1203 })), /^cancelled: Forgetting .*Trip was cancelled: nothing changed\.$/);
      stop();
      assert.equal((await items.rootItems(tripId, ['clip'])).length, 1203);
      assert.deepEqual(await forget.forgottenFolders(), []);

      const folderId = await forgetFolder(forget, jobs, { id: tripId, path: trip, online: true, items: 1203 });
      assert.deepEqual(await forget.rootByPath(trip), undefined, 'the folder is no library folder any more');
      assert.equal((await items.readVectors('clip', tripIds)).size, 0);
      assert.deepEqual(
        (await albums.albums()).map(({ name, items: n }) => [name, n]),
        [['Best', 1]],
      );
      const [waiting] = await forget.forgottenFolders();
      assert.deepEqual([waiting?.id, waiting?.path, waiting?.photos, waiting?.labels], [folderId, trip, 1203, 2]);
      assert.equal((waiting?.undoUntil ?? 0) - (waiting?.forgottenAt ?? 0), 24 * 3_600_000);

      // Meanwhile one of its files came back into the library (the folder added again): undo leaves that one as it is now.
      const rootAgain = await forget.addRoot(trip);
      const [readAgain] = await items.writeItems([{ item: { kind: 'photo', path: path.join(trip, '5.jpg'), rootId: rootAgain, contentHash: 'new' }, vectors: { clip: [0, 1, 0, 0] } }]);
      // Undo: the same ids, tags, labels, albums and vectors, under the folder again.
      await restoreFolder(forget, jobs, waiting as NonNullable<typeof waiting>, rootAgain);
      const back = await items.rootItems(rootAgain, ['clip']);
      assert.deepEqual(
        back.map((item) => item.id).sort((x, y) => x - y),
        [...tripIds.filter((id) => id !== tripIds[5]), readAgain as number].sort((x, y) => x - y),
      );
      assert.equal(back.find((item) => item.id === readAgain)?.contentHash, 'new');
      const firstBack = back.find((item) => item.id === first);
      assert.deepEqual({ ...firstBack, rootId: tripId }, { ...before, rootId: tripId }, 'the row as it was, raw path bytes too');
      assert.deepEqual(Array.from((await items.readVectors('clip', [first])).get(first) ?? []), Array.from(vectorBefore ?? []));
      assert.equal((await items.readVectors('clip', tripIds)).size, 1202);
      assert.deepEqual((await labels.labelSets()).find((set) => set.name === 'scenes')?.labels, [{ label: 'beach', items: 1 }]);
      assert.deepEqual(await labels.tagItems('favourite', [first]), [], 'its tag came back: tagging again adds nothing');
      assert.deepEqual(
        (await albums.albums()).map(({ name, items: n }) => [name, n]),
        [['Best', 3]],
      );
      assert.deepEqual(await forget.forgottenFolders(), [], 'nothing is left waiting');

      // Forget now: purged, no undo.
      const again = await forgetFolder(forget, jobs, { id: rootAgain, path: trip, online: true, items: 1203 });
      assert.equal((await forget.forgottenFolders())[0]?.photos, 1203);
      assert.equal(await forget.purgeForgotten({ id: again }), 1);
      assert.deepEqual(await forget.forgottenFolders(), []);
      assert.equal(await forget.purgeForgotten({ id: again }), 0);
      assert.equal((await items.rootItems(homeId, ['clip'])).length, 1, 'the other folder is untouched');
    },
  );
}
