import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Engine } from '../../main/engine/engine.js';
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

    // The colour space: the three hues apart; a mix of the two spaces is laid out too.
    await engine.mapLayout({ space: 'colour' });
    const colours = await engine.mapPoints({ space: 'colour' });
    const hueOf = (id: number): string => path.basename(pathOf.get(id) ?? '').split('-')[0] as string;
    const colourItems = colours.ids.map((id, i) => [id, i] as const).filter(([id]) => groupOf(id) === 'colour');
    const hueKept = groupKept(colourItems.map(([, i]) => colours.x[i] as number), colourItems.map(([, i]) => colours.y[i] as number), colourItems.map(([id]) => hueOf(id)));
    assert.ok(hueKept >= 0.9, `hues kept apart on the colour map: ${hueKept.toFixed(3)}`);
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
    assert.match(run.stdout, new RegExp(`^Map of visual: ${grown.ids.length} items; written to `));
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
