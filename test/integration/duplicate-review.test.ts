import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { libraryEngine, writePhotos } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';
import { picture, writeShopCatalog } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A library of 6 photos, two of them with a re-save and a half-size copy: two same-photo groups. */
async function libraryWithCopies(t: Parameters<typeof libraryEngine>[0], dir: string): Promise<{ engine: ReturnType<typeof libraryEngine>; folder: string; idOf: (name: string) => number }> {
  const folder = path.join(dir, 'Pictures');
  const photos = await writePhotos(folder, 6, 'photo', 0, { width: 320, height: 240 });
  for (const original of photos.slice(0, 2)) {
    const { name } = path.parse(original);
    await sharp(original).jpeg({ quality: 60 }).toFile(path.join(folder, `${name}-resaved.jpg`));
    await sharp(original).resize(160).jpeg({ quality: 90 }).toFile(path.join(folder, `${name}-small.jpg`));
  }
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  const idOf = (name: string): number => peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, name)) as number;
  return { engine, folder, idOf };
}

const names = (group: { items: { path: string }[] }): string[] => group.items.map((m) => path.basename(m.path)).sort();

test('"not duplicates" is remembered: the group never comes back, not after a re-index, not after a whole-library check; and it can be undone', async (t) => {
  const dir = tempDir(t);
  const { engine, folder } = await libraryWithCopies(t, dir);
  const before = await engine.duplicates({ tiers: ['same-photo'] });
  assert.deepEqual(before.groups.map(names), [
    ['photo-0000-resaved.jpg', 'photo-0000-small.jpg', 'photo-0000.jpg'],
    ['photo-0001-resaved.jpg', 'photo-0001-small.jpg', 'photo-0001.jpg'],
  ]);
  const dismissed = before.groups[0]?.items.map((m) => m.id) as number[];
  assert.deepEqual(await engine.dismissDuplicates({ ids: dismissed }), { dismissed: 3 });
  const kept = async (): Promise<string[][]> => (await engine.duplicates({ tiers: ['same-photo'] })).groups.map(names);
  assert.deepEqual(await kept(), [['photo-0001-resaved.jpg', 'photo-0001-small.jpg', 'photo-0001.jpg']]);
  // A re-index from scratch of the same files (the folder forgotten and added again: new item ids), and a whole check.
  await engine.removeRoot({ path: folder });
  await engine.purgeForgotten({ id: (await engine.status()).forgotten[0]?.id as number });
  await engine.index({ paths: [folder] });
  await engine.checkDuplicates();
  assert.deepEqual(await kept(), [['photo-0001-resaved.jpg', 'photo-0001-small.jpg', 'photo-0001.jpg']], 'the dismissed group stays apart after a re-index');
  const again = (await engine.duplicates({ tiers: ['same-photo'] })).groups.length;
  assert.equal(again, 1);
  // Undo: the ids are new now, the contents are the same.
  const ids = (peek(engine).prepare("SELECT id FROM items WHERE path LIKE '%photo-0000%' ORDER BY id").pluck().all() as number[]);
  assert.deepEqual(await engine.undismissDuplicates({ ids }), { restored: 3 });
  assert.equal((await kept()).length, 2);
  await assert.rejects(engine.dismissDuplicates({ ids: [ids[0] as number, 999_999] }), /No photo or product with id 999999/);
});

test('duplicates set aside: to the trash (a folder the test provides) and back with undo, to a folder and back; tags and albums come back too; nothing is ever overwritten', async (t) => {
  const dir = tempDir(t);
  // The trash of freedesktop.org, under a home the test owns: never the user's real trash.
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const saved = { HOME: process.env.HOME, XDG_DATA_HOME: process.env.XDG_DATA_HOME };
  process.env.HOME = home;
  process.env.XDG_DATA_HOME = path.join(home, '.local', 'share');
  t.after(() => Object.assign(process.env, saved));
  const { engine, folder, idOf } = await libraryWithCopies(t, dir);
  const group = (await engine.duplicates({ tiers: ['same-photo'] })).groups[0] as Awaited<ReturnType<typeof engine.duplicates>>['groups'][number];
  const others = group.items.slice(1).map((m) => m.id);
  assert.equal(path.basename(group.items[0]?.path ?? ''), 'photo-0000.jpg', 'the full-size, least compressed one is the keeper');
  await engine.createAlbum({ name: 'Trip', ids: others });
  await engine.applyLabels({ name: 'colours', labels: ['red', 'blue'] });
  const tagsBefore = peek(engine).prepare('SELECT item_id, label FROM labels WHERE item_id IN (?, ?) ORDER BY 1, 2').all(...others);

  const trashed = await engine.setAside({ action: 'trash', ids: others });
  assert.deepEqual(trashed.failed, []);
  const trashFiles = path.join(home, '.local', 'share', 'Trash', 'files');
  assert.equal(fs.readdirSync(trashFiles).length, 2, 'both went to the test\'s trash');
  for (const moved of trashed.moved) {
    assert.ok(!fs.existsSync(moved.from));
    assert.ok(moved.to?.startsWith(trashFiles) && fs.existsSync(moved.to), `${moved.to} is in the trash`);
  }
  assert.equal((await engine.duplicates({ tiers: ['same-photo'] })).groups.length, 1, 'the group is resolved');
  assert.equal((await engine.albums()).find((a) => a.name === 'Trip')?.items, 0);

  const undone = await engine.undoSetAside({ batch: trashed.batch as number });
  assert.deepEqual(undone, { restored: 2, failed: [] });
  assert.equal(fs.readdirSync(trashFiles).length, 0);
  assert.equal(fs.readdirSync(path.join(home, '.local', 'share', 'Trash', 'info')).length, 0, 'the trash forgets them');
  for (const moved of trashed.moved) assert.ok(fs.existsSync(moved.from), `${moved.from} is back`);
  assert.deepEqual(others.map((id) => idOf(path.basename(trashed.moved.find((m) => m.id === id)?.from ?? ''))), others, 'the same items, with their ids');
  assert.equal((await engine.albums()).find((a) => a.name === 'Trip')?.items, 2, 'back in their album');
  assert.deepEqual(peek(engine).prepare('SELECT item_id, label FROM labels WHERE item_id IN (?, ?) ORDER BY 1, 2').all(...others), tagsBefore, 'with their tags');
  assert.equal((await engine.duplicates({ tiers: ['same-photo'] })).groups.length, 2);
  await assert.rejects(engine.undoSetAside({ batch: trashed.batch as number }), /undone already/);

  // To a folder: never over a file already there; undo moves it back.
  const aside = path.join(dir, 'Set aside');
  fs.mkdirSync(aside);
  fs.writeFileSync(path.join(aside, 'photo-0000-small.jpg'), 'someone else\'s file');
  const moved = await engine.setAside({ action: 'move', ids: others, folder: aside });
  assert.deepEqual(moved.moved.map((m) => path.basename(m.to ?? '')).sort(), ['photo-0000-resaved.jpg', 'photo-0000-small (2).jpg']);
  assert.equal(fs.readFileSync(path.join(aside, 'photo-0000-small.jpg'), 'utf8'), 'someone else\'s file');
  // A file put where one was taken from: undo refuses that one, in words, and overwrites nothing.
  const small = path.join(folder, 'photo-0000-small.jpg');
  fs.writeFileSync(small, 'a new file');
  const partly = await engine.undoSetAside({ batch: moved.batch as number });
  assert.equal(partly.restored, 1);
  assert.match(partly.failed[0]?.reason ?? '', /another file is at .*photo-0000-small\.jpg now/);
  assert.equal(fs.readFileSync(small, 'utf8'), 'a new file');
  assert.ok(fs.existsSync(path.join(aside, 'photo-0000-small (2).jpg')), 'what could not go back stays where it was');

  // Bad input: no such photo; a folder that is not there; a relative path.
  assert.deepEqual((await engine.setAside({ action: 'trash', ids: [999_999] })).failed[0]?.reason, 'no photo with id 999999 in the library folders');
  await assert.rejects(engine.setAside({ action: 'move', ids: others, folder: path.join(dir, 'nowhere') }), /is not a folder here/);
  await assert.rejects(engine.setAside({ action: 'move', ids: others, folder: 'relative/folder' }), /not a full path/);
});

test('the same product listed twice, across catalogs: the same picture (the file, or re-encoded and resized) and the same words; one picture for two products, or one name for two colours, is not', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const shop = await writeShopCatalog(path.join(dir, 'shop'));
  const outlet = path.join(dir, 'outlet');
  fs.mkdirSync(outlet);
  // The red toaster's picture re-hosted (a JPEG at 80%), the plain basketball's copied as it is, a kettle of its own.
  await sharp(path.join(dir, 'shop', 'toaster-red.png')).resize(256).jpeg({ quality: 85 }).toFile(path.join(outlet, 'toaster.jpg'));
  fs.copyFileSync(path.join(dir, 'shop', 'ball-plain.png'), path.join(outlet, 'basketball.png'));
  await picture(path.join(outlet, 'kettle.png'), 'ball', '#20a040');
  fs.writeFileSync(path.join(outlet, 'outlet.csv'), 'id,name,image\nO1,Toaster,toaster.jpg\nO2,Basketball,basketball.png\nO3,Kettle,kettle.png\n');
  await engine.importCatalog({ file: shop, name: 'shop' });
  await engine.importCatalog({ file: path.join(outlet, 'outlet.csv'), name: 'outlet' });
  const answer = await engine.duplicates({ tiers: ['same-product'] });
  const keys = answer.groups.map((group) => group.items.map((m) => m.path).sort());
  // shop:T1 (red) and shop:T2 (blue) share a name, not a picture; shop:T1 and shop:K1 share a picture, not a name.
  assert.deepEqual(keys.sort(), [
    ['outlet:O1', 'shop:T1'],
    ['outlet:O2', 'shop:B2'],
  ]);
  for (const group of answer.groups) {
    assert.equal(group.tier, 'same-product');
    assert.ok(group.items.every((m) => m.kind === 'product' && m.title !== null));
  }
  // The fuller listing is kept: the shop's rows have more fields than the outlet's.
  assert.ok(answer.groups.every((g) => g.items[0]?.path.startsWith('shop:')), answer.groups.map((g) => g.why).join());
  assert.match(answer.groups[0]?.why ?? '', /the fullest listing: \d+ fields filled/);
  // "Not duplicates" holds for products too; setting aside never touches a catalog's picture.
  const ids = answer.groups.find((g) => g.items.some((m) => m.path === 'outlet:O2'))?.items.map((m) => m.id) as number[];
  const refused = await engine.setAside({ action: 'trash', ids });
  assert.deepEqual(refused.moved, []);
  assert.ok(fs.existsSync(path.join(outlet, 'basketball.png')));
  await engine.dismissDuplicates({ ids });
  assert.deepEqual((await engine.duplicates({ tiers: ['same-product'] })).groups.map((g) => g.items.map((m) => m.path).sort()), [['outlet:O1', 'shop:T1']]);
});
