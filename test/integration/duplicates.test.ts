import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { DuplicatesResponse } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_PHOTOS, IMAGENET, imagenetMissing, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';

/** The same photo, another file: copied, saved again, smaller, in another format, without EXIF, turned. */
const SAME_PHOTO: Record<string, { ext: string; make: (bytes: Buffer, width: number) => Promise<Buffer> | Buffer }> = {
  copy: { ext: 'jpg', make: (bytes) => bytes },
  q60: { ext: 'jpg', make: (bytes) => sharp(bytes).keepExif().jpeg({ quality: 60 }).toBuffer() },
  half: { ext: 'jpg', make: (bytes, width) => sharp(bytes).keepExif().resize(Math.round(width / 2)).jpeg({ quality: 85 }).toBuffer() },
  png: { ext: 'png', make: (bytes) => sharp(bytes).png().toBuffer() },
  webp: { ext: 'webp', make: (bytes) => sharp(bytes).webp({ quality: 80 }).toBuffer() },
  stripped: { ext: 'jpg', make: (bytes) => sharp(bytes).jpeg({ quality: 92 }).toBuffer() },
  turned: { ext: 'jpg', make: (bytes) => sharp(bytes).rotate(90).jpeg({ quality: 90 }).toBuffer() },
};
/** The same moment, not the same photo: a 10% crop, +0.3 EV, a slight hue shift (an editor keeps the date). */
const EDITS: Record<string, (bytes: Buffer, width: number, height: number) => Promise<Buffer>> = {
  crop: (bytes, width, height) => sharp(bytes).keepExif().extract({ left: Math.round(width * 0.05), top: Math.round(height * 0.05), width: Math.round(width * 0.9), height: Math.round(height * 0.9) }).jpeg({ quality: 90 }).toBuffer(),
  brighter: (bytes) => sharp(bytes).keepExif().linear(1.23, 0).jpeg({ quality: 90 }).toBuffer(),
  'hue-shifted': (bytes) => sharp(bytes).keepExif().modulate({ hue: 12 }).jpeg({ quality: 90 }).toBuffer(),
};
const MOMENT_KINDS = /-(crop|brighter|hue-shifted|burst\d)\./;

const exifDate = (time: number): string => new Date(time).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
const dated = (time: number): { IFD0: Record<string, string>; IFD2: Record<string, string> } => ({ IFD0: { DateTime: exifDate(time) }, IFD2: { DateTimeOriginal: exifDate(time) } });

/** Whether an edit changed the picture's mean colour by at least 3 of 255 in some channel (sharp's own statistics). */
async function visiblyDifferent(before: Buffer, after: Buffer): Promise<boolean> {
  const [x, y] = [await sharp(before).stats(), await sharp(after).stats()];
  return x.channels.slice(0, 3).some((channel, i) => Math.abs(channel.mean - (y.channels[i]?.mean ?? 0)) >= 3);
}

test(
  'duplicates on real photos, every tier: 144 originals (134 ImageNet, 10 Debian) with copies, re-saves, conversions, turns, crops, exposure and hue edits and 5-frame bursts; neighbouring classes taken seconds apart stay apart',
  { skip: imagenetMissing ?? mobilenetMissing, timeout: 600_000 },
  async (t) => {
    const dir = tempDir(t);
    const folder = path.join(dir, 'Pictures');
    fs.mkdirSync(folder);
    // 134 ImageNet originals (every 15th class and the one after it) in pairs of neighbouring classes (two sharks, two terriers: the hard
    // negatives), each pair taken 10 s apart, and the Debian sample photos (two motorcycles among them).
    const imagenet = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort();
    const sources: string[] = [];
    for (let i = 0; i < imagenet.length - 1; i += 15) sources.push(path.join(IMAGENET, imagenet[i] as string), path.join(IMAGENET, imagenet[i + 1] as string));
    const imagenetPairs = sources.length / 2;
    for (const file of fs.readdirSync(DEBIAN_PHOTOS).filter((f) => /\.(png|jpg)$/.test(f) && f !== 'page.png').sort()) sources.push(path.join(DEBIAN_PHOTOS, file));
    const family = new Map<string, number>();
    // The motorcycles are a stereo pair: two cameras, one instant. The same moment, never the same photo.
    const stereo = sources.findIndex((s) => s.endsWith('motorcycle_right.png'));
    const momentOf = (i: number): number => (i === stereo ? stereo - 1 : i);
    const neighbours = new Set<string>();
    const start = Date.UTC(2024, 5, 1, 9);
    // Most photos are indexed first, the last 20 in a second index, which checks them against the library.
    fs.mkdirSync(path.join(folder, 'later'));
    for (const [i, source] of sources.entries()) {
      // The original carries a capture date: pairs of neighbouring classes 10 s apart, each pair an hour after the last.
      const taken = i === stereo ? start + Math.floor((i - 1) / 2) * 3_600_000 + ((i - 1) % 2) * 10_000 : start + Math.floor(i / 2) * 3_600_000 + (i % 2) * 10_000;
      const into = i >= sources.length - 20 ? path.join(folder, 'later') : folder;
      const original = await sharp(fs.readFileSync(source)).flatten({ background: '#ffffff' }).withExif(dated(taken)).jpeg({ quality: 95 }).toBuffer();
      const { width = 0, height = 0 } = await sharp(original).metadata();
      const write = (name: string, data: Buffer): void => {
        fs.writeFileSync(path.join(into, name), data);
        family.set(name, i);
      };
      write(`o${i}.jpg`, original);
      if (i % 2 === 1 && i < imagenetPairs * 2) neighbours.add(`${i - 1}|${i}`);
      for (const [change, { ext, make }] of Object.entries(SAME_PHOTO)) write(`o${i}-${change}.${ext}`, await make(original, width));
      for (const [change, make] of Object.entries(EDITS)) {
        const edited = await make(original, width, height);
        // A hue shift of a grey picture changes nothing: it is no edit, so it is not made.
        if (change === 'crop' || (await visiblyDifferent(original, edited))) write(`o${i}-${change}.jpg`, edited);
      }
      // A burst: five frames 1 s apart, each framed 2-4% further and a little lighter or darker.
      for (let frame = 0; frame < 5; frame++) {
        const shift = 0.02 + frame * 0.005;
        const box = { left: Math.round(width * shift), top: Math.round(height * 0.03), width: Math.round(width * 0.94), height: Math.round(height * 0.94) };
        write(`o${i}-burst${frame}.jpg`, await sharp(original).extract(box).linear(frame % 2 === 0 ? 0.97 : 1.04, 0).withExif(dated(taken + frame * 1000)).jpeg({ quality: 90 }).toBuffer());
      }
    }
    const engine = Engine.open({ databaseFile: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }), pool: { size: 2, threads: 1 } });
    t.after(() => engine.close());
    const skipLater = path.join(dir, 'first');
    fs.renameSync(path.join(folder, 'later'), skipLater);
    await engine.index({ paths: [folder] });
    const first = await engine.duplicates({});
    assert.ok(first.checkedAt !== null, 'the first index checked the whole library');
    fs.renameSync(skipLater, path.join(folder, 'later'));
    await engine.index({ paths: [folder] });
    // Indexing checked the 20 new photos against the library; the whole-library check finds the same.
    const afterIndex = await engine.duplicates({});
    assert.equal(afterIndex.checkedAt, first.checkedAt, 'the second index checked only the new photos');
    assert.equal(afterIndex.unchecked, 0);
    const check = await engine.checkDuplicates();
    assert.equal(check.pictures, family.size - sources.length, 'one picture per content: the copies share one');
    const answer: DuplicatesResponse = await engine.duplicates({});
    const nameOf = (p: string): string => path.basename(p);
    const pairsOf = (response: DuplicatesResponse, tier: string): Set<string> => {
      const out = new Set<string>();
      for (const group of response.groups.filter((g) => g.tier === tier)) {
        const names = group.items.map((m) => nameOf(m.path)).sort();
        for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) out.add(`${names[a]}|${names[b]}`);
      }
      return out;
    };
    const truth = (accept: (x: string, y: string) => boolean, moment = false): Set<string> => {
      const out = new Set<string>();
      const names = [...family.keys()].sort();
      for (let a = 0; a < names.length; a++) {
        for (let b = a + 1; b < names.length; b++) {
          const [x, y] = [names[a] as string, names[b] as string];
          if ((moment ? sameMomentFamily(`${x}|${y}`) : family.get(x) === family.get(y)) && accept(x, y)) out.add(`${x}|${y}`);
        }
      }
      return out;
    };
    const sameFamily = (pair: string): boolean => {
      const [x, y] = pair.split('|') as [string, string];
      return family.get(x) === family.get(y);
    };
    function sameMomentFamily(pair: string): boolean {
      const [x, y] = pair.split('|') as [string, string];
      return momentOf(family.get(x) as number) === momentOf(family.get(y) as number);
    }
    // A pair is right when both are the same photo; for the same-photo tier, when neither is an edit or a burst frame either (those are the same moment).
    const score = (found: Set<string>, expected: Set<string>, right: (pair: string) => boolean = sameFamily): { precision: number; recall: number } => ({
      precision: found.size === 0 ? 1 : [...found].filter(right).length / found.size,
      recall: [...expected].filter((pair) => found.has(pair)).length / expected.size,
    });
    const identical = score(pairsOf(answer, 'identical'), truth((x, y) => /^o\d+(-copy)?\.jpg$/.test(x) && /^o\d+(-copy)?\.jpg$/.test(y)));
    const samePhotoTruth = truth((x, y) => !MOMENT_KINDS.test(x) && !MOMENT_KINDS.test(y));
    const samePhoto = score(pairsOf(answer, 'same-photo'), samePhotoTruth, (pair) => samePhotoTruth.has(pair));
    const momentTruth = truth((x, y) => MOMENT_KINDS.test(x) || MOMENT_KINDS.test(y), true);
    const sameMoment = score(pairsOf(answer, 'same-moment'), momentTruth, sameMomentFamily);
    const incremental = score(pairsOf(afterIndex, 'same-moment'), momentTruth, sameMomentFamily);
    const figures = (name: string, s: { precision: number; recall: number }): string => `${name}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}`;
    console.log(`ℹ ${sources.length} photos, ${family.size} files. ${figures('identical', identical)}; ${figures('same photo', samePhoto)}; ${figures('same moment', sameMoment)} (checked at index time: ${figures('', incremental).slice(2)}); whole-library check ${check.seconds.toFixed(1)} s`);
    assert.deepEqual(identical, { precision: 1, recall: 1 });
    assert.ok(samePhoto.precision >= 0.98 && samePhoto.recall >= 0.95, figures('same photo', samePhoto));
    assert.ok(sameMoment.precision >= 0.95 && sameMoment.recall >= 0.9, figures('same moment', sameMoment));
    assert.ok(incremental.precision >= 0.95 && incremental.recall >= 0.9, figures('same moment, checked at index time', incremental));
    // No two different photos share a group of any duplicate tier: not the neighbouring classes taken 10 s apart, not the motorcycles.
    for (const group of answer.groups) {
      const photos = group.items.map((m) => family.get(nameOf(m.path)) as number);
      assert.equal(new Set(group.tier === 'same-moment' ? photos.map(momentOf) : photos).size, 1, `a ${group.tier} group mixes two photos: ${group.items.map((m) => nameOf(m.path))}`);
      assert.equal(group.items[0]?.id, group.keeper);
    }
    assert.ok(neighbours.size >= 60);
    // The keeper of a same-photo group is the largest picture (the half-size copy never is), and says so.
    const sample = answer.groups.find((g) => g.tier === 'same-photo') as DuplicatesResponse['groups'][number];
    assert.doesNotMatch(nameOf(sample.items[0]?.path ?? ''), /-half\./);
    assert.match(sample.why, /largest|least compressed|alike/);
    assert.equal(answer.unhashed, 0);
  },
);
