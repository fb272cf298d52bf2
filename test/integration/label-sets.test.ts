import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { BLUE, RED, colourPhoto, redAndBlueLibrary } from '../helpers/library.js';

test('label sets last: photos indexed later get them, an empty set stays listed, rename and delete (undone by applying again)', async (t) => {
  const { engine, folder } = await redAndBlueLibrary(t);

  await engine.applyLabels({ name: 'colours', labels: ['red', 'blue'], threshold: 0.5 });
  // A set whose threshold nothing reaches tags nothing, and is still there to lower it.
  await engine.applyLabels({ name: 'strict', labels: ['cat', 'dog', 'car'], threshold: 0.99 });
  const sets = await engine.labelSets();
  assert.deepEqual(
    sets.map((s) => [s.name, s.threshold, s.labels.map((l) => `${l.label} ${l.items}`).join(', ')]),
    [
      ['colours', 0.5, 'blue 3, red 3'],
      ['strict', 0.99, 'car 0, cat 0, dog 0'],
    ],
  );

  // Two more photos arrive: the index that adds them labels them with every set.
  await colourPhoto(path.join(folder, 'red-new.jpg'), RED, 50);
  await colourPhoto(path.join(folder, 'blue-new.jpg'), BLUE, 60);
  const summary = await engine.index({});
  assert.equal(summary.counts.done, 2);
  const tagged = async (label: string): Promise<string[]> =>
    (await engine.search({ query: `label:${label}`, k: 50 })).results.map((r) => path.basename(r.path ?? '')).sort();
  assert.deepEqual(await tagged('red'), ['red-0.jpg', 'red-1.jpg', 'red-2.jpg', 'red-new.jpg']);
  assert.deepEqual(await tagged('blue'), ['blue-0.jpg', 'blue-1.jpg', 'blue-2.jpg', 'blue-new.jpg']);

  // Tag views are ordered by confidence and show it.
  const page = await engine.browse({ label: 'red' });
  const confidences = page.items.map((item) => item.confidence ?? -1);
  assert.equal(page.total, 4);
  assert.ok(confidences.every((c) => c >= 0.5 && c <= 1), confidences.join());
  assert.deepEqual(confidences, [...confidences].sort((a, b) => b - a));
  // (The set is sure of these colour squares alike; the user's own tags of differing confidence show the order.)
  const [a, b, c] = page.items.map((item) => item.id) as [number, number, number];
  engine.store.setLabels(a, '', [{ label: 'favourite', confidence: 0.6 }]);
  engine.store.setLabels(b, '', [{ label: 'favourite', confidence: 0.9 }]);
  engine.store.setLabels(c, '', [{ label: 'favourite', confidence: 0.75 }]);
  assert.deepEqual(
    (await engine.browse({ label: 'favourite' })).items.map((item) => [item.id, item.confidence]),
    [
      [b, 0.9],
      [c, 0.75],
      [a, 0.6],
    ],
  );

  const renamed = await engine.renameLabelSet({ name: 'colours', to: 'main colours' });
  assert.deepEqual(
    renamed.map((s) => s.name),
    ['main colours', 'strict'],
  );
  await assert.rejects(engine.renameLabelSet({ name: 'strict', to: 'main colours' }), /There is a label set "main colours" already/);
  assert.equal((await engine.item({ id: page.items[0]?.id as number })).labels.find((l) => l.label === 'red')?.set, 'main colours');

  const before = await engine.labelSets();
  const deleted = await engine.deleteLabelSet({ name: 'main colours' });
  assert.deepEqual(
    deleted.map((s) => s.name),
    ['strict'],
  );
  assert.deepEqual(await tagged('red'), []);
  await assert.rejects(engine.deleteLabelSet({ name: 'main colours' }), /No label set "main colours"/);
  // Undo is applying it again: the same tags come back.
  const gone = before.find((s) => s.name === 'main colours');
  await engine.applyLabels({ name: 'main colours', labels: gone?.labels.map((l) => l.label) ?? [], threshold: gone?.threshold ?? 0.5 });
  assert.deepEqual(await engine.labelSets(), before);
});
