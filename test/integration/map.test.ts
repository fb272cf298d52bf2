import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Engine } from '../../main/engine/engine.js';
import type { MapCluster } from '../../preload/contract.js';
import { colourPhoto } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

/** Of each point's k nearest on the map, the share in its own group: how well the map keeps the groups apart. */
function groupKept(x: readonly number[], y: readonly number[], groups: readonly string[], k = 5): number {
  let same = 0;
  for (let i = 0; i < x.length; i++) {
    const near = x
      .map((_, j) => [j, ((x[j] as number) - (x[i] as number)) ** 2 + ((y[j] as number) - (y[i] as number)) ** 2] as const)
      .filter(([j]) => j !== i)
      .sort((a, b) => a[1] - b[1])
      .slice(0, k);
    same += near.filter(([j]) => groups[j] === groups[i]).length / k;
  }
  return same / x.length;
}

/** The same share among the k nearest by the vectors' cosine (less their mean): what the map can at best keep. */
function groupKeptInSpace(vectors: readonly Float32Array[], groups: readonly string[], k = 5): number {
  const dims = (vectors[0] as Float32Array).length;
  const mean = new Float32Array(dims);
  for (const v of vectors) for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) + (v[j] as number) / vectors.length;
  const units = vectors.map((v) => {
    const c = Float32Array.from(v, (value, j) => value - (mean[j] as number));
    const norm = Math.hypot(...c) || 1;
    return c.map((value) => value / norm);
  });
  let same = 0;
  units.forEach((u, i) => {
    const near = units
      .map((w, j) => [j, u.reduce((sum, value, d) => sum + value * (w[d] as number), 0)] as const)
      .filter(([j]) => j !== i)
      .sort((a, b) => b[1] - a[1])
      .slice(0, k);
    same += near.filter(([j]) => groups[j] === groups[i]).length / k;
  });
  return same / units.length;
}

test(
  'the map: a layout of dogs, birds and coloured photos (the real MobileNetV2) keeps each group together; a photo added later is placed beside its kind; a mix of spaces; exported as JSON and a picture',
  { skip: imagenetMissing ?? mobilenetMissing, timeout: 400_000 },
  async (t) => {
    const dir = tempDir(t);
    const folder = path.join(dir, 'Pictures');
    fs.mkdirSync(folder);
    const names = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort();
    const synset = (f: string): string => f.split('_')[0] as string;
    // ImageNet's dog breeds (n02085620-n02113978) and birds (n01514668-n01622779), ../shared's one photo of each.
    const dogs = names.filter((f) => synset(f) >= 'n02085620' && synset(f) <= 'n02113978').filter((_, i) => i % 6 === 0);
    const birds = names.filter((f) => synset(f) >= 'n01514668' && synset(f) <= 'n01622779');
    const later = names.filter((f) => synset(f) >= 'n02085620' && synset(f) <= 'n02113978').find((f) => !dogs.includes(f)) as string;
    for (const f of [...dogs, ...birds]) fs.copyFileSync(path.join(IMAGENET, f), path.join(folder, f));
    const hues: Record<string, [number, number, number]> = { red: [200, 40, 35], green: [40, 160, 60], blue: [35, 60, 200] };
    for (const [hue, rgb] of Object.entries(hues)) for (let i = 0; i < 6; i++) await colourPhoto(path.join(folder, `${hue}-${i}.jpg`), rgb, i + hue.length * 10);

    const engine = Engine.open({ databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }), pool: { size: 1, threads: 2 } });
    t.after(() => engine.close());
    await engine.index({ paths: [folder] });
    const pathOf = new Map((peek(engine).prepare('SELECT id, path FROM items').all() as { id: number; path: string }[]).map((r) => [r.id, r.path]));
    const groupOf = (id: number): string => {
      const name = path.basename(pathOf.get(id) ?? '');
      if (dogs.includes(name) || name === later) return 'dog';
      if (birds.includes(name)) return 'bird';
      return 'colour';
    };

    // Nothing laid out yet: said so; a space nothing is in: refused in words.
    assert.equal((await engine.mapPoints({ space: 'visual' })).computed, false);
    await assert.rejects(engine.mapLayout({ space: 'text' }), /Nothing has a text vector yet/);
    await assert.rejects(engine.mapLayout({ weights: { clip: 0 } }), /at least one weight above 0/);

    const summary = await engine.mapLayout({ space: 'visual' });
    assert.equal(summary.state, 'done');
    assert.equal(summary.items, dogs.length + birds.length + 18);
    const map = await engine.mapPoints({ space: 'visual' });
    assert.equal(map.computed, true);
    assert.equal(map.ids.length, summary.items);
    const groups = map.ids.map(groupOf);
    const kept = groupKept(map.x, map.y, groups);
    const vectors = map.ids.map((id) => engine.store.readVectors('visual', [id]).get(id) as Float32Array);
    const inSpace = groupKeptInSpace(vectors, groups);
    console.log(`ℹ map of the visual space (MobileNetV2), ${map.ids.length} photos: of each photo's 5 nearest on the map ${(kept * 100).toFixed(1)}% are of its group (dog, bird, colour); by the vectors themselves ${(inSpace * 100).toFixed(1)}%`);
    assert.ok(kept >= 0.85, `groups kept on the map: ${kept.toFixed(3)}`);
    assert.ok(kept >= inSpace - 0.08, `the map keeps the groups about as well as the vectors do (${kept.toFixed(3)} against ${inSpace.toFixed(3)})`);

    // Its clusters: the finest cluster of each point (its finer group, else its region) mostly of
    // one group, and the dogs and the birds each a cluster of their own at some level (two close
    // islands may make one region, with each a finer group inside).
    const regions = map.clusters.filter((c) => c.level === 'region');
    assert.ok(regions.length >= 2, `${regions.length} regions`);
    const finest = map.ids.map((_, i) => ((map.leaf[i] as number) >= 0 ? (map.leaf[i] as number) : (map.region[i] as number)));
    const groupsIn = (cluster: MapCluster): string[] => map.ids.filter((_, i) => (cluster.level === 'region' ? map.region[i] : map.leaf[i]) === cluster.id).map(groupOf);
    const finestGroups = new Map<number, string[]>();
    finest.forEach((c, i) => c >= 0 && finestGroups.set(c, [...(finestGroups.get(c) ?? []), groupOf(map.ids[i] as number)]));
    const purity = [...finestGroups.values()].reduce((sum, members) => sum + Math.max(...['dog', 'bird', 'colour'].map((g) => members.filter((m) => m === g).length)), 0) / finest.filter((c) => c >= 0).length;
    const clustered = map.region.filter((r) => r >= 0).length / map.ids.length;
    console.log(
      `ℹ clusters of the visual map: ${regions.length} regions (${map.clusters.length - regions.length} finer groups) holding ${(clustered * 100).toFixed(0)}% of the photos, ` +
        `${(purity * 100).toFixed(1)}% of them in their finest cluster's commonest group; regions: ${regions.map((c) => groupsIn(c).join('').replace(/(dog)+/g, 'D').replace(/(bird)+/g, 'B').replace(/(colour)+/g, 'C')).join(' | ')}`,
    );
    assert.ok(purity >= 0.85, `purity ${purity.toFixed(3)}`);
    assert.ok(clustered >= 0.6, `${(clustered * 100).toFixed(0)}% of the photos in a region`);
    for (const group of ['dog', 'bird']) {
      assert.ok(
        map.clusters.some((c) => groupsIn(c).filter((g) => g === group).length >= 0.7 * c.size && c.size >= 5),
        `a cluster of ${group}s`,
      );
    }
    for (const c of map.clusters) {
      assert.equal(c.size, map.ids.filter((_, i) => (c.level === 'region' ? map.region[i] : map.leaf[i]) === c.id).length, 'a cluster counts its points');
      const at = map.ids.findIndex((_, i) => map.x[i] === c.x && map.y[i] === c.y);
      assert.ok(at >= 0 && (c.level === 'region' ? map.region[at] : map.leaf[at]) === c.id, "a cluster's name sits on one of its points");
      if (c.level === 'leaf') assert.equal(map.clusters[c.parent]?.level, 'region');
    }

    // The same layout comes back from the database, the same each time it is asked for.
    assert.deepEqual((await engine.mapPoints({ space: 'visual' })).x, map.x);

    // A dog photo added later is placed (not laid out again) among the dogs.
    fs.copyFileSync(path.join(IMAGENET, later), path.join(folder, later));
    await engine.index({ paths: [folder] });
    const grown = await engine.mapPoints({ space: 'visual' });
    assert.equal(grown.newlyPlaced, 1);
    assert.equal(grown.ids.length, map.ids.length + 1);
    const at = grown.ids.findIndex((id) => path.basename(pathOf.get(id) ?? peek(engine).prepare('SELECT path FROM items WHERE id = ?').pluck().get(id) as string) === later);
    assert.ok(at >= 0 && grown.placed[at] === 1);
    const nearest = grown.ids
      .map((id, j) => [id, ((grown.x[j] as number) - (grown.x[at] as number)) ** 2 + ((grown.y[j] as number) - (grown.y[at] as number)) ** 2] as const)
      .filter((_, j) => j !== at)
      .sort((a, b) => a[1] - b[1])
      .slice(0, 5)
      .map(([id]) => groupOf(id));
    assert.ok(nearest.filter((g) => g === 'dog').length >= 4, `the new dog's neighbours on the map: ${nearest.join(', ')}`);
    assert.deepEqual(grown.x.filter((_, j) => j !== at), map.x, 'the others did not move');

    // A placed photo joins the clusters of its nearest point on the map.
    const besideNew = grown.ids
      .map((_, j) => j)
      .filter((j) => j !== at)
      .sort((a, b) => ((grown.x[a] as number) - (grown.x[at] as number)) ** 2 + ((grown.y[a] as number) - (grown.y[at] as number)) ** 2 - (((grown.x[b] as number) - (grown.x[at] as number)) ** 2 + ((grown.y[b] as number) - (grown.y[at] as number)) ** 2))[0] as number;
    assert.equal(grown.region[at], grown.region[besideNew]);

    // The colour space: the three hues apart, each hue's cluster named by its colour (CLIP
    // zero-shot against the vocabulary the user gave); a mix of the two spaces is laid out too.
    await engine.saveSettings({ mapVocabulary: ['red', 'green', 'blue', 'yellow', 'black', 'white'] });
    await engine.mapLayout({ space: 'colour' });
    const colours = await engine.mapPoints({ space: 'colour' });
    const hueOf = (id: number): string => path.basename(pathOf.get(id) ?? '').split('-')[0] as string;
    const colourItems = colours.ids.map((id, i) => [id, i] as const).filter(([id]) => groupOf(id) === 'colour');
    const hueKept = groupKept(colourItems.map(([, i]) => colours.x[i] as number), colourItems.map(([, i]) => colours.y[i] as number), colourItems.map(([id]) => hueOf(id)));
    assert.ok(hueKept >= 0.9, `hues kept apart on the colour map: ${hueKept.toFixed(3)}`);
    for (const hue of Object.keys(hues)) {
      const theirs = colourItems.filter(([id]) => hueOf(id) === hue).map(([, i]) => colours.region[i] as number);
      const commonest = theirs.sort((a, b) => theirs.filter((r) => r === b).length - theirs.filter((r) => r === a).length)[0] as number;
      const cluster = colours.clusters[commonest];
      assert.ok(cluster && theirs.filter((r) => r === commonest).length >= 5, `the ${hue} photos share a region (${theirs.join(', ')})`);
      assert.equal(cluster.label, hue, `the ${hue} photos' region is named by its CLIP centroid: ${cluster.label} (${cluster.confidence})`);
      assert.equal(cluster.name, hue);
      assert.ok((cluster.confidence ?? 0) > 0.5);
    }
    // Naming a cluster by hand: a tag given to most of its items names it; taken off, the old name is back.
    const redRegion = colours.clusters.find((c) => c.name === 'red') as MapCluster;
    const redIds = colours.ids.filter((_, i) => colours.region[i] === redRegion.id);
    assert.equal((await engine.tagItems({ tag: 'tomato soup', ids: redIds })).tagged, redIds.length);
    assert.equal((await engine.mapPoints({ space: 'colour' })).clusters[redRegion.id]?.name, 'tomato soup');
    assert.deepEqual((await engine.search({ query: 'label:"tomato soup"', k: 50 })).results.map((r) => r.id).sort(), [...redIds].sort(), 'label: finds the tagged items');
    assert.equal((await engine.untagItems({ tag: 'tomato soup', ids: redIds })).untagged, redIds.length);
    assert.equal((await engine.mapPoints({ space: 'colour' })).clusters[redRegion.id]?.name, 'red');
    // Each point's surest tag comes with it, for colouring the map by tag.
    await engine.applyLabels({ name: 'colours', labels: ['red', 'green', 'blue'] });
    const tagged = await engine.mapPoints({ space: 'colour', details: true });
    const tagOf = new Map(tagged.ids.map((id, i) => [id, tagged.items?.[i]?.tag ?? null]));
    const hueTagged = colourItems.filter(([id]) => tagOf.get(id) === hueOf(id)).length;
    assert.ok(hueTagged >= 15, `${hueTagged} of ${colourItems.length} colour photos carry their hue's tag on the map`);
    const mixed = await engine.mapLayout({ weights: { visual: 3, colour: 1 } });
    assert.equal(mixed.name, 'mix:visual=0.75,colour=0.25');
    const mix = await engine.mapPoints({ weights: { visual: 0.75, colour: 0.25 } });
    assert.ok(groupKept(mix.x, mix.y, mix.ids.map(groupOf)) >= 0.8);

    // The command line: the coordinates as JSON, and a picture.
    await engine.close();
    const env = { ...process.env, ...testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }) };
    const out = path.join(dir, 'map.json');
    const png = path.join(dir, 'map.png');
    const run = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'data', 'library.db'), 'map', 'export', '--space', 'visual', '--out', out, '--png', png], { encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Map of visual: ${grown.ids.length} items, \\d+ regions \\(.*\\); written to `));
    const exported = JSON.parse(fs.readFileSync(out, 'utf8')) as { map: string; points: { id: number; x: number; y: number; kind: string; path: string }[] };
    assert.equal(exported.map, 'visual');
    assert.equal(exported.points.length, grown.ids.length);
    assert.ok(exported.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.kind === 'photo' && p.path.startsWith(folder)));
    const picture = await sharp(png).metadata();
    assert.equal(picture.width, 1600);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const dark = data.filter((value, i) => i % 3 === 2 && value < 240).length;
    assert.ok(dark > 100, 'dots are drawn');
    fs.copyFileSync(png, path.join(process.cwd(), 'test-results', 'map-export-visual.png'));
    const refused = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'data', 'library.db'), 'map', 'export', '--space', 'visual'], { encoding: 'utf8', env });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /Say where to write the map/);
  },
);

test('the map of a catalog: its regions named by their products\' own words, the names in the export', { timeout: 200_000 }, async (t) => {
  const dir = tempDir(t);
  // Three kinds of product (the test text model knows toasters, trousers and balls apart),
  // each named with words of its own; the balls are footballs and basketballs.
  const kinds: [string, string, string[]][] = [
    ['toaster', 'Kitchen', ['chrome', 'steel', 'retro', 'compact', 'wide', 'quiet', 'classic', 'smart', 'mini', 'family', 'white', 'black']],
    ['jeans', 'Clothing', ['slim', 'straight', 'bootcut', 'relaxed', 'skinny', 'tapered', 'loose', 'cropped', 'flared', 'stretch', 'raw', 'washed']],
    ['football', 'Sport', ['leather', 'training', 'match', 'junior', 'street', 'indoor', 'beach', 'pro', 'club', 'league', 'youth', 'classic']],
  ];
  const rows = kinds.flatMap(([kind, category, adjectives], k) => adjectives.map((adjective, i) => `P${k}-${i},${adjective} ${kind} ${i % 2 === 0 ? 'deluxe' : 'basic'},${category}`));
  const csv = path.join(dir, 'shop.csv');
  fs.writeFileSync(csv, `id,name,category\n${rows.join('\n')}\n`);
  const engine = Engine.open({ databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')), pool: { size: 1, threads: 1 } });
  t.after(() => engine.close());
  await engine.importCatalog({ file: csv, name: 'shop' });
  const summary = await engine.mapLayout({ space: 'text' });
  assert.ok(summary.clusters >= 3, `${summary.clusters} regions`);
  const map = await engine.mapPoints({ space: 'text', details: true });
  const kindOf = (i: number): string => kinds.find(([kind]) => (map.items?.[i]?.title ?? '').includes(kind))?.[0] ?? '?';
  assert.deepEqual([...new Set(map.items?.map((item) => item.category))].sort(), ['Clothing', 'Kitchen', 'Sport'], "each point carries its product's category");
  for (const [kind, category] of kinds) {
    const regions = map.region.filter((_, i) => kindOf(i) === kind);
    const region = map.clusters[regions[0] as number] as MapCluster;
    assert.ok(regions.every((r) => r === region.id), `the ${kind} products share one region (${regions.join(', ')})`);
    assert.ok(map.region.every((r, i) => r !== region.id || kindOf(i) === kind), `the ${kind} region holds only ${kind} products`);
    // Named by its words (the test CLIP knows only colours: no vocabulary word is sure enough).
    assert.ok((region.confidence ?? 0) < 0.25);
    assert.deepEqual(region.words.slice(0, 2).sort(), [kind, category.toLowerCase()].sort(), `the ${kind} region's words: ${region.words.join(', ')}`);
    assert.ok(region.name?.includes(kind), `named ${region.name}`);
    assert.ok(!region.words.includes('deluxe') && !region.words.includes('basic'), 'words every region has name none');
  }

  // The export: each cluster with its names, each point with its clusters; the picture with the names.
  await engine.close();
  const out = path.join(dir, 'map.json');
  const run = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'data', 'library.db'), 'map', 'export', '--space', 'text', '--out', out, '--png', path.join(dir, 'map.png')], {
    encoding: 'utf8',
    env: { ...process.env, ...testModelEnv(path.join(dir, 'models')) },
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Map of text: 36 items, \d+ regions \(.*toaster.*\)/);
  const exported = JSON.parse(fs.readFileSync(out, 'utf8')) as { clusters: { id: number; name: string | null; words: string[] }[]; points: { title: string; region: number; category: string }[] };
  const toasters = exported.points.filter((p) => p.title.includes('toaster'));
  assert.ok(toasters.every((p) => exported.clusters[p.region]?.name?.includes('toaster')), "a point's region, by its index, is the named cluster");
  fs.copyFileSync(path.join(dir, 'map.png'), path.join(process.cwd(), 'test-results', 'map-export-catalog.png'));
  const vocabulary = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'data', 'library.db'), 'map', 'vocabulary', '--set', 'toaster, lamp'], { encoding: 'utf8', env: { ...process.env, ...testModelEnv(path.join(dir, 'models')) } });
  assert.equal(vocabulary.status, 0, vocabulary.stderr);
  assert.equal(vocabulary.stdout, '2 words: toaster, lamp\n');
});
