import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { DuplicatesResponse } from '../../preload/contract.js';
import { libraryEngine } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing } from '../helpers/test-models.js';

/** The same photo, another file: copied, saved again, smaller, in another format, turned. */
const SAME_PHOTO: Record<string, (bytes: Buffer, width: number) => Promise<Buffer> | Buffer> = {
  copy: (bytes) => bytes,
  q60: (bytes) => sharp(bytes).jpeg({ quality: 60 }).toBuffer(),
  half: (bytes, width) => sharp(bytes).resize(Math.round(width / 2)).jpeg({ quality: 85 }).toBuffer(),
  png: (bytes) => sharp(bytes).png().toBuffer(),
  webp: (bytes) => sharp(bytes).webp({ quality: 80 }).toBuffer(),
  turned: (bytes) => sharp(bytes).rotate(90).jpeg({ quality: 90 }).toBuffer(),
};
/** Edits: the same moment, not the same photo (another tier); they must stay out of this one. */
const EDITS: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
  brighter: (bytes) => sharp(bytes).linear(1.23, 0).jpeg({ quality: 90 }).toBuffer(),
  'hue-shifted': (bytes) => sharp(bytes).modulate({ hue: 12 }).jpeg({ quality: 90 }).toBuffer(),
};

/** Whether an edit changed the picture's mean colour by at least 3 of 255 in some channel (sharp's own statistics). */
async function visiblyDifferent(before: Buffer, after: Buffer): Promise<boolean> {
  const [x, y] = [await sharp(before).stats(), await sharp(after).stats()];
  return x.channels.slice(0, 3).some((channel, i) => Math.abs(channel.mean - (y.channels[i]?.mean ?? 0)) >= 3);
}

test('duplicates on real photos: identical files and the same photo re-saved, resized, converted or turned, each group with a keeper; edits and different photos stay out', { skip: imagenetMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  // 30 originals of 30 ImageNet classes, neighbouring ones among them (the hard negatives).
  const originals = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort().filter((_, i) => i % 33 === 0).slice(0, 30);
  const family = new Map<string, string>();
  for (const [i, file] of originals.entries()) {
    const bytes = fs.readFileSync(path.join(IMAGENET, file));
    const { width = 0 } = await sharp(bytes).metadata();
    const write = (name: string, data: Buffer, ext = 'jpg'): void => {
      fs.writeFileSync(path.join(folder, `${name}.${ext}`), data);
      family.set(`${name}.${ext}`, `o${i}`);
    };
    write(`o${i}`, bytes);
    for (const [change, make] of Object.entries(SAME_PHOTO)) write(`o${i}-${change}`, await make(bytes, width), change === 'png' ? 'png' : change === 'webp' ? 'webp' : 'jpg');
    for (const [change, make] of Object.entries(EDITS)) {
      const edited = await make(bytes);
      // A hue shift of a grey picture changes nothing: it is no edit, so it is not made.
      if (await visiblyDifferent(bytes, edited)) write(`o${i}-${change}`, edited);
    }
  }
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  const answer: DuplicatesResponse = await engine.duplicates({});
  const nameOf = (p: string): string => path.basename(p);
  const pairs = (tier: string): Set<string> => {
    const out = new Set<string>();
    for (const group of answer.groups.filter((g) => g.tier === tier)) {
      const names = group.items.map((m) => nameOf(m.path)).sort();
      for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) out.add(`${names[a]}|${names[b]}`);
    }
    return out;
  };
  const truth = (accept: (name: string) => boolean): Set<string> => {
    const out = new Set<string>();
    const names = [...family.keys()].filter(accept).sort();
    for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) if (family.get(names[a] as string) === family.get(names[b] as string)) out.add(`${names[a]}|${names[b]}`);
    return out;
  };
  const score = (found: Set<string>, expected: Set<string>): { precision: number; recall: number } => {
    const right = [...found].filter((pair) => expected.has(pair)).length;
    return { precision: found.size === 0 ? 1 : right / found.size, recall: right / expected.size };
  };
  const identical = score(pairs('identical'), truth((name) => /^o\d+(-copy)?\.jpg$/.test(name)));
  const samePhoto = score(pairs('same-photo'), truth((name) => !/brighter|hue-shifted/.test(name)));
  console.log(`ℹ identical: precision ${identical.precision.toFixed(3)}, recall ${identical.recall.toFixed(3)}; same photo: precision ${samePhoto.precision.toFixed(3)}, recall ${samePhoto.recall.toFixed(3)} (30 photos, ${family.size} files)`);
  assert.deepEqual(identical, { precision: 1, recall: 1 });
  assert.ok(samePhoto.precision >= 0.98, `same photo precision ${samePhoto.precision}`);
  assert.ok(samePhoto.recall >= 0.95, `same photo recall ${samePhoto.recall}`);
  for (const group of answer.groups) {
    assert.equal(new Set(group.items.map((m) => family.get(nameOf(m.path)))).size, 1, `a group never mixes two photos: ${group.items.map((m) => nameOf(m.path))}`);
    assert.equal(group.items[0]?.id, group.keeper);
  }
  // The keeper of a same-photo group is the largest picture (the half-size copy never is), and says so.
  const sample = answer.groups.find((g) => g.tier === 'same-photo') as DuplicatesResponse['groups'][number];
  assert.doesNotMatch(nameOf(sample.items[0]?.path ?? ''), /-half\./);
  assert.match(sample.why, /largest|least compressed|alike/);
  assert.equal(answer.unhashed, 0);
});
