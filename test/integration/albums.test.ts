import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RED, colourPhoto, redAndBlueLibrary } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';

test('albums: picked by hand (and kept through a move), smart ones stay up to date, album: filters a search', async (t) => {
  const { engine, folder } = await redAndBlueLibrary(t);
  await engine.applyLabels({ name: 'colours', labels: ['red', 'blue'] });
  const idOf = (name: string): number => peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, name)) as number;
  const names = async (query: string): Promise<string[]> => (await engine.search({ query, k: 50 })).results.map((r) => path.basename(r.path ?? '')).sort();

  await engine.createAlbum({ name: 'Summer trip', ids: [idOf('red-0.jpg'), idOf('blue-1.jpg')] });
  await engine.addToAlbum({ name: 'summer trip', ids: [idOf('red-0.jpg'), idOf('red-2.jpg')] });
  await engine.createAlbum({ name: 'All red', query: 'label:red' });
  assert.deepEqual(await engine.albums(), [
    { id: 2, name: 'All red', query: 'label:red', view: null, items: null },
    { id: 1, name: 'Summer trip', query: null, view: null, items: 3 },
  ]);
  // A smart album of a weighted view: photos that look like red-1, by colour.
  await engine.createAlbum({ name: 'Like red-1', view: { similar: { target: String(idOf('red-1.jpg')), weights: { colour: 1 } } } });
  const likeRed = await names('album:"Like red-1"');
  assert.ok(likeRed.length >= 2 && likeRed.every((n) => n.startsWith('red-')), likeRed.join());
  await engine.deleteAlbum({ name: 'Like red-1' });
  await assert.rejects(engine.createAlbum({ name: 'Both', query: 'x', ids: [1] }), /one of them/);
  assert.deepEqual(await names('album:"Summer trip"'), ['blue-1.jpg', 'red-0.jpg', 'red-2.jpg']);
  assert.deepEqual(await names('album:"All red"'), ['red-0.jpg', 'red-1.jpg', 'red-2.jpg']);
  assert.deepEqual(await names('album:"Summer trip" album:"All red"'), ['red-0.jpg', 'red-2.jpg'], 'two albums: in both');
  assert.equal((await engine.search({ query: 'something blue album:"Summer trip"', k: 5 })).results.length >= 1, true);

  // A smart album picks up a photo indexed later.
  await colourPhoto(path.join(folder, 'red-new.jpg'), RED, 40);
  await engine.index({});
  assert.deepEqual(await names('album:"All red"'), ['red-0.jpg', 'red-1.jpg', 'red-2.jpg', 'red-new.jpg']);

  // A moved file stays in its album.
  fs.mkdirSync(path.join(folder, 'sorted'));
  fs.renameSync(path.join(folder, 'blue-1.jpg'), path.join(folder, 'sorted', 'blue-one.jpg'));
  await engine.index({});
  assert.deepEqual(await names('album:"Summer trip"'), ['blue-one.jpg', 'red-0.jpg', 'red-2.jpg']);

  // Forgetting the folder takes its photos out of the album; undo puts them back.
  const forgot = await engine.removeRoot({ path: folder });
  assert.equal((await engine.albums()).find((a) => a.name === 'Summer trip')?.items, 0);
  await engine.restoreRoot({ id: forgot.forgot.id });
  assert.equal((await engine.albums()).find((a) => a.name === 'Summer trip')?.items, 3);

  await engine.removeFromAlbum({ name: 'Summer trip', ids: [idOf('red-2.jpg')] });
  await engine.renameAlbum({ name: 'Summer trip', to: 'Trip' });
  assert.deepEqual(await names('album:Trip'), ['blue-one.jpg', 'red-0.jpg']);
  await assert.rejects(engine.search({ query: 'album:Nowhere' }), /No album "Nowhere" \(albums: All red, Trip\)/);
  await assert.rejects(engine.createAlbum({ name: 'trip' }), /There is an album "Trip" already/);
  await assert.rejects(engine.addToAlbum({ name: 'All red', ids: [idOf('red-0.jpg')] }), /is a smart album/);
  await assert.rejects(engine.createAlbum({ name: 'Broken', query: 'cat after:yesterday' }), /after: takes a date/);
  await engine.createAlbum({ name: 'Loop', query: 'album:Loop' });
  await assert.rejects(engine.search({ query: 'album:Loop' }), /finds its items through itself \(Loop → Loop\)/);
  await engine.deleteAlbum({ name: 'Loop' });
  assert.deepEqual(
    (await engine.deleteAlbum({ name: 'Trip' })).map((a) => a.name),
    ['All red'],
  );
  assert.equal(engine.store.countItems().total, 7, 'deleting an album deletes no item');
});
