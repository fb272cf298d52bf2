import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AlbumSummary, BrowseResponse, CatalogDetail, CatalogImportSummary, CompareResponse, CopyFilesSummary, SubstitutesResponse, WeightPresetsResponse, ErrorsResponse, FolderNode, IndexSummary, ItemDetail, ProgressResponse, StatusResponse, TextSearchResponse, TimelineResponse, SimilarResponse } from '../../preload/contract.js';
import { PgStore } from '../../main/engine/store/postgres/pg-store.js';
import { Store } from '../../main/engine/store/store.js';
import { Engine } from '../../main/engine/engine.js';
import { folderTree } from '../../main/engine/library/folder-tree.js';
import { serve } from '../helpers/browser.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing, testModelEnv } from '../helpers/test-models.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

/** Reads a server-sent event stream and resolves when an event of `type` arrives. */
async function eventOf(url: string, token: string, type: string, signal: AbortSignal): Promise<{ arrived: Promise<void> }> {
  const response = await fetch(`${url}/api/events?token=${encodeURIComponent(token)}`, { signal });
  assert.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  // Wrapped: an async function returning a bare promise would wait for it.
  const arrived = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream ended before a ${type} event`);
      text += decoder.decode(value);
      if (text.includes(`"type":"${type}"`)) return;
    }
  })();
  return { arrived };
}

test(
  'two serve processes on one PostgreSQL: a search in one finds the photos the other just indexed, it hears of them, and only one indexes at a time',
  { skip: postgresMissing ?? imagenetMissing, timeout: 300_000 },
  async (t) => {
    const dir = tempDir(t);
    const names = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort();
    const [trip, more] = [path.join(dir, 'Pictures', 'trip'), path.join(dir, 'Pictures', 'more')];
    for (const folder of [trip, more]) fs.mkdirSync(folder, { recursive: true });
    names.slice(0, 5).forEach((name) => fs.copyFileSync(path.join(IMAGENET, name), path.join(trip, name)));
    names.slice(5, 45).forEach((name, i) => {
      const sub = path.join(more, i < 20 ? 'beach' : 'city');
      fs.mkdirSync(sub, { recursive: true });
      fs.copyFileSync(path.join(IMAGENET, name), path.join(sub, name));
    });
    fs.writeFileSync(path.join(more, 'city', 'broken.jpg'), 'not a picture');
    const cluster = startPostgres(t);
    const env = { ...testModelEnv(path.join(dir, 'models')), SEMBLANCE_DATA_DIR: path.join(dir, 'data') };
    const files = path.join(dir, 'shared-files');
    // One by --store, the other by SEMBLANCE_STORE, as a deployment would start them.
    const one = await serve(t, { env, options: ['--store', cluster.url, '--files', files] });
    const two = await serve(t, { env: { ...env, SEMBLANCE_STORE: cluster.url }, options: ['--files', files] });
    const base = (port: number): string => `http://127.0.0.1:${port}`;

    // An empty library on both.
    assert.equal((await two.api<StatusResponse>('status', {})).items.total, 0);
    const empty = await two.api<TextSearchResponse>('search', { query: 'a dog' });
    assert.equal(empty.results.length, 0);

    // The second process listens before the first indexes.
    const stop = new AbortController();
    t.after(() => stop.abort());
    const heard = await eventOf(base(two.port), two.token, 'library-changed', stop.signal);
    const summary = await one.api<IndexSummary>('index', { paths: [trip] });
    assert.equal(summary.state, 'done');
    assert.equal(summary.counts.done, 5);
    await heard.arrived;

    // The other process answers a search with what the first indexed: every photo, a score each.
    const found = await two.api<TextSearchResponse>('search', { query: 'a photo', k: 20 });
    assert.deepEqual(found.results.map((hit) => path.basename(hit.path ?? '')).sort(), names.slice(0, 5).sort());
    for (const hit of found.results) assert.ok(hit.score > -1 && hit.score <= 1 && hit.breakdown.clip !== undefined);
    const first = found.results[0];
    assert.ok(first);
    const detail = await two.api<ItemDetail>('item', { id: first.id });
    assert.equal(detail.root, trip);
    assert.deepEqual([...detail.spaces].sort(), ['clip', 'colour', 'visual']);
    const similar = await two.api<SimilarResponse>('similar', { targets: [String(first.id)], k: 10 });
    assert.equal(similar.queries[0]?.results.length, 4, 'the other four, the example left out');
    const status = await two.api<StatusResponse>('status', {});
    assert.equal(status.items.total, 5);
    assert.deepEqual(
      status.spaces.map((s) => [s.space, s.vectors]),
      [
        ['clip', 5],
        ['colour', 5],
        ['visual', 5],
      ],
    );
    // Its thumbnail was made by the first process, in the folder both share; the second serves it.
    const thumb = await fetch(`${base(two.port)}/thumb/${first.id}?token=${encodeURIComponent(two.token)}`);
    assert.equal(thumb.status, 200);
    assert.match(thumb.headers.get('content-type') ?? '', /^image\//);

    // One indexing job at a time across the processes: while the first indexes, the second is told so.
    const long = one.api<IndexSummary>('index', { paths: [more] });
    for (let i = 0; i < 600; i++) {
      const progress = await one.api<ProgressResponse>('progress', {});
      if (progress.index?.state === 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const refused = await two.call('index', { paths: [trip] });
    assert.equal(refused.status, 400);
    assert.ok(!refused.result.ok && /Another Semblance process is indexing this library now/.test(refused.result.error.message), JSON.stringify(refused.result));
    const longSummary = await long;
    assert.deepEqual([longSummary.counts.done, longSummary.counts.failed], [40, 1]);
    const after = await two.api<TextSearchResponse>('search', { query: 'a photo', k: 100 });
    assert.equal(after.results.length, 45);
    // Once the first has finished, the second may index.
    assert.equal((await two.api<IndexSummary>('index', { paths: [trip] })).counts.skipped, 5);

    // Browsing and the timeline page through the same rows as the SQLite store would: the library copied back into a file answers the same.
    const copied = path.join(dir, 'copied.db');
    const back = spawnSync(process.execPath, [BIN, 'store', 'copy', '--from', cluster.url, '--to', copied], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(back.status, 0, back.stderr);
    const sqlite = Store.open(copied);
    t.after(() => sqlite.close());
    for (const request of [{}, { sort: 'name' as const, offset: 3, limit: 10 }, { folder: trip }, { statuses: ['ok' as const], limit: 7 }]) {
      assert.deepEqual(await two.api<BrowseResponse>('browse', request), sqlite.browse(request), JSON.stringify(request));
      assert.deepEqual(await two.api<TimelineResponse>('timeline', request), sqlite.timeline(request));
    }
    // The folder tree and the failures, as the SQLite library would list them.
    const moreRoot = sqlite.roots().find((root) => root.path === more);
    assert.ok(moreRoot);
    const tree = await two.api<FolderNode>('folderTree', { path: more });
    assert.deepEqual(tree, folderTree(more, sqlite.rootItemPaths(moreRoot.id)));
    assert.deepEqual(
      tree.children.map((child) => [child.name, child.items]),
      [
        ['beach', 20],
        ['city', 20],
      ],
    );
    const failures = await two.api<ErrorsResponse>('errors', {});
    assert.deepEqual(failures, { ...sqlite.errorPage({ offset: 0, limit: 100 }), offset: 0, groups: sqlite.errorGroups() });
    assert.deepEqual([failures.total, failures.errors[0]?.path, failures.groups[0]?.reason], [1, path.join(more, 'city', 'broken.jpg'), 'not an image format Semblance can read']);

    // Albums are shared too: one process makes one, the other hears of it and opens it.
    const albumHeard = await eventOf(base(two.port), two.token, 'library-changed', stop.signal);
    const picked = after.results.slice(0, 2).map((hit) => hit.id);
    await one.api('createAlbum', { name: 'Trip', ids: picked });
    await albumHeard.arrived;
    assert.deepEqual(
      (await two.api<AlbumSummary[]>('albums', {})).map(({ name, items }) => [name, items]),
      [['Trip', 2]],
    );
    const opened = await two.api<TextSearchResponse>('search', { query: 'album:Trip' });
    assert.deepEqual([opened.listed?.total, opened.results.map((hit) => hit.id).sort()], [2, [...picked].sort()]);
    assert.equal((await two.api<TextSearchResponse>('search', { query: 'album:trip a photo' })).results.length, 2, 'words within an album');

    // A label set applied by one process (zero-shot, as a job) is the other's too, and new photos get it.
    const applied = await two.api<{ state: string; items: number }>('applyLabels', { name: 'what', labels: ['a photo', 'a drawing'], threshold: 0 });
    assert.deepEqual([applied.state, applied.items], ['done', 45]);
    const sets = await one.api<{ name: string; labels: { label: string; items: number }[] }[]>('labelSets', {});
    assert.deepEqual(
      sets.map((set) => [set.name, set.labels.reduce((n, l) => n + l.items, 0)]),
      [['what', 90]],
      'every photo tagged with both labels at threshold 0',
    );
    const tagged = await two.api<BrowseResponse>('browse', { label: 'a photo' });
    assert.equal(tagged.total, 45);
    assert.equal(tagged.items.every((item) => typeof item.confidence === 'number'), true, 'a tag\'s page says how sure');
    fs.copyFileSync(path.join(IMAGENET, names[45] as string), path.join(trip, names[45] as string));
    assert.equal((await one.api<IndexSummary>('index', { paths: [trip] })).counts.done, 1);
    assert.equal((await two.api<typeof sets>('labelSets', {}))[0]?.labels.reduce((n, l) => n + l.items, 0), 92, 'the new photo got the set too');

    // The connection that hears changes is cut (a server restart, a network hiccup): it comes back by itself.
    const admin = await PgStore.open(cluster.url);
    t.after(() => admin.close());
    const cut = await admin.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
    assert.equal(cut.rows.length, 2, 'both processes were listening');
    const afterCut = await eventOf(base(two.port), two.token, 'library-changed', stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await one.api('createAlbum', { name: 'After the cut', ids: picked });
    await afterCut.arrived;

    // Comparing texts and items, as the SQLite library compares them (the copy's vectors are the same).
    const compared = await two.api<CompareResponse>('compare', { a: 'a photo of a dog', b: { item: picked[0] } });
    assert.deepEqual(Object.keys(compared.scores).sort(), ['clip']);
    const sqliteEngine = Engine.open({ databaseFile: copied, env });
    t.after(() => sqliteEngine.close());
    assert.deepEqual(await two.api<CompareResponse>('compare', { a: { item: picked[0] }, b: { item: picked[1] } }), await sqliteEngine.compare({ a: { item: picked[0] as number }, b: { item: picked[1] as number } }));

    // Files taken out of the library into a folder of the server's, byte for byte; an id not there said in words.
    const out = path.join(dir, 'out');
    const copiedOut = await two.api<CopyFilesSummary>('copyFiles', { ids: [...picked, 999_999], folder: out });
    assert.deepEqual([copiedOut.state, copiedOut.copied.length, copiedOut.failed], ['done', 2, [{ id: 999_999, path: null, reason: 'no item with id 999999' }]]);
    for (const { from, to } of copiedOut.copied) assert.deepEqual(fs.readFileSync(to), fs.readFileSync(from));

    // The broken file fixed on disk: "read them again" reads it, and the failures are gone.
    fs.copyFileSync(path.join(IMAGENET, names[46] as string), path.join(more, 'city', 'broken.jpg'));
    const retried = await one.api<IndexSummary>('retryErrors', {});
    assert.deepEqual([retried.counts.done, retried.counts.failed], [1, 0]);
    assert.equal((await two.api<ErrorsResponse>('errors', {})).total, 0);
    const nothing = await two.call('retryErrors', {});
    assert.equal(nothing.status, 404);

    // Forgetting a folder in one process: asked first (what it takes), refused while another process holds the index, then out for both, and undone by the other.
    const everything = async (): Promise<number[]> => (await one.api<TextSearchResponse>('search', { query: 'a photo', k: 100 })).results.map((hit) => hit.id).sort((a, b) => a - b);
    const all = await everything();
    assert.equal(all.length, 47);
    const impact = await two.api<{ path: string; photos: number; albums: number; undoHours: number }>('folderImpact', { path: trip });
    assert.deepEqual([impact.path, impact.photos, impact.undoHours], [trip, 6, 24]);
    const holder = await admin.pool.connect();
    await holder.query("SELECT pg_advisory_lock($1, hashtext('index'))", [0x53454d4a]);
    const held = await two.call('removeRoot', { path: trip });
    await holder.query("SELECT pg_advisory_unlock($1, hashtext('index'))", [0x53454d4a]);
    holder.release();
    assert.equal(held.status, 400);
    assert.ok(!held.result.ok && /Another Semblance process is indexing this library now: try forgetting .* again when it has finished\./.test(held.result.error.message), JSON.stringify(held.result));
    const forgetHeard = await eventOf(base(one.port), one.token, 'library-changed', stop.signal);
    const forgot = await two.api<StatusResponse & { forgot: { id: number; path: string; photos: number } }>('removeRoot', { path: trip });
    assert.deepEqual([forgot.forgot.path, forgot.forgot.photos], [trip, 6]);
    await forgetHeard.arrived;
    const left = await everything();
    assert.equal(left.length, 41);
    const oneStatus = await one.api<StatusResponse>('status', {});
    assert.deepEqual(oneStatus.forgotten.map((f) => [f.id, f.path]), [[forgot.forgot.id, trip]], 'the other process offers the undo too');
    assert.equal(oneStatus.roots.some((root) => root.path === trip), false);
    assert.equal((await one.call('folderTree', { path: trip })).status, 404);
    const restored = await one.api<StatusResponse>('restoreRoot', { id: forgot.forgot.id });
    assert.deepEqual(restored.forgotten, []);
    assert.deepEqual(await everything(), all, 'the same items, the same ids');
    assert.equal((await two.api<TextSearchResponse>('search', { query: 'album:Trip' })).listed?.total, 2);
    // Forgotten for good ("forget now"): no undo left.
    const again = await one.api<StatusResponse & { forgot: { id: number } }>('removeRoot', { path: trip });
    assert.deepEqual((await two.api<StatusResponse>('purgeForgotten', { id: again.forgot.id })).forgotten, []);
    assert.equal((await two.call('restoreRoot', { id: again.forgot.id })).status, 404);
    assert.equal((await everything()).length, 41);

    // What a library in PostgreSQL does not do yet says so, in words, and its status lists it.
    const duplicates = await two.call('duplicates', {});
    assert.equal(duplicates.status, 501);
    assert.ok(!duplicates.result.ok && /duplicates is not available on a library in PostgreSQL yet/.test(duplicates.result.error.message));
    assert.ok((await two.api<StatusResponse>('status', {})).unsupported?.includes('duplicates'));
    const personQuery = await two.call('search', { query: 'person:Ana beach' });
    assert.equal(personQuery.status, 400);
  },
);

test(
  'two serve processes on one PostgreSQL: a catalog imported by one is listed, browsed with conditions and searched for substitutes by the other, its pictures served, as the SQLite library answers',
  { skip: postgresMissing, timeout: 240_000 },
  async (t) => {
    const dir = tempDir(t);
    const cluster = startPostgres(t);
    const env = { ...testModelEnv(path.join(dir, 'models')), SEMBLANCE_DATA_DIR: path.join(dir, 'data') };
    const files = path.join(dir, 'shared-files');
    const one = await serve(t, { env, options: ['--store', cluster.url, '--files', files] });
    const two = await serve(t, { env, options: ['--store', cluster.url, '--files', files] });
    const stop = new AbortController();
    t.after(() => stop.abort());
    const heard = await eventOf(`http://127.0.0.1:${two.port}`, two.token, 'library-changed', stop.signal);

    const summary = await one.api<CatalogImportSummary>('importCatalog', { demo: true });
    assert.deepEqual([summary.catalog, summary.added, summary.problems.length], ['demo', 5, 0]);
    await heard.arrived;
    const catalogs = await two.api<CatalogDetail[]>('catalogs', {});
    assert.deepEqual(catalogs.map((c) => [c.name, c.products, c.mapping?.price]), [['demo', 5, 'price']]);
    assert.equal((await two.api<StatusResponse>('status', {})).unsupported?.includes('substitutes'), false);

    // Imported again by the other process: nothing changed, nothing embedded.
    const again = await two.api<CatalogImportSummary>('importCatalog', { demo: true });
    assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 5]);

    // Substitutes under a condition on the price column, and browsing by it.
    const cheaper = await two.api<SubstitutesResponse>('substitutes', { product: 'demo:1', where: 'price <= 5', k: 10 });
    assert.equal(cheaper.product.title, 'Chocolate cake');
    const titles = new Map((await two.api<BrowseResponse>('browse', { kinds: ['product'], limit: 10 })).items.map((item) => [item.id, item.title]));
    assert.deepEqual(cheaper.results.map((hit) => titles.get(hit.id)).sort(), ['Churros', 'French fries', 'Red velvet cake']);
    const refused = await two.call('substitutes', { product: 'demo:1', where: 'prise <= 5' });
    assert.equal(refused.status, 400);
    assert.ok(!refused.result.ok && /^No field "prise"/.test(refused.result.error.message));

    // A substitutes view saved as a smart album opens in the other process, with what the view finds now.
    await one.api('createAlbum', { name: 'Cheaper than cake', view: { substitutes: { product: cheaper.product.id, weights: cheaper.weights, where: [{ field: 'price', op: '<=', value: 5 }] } } });
    const album = await two.api<TextSearchResponse>('search', { query: 'album:"Cheaper than cake"', k: 10 });
    const relevant = cheaper.cutoff ? cheaper.results.slice(0, cheaper.cutoff.index) : cheaper.results;
    assert.deepEqual(album.results.map((hit) => hit.id).sort(), relevant.map((hit) => hit.id).sort());

    // Weight presets are the library's: saved by both processes at once, both kept; a built-in name refused.
    const weights = { clip: 0.2, visual: 0.2, text: 0.6, colour: 0 };
    await Promise.all([one.api('saveWeightPreset', { name: 'mostly words', weights }), two.api('saveWeightPreset', { name: 'all look', weights: { ...weights, visual: 1, text: 0 } })]);
    const presets = await one.api<WeightPresetsResponse>('weightPresets', {});
    assert.deepEqual(presets.saved.map((p) => p.name), ['all look', 'mostly words']);
    assert.deepEqual(presets.saved[1]?.weights, weights);
    assert.ok(presets.builtIn.some((p) => p.name === 'balanced'));
    const builtIn = await two.call('saveWeightPreset', { name: 'balanced', weights });
    assert.equal(builtIn.status, 400);

    // A product's picture is served by either process; its file is the catalog's own.
    const id = cheaper.product.id;
    const picture = await fetch(`http://127.0.0.1:${two.port}/original/${id}?token=${encodeURIComponent(two.token)}`);
    assert.equal(picture.status, 200);
    assert.deepEqual(Buffer.from(await picture.arrayBuffer()), fs.readFileSync(path.resolve('resources', 'demo-catalog', 'chocolate-cake.png')));
    const detail = await two.api<ItemDetail>('item', { id });
    assert.deepEqual([detail.kind, detail.catalog, detail.fields.price, detail.fields.taste], ['product', 'demo', '4.5', 'sweet, rich chocolate'], 'the fields as the file wrote them');

    // The SQLite library, the same library copied back into a file, gives the same answers.
    const copied = path.join(dir, 'copied.db');
    const back = spawnSync(process.execPath, [BIN, 'store', 'copy', '--from', cluster.url, '--to', copied], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(back.status, 0, back.stderr);
    const engine = Engine.open({ databaseFile: copied, env });
    t.after(() => engine.close());
    const here = await engine.substitutes({ product: 'demo:1', where: 'price <= 5', k: 10 });
    assert.deepEqual(
      cheaper.results.map((hit) => [hit.id, hit.score.toFixed(6)]),
      here.results.map((hit) => [hit.id, hit.score.toFixed(6)]),
    );
    const where = { kinds: ['product' as const], where: [{ field: 'category', op: '=' as const, value: 'CAKE' }] };
    assert.deepEqual(await two.api<BrowseResponse>('browse', where), engine.store.browse(where));
    assert.deepEqual(await two.api<CatalogDetail[]>('catalogs', {}), await engine.catalogs());
    assert.deepEqual(detail, engine.store.itemDetail(id));
    assert.deepEqual(await engine.weightPresets(), presets, 'the presets came along');
  },
);
