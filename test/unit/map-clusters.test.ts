import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayName, distinctiveWords, nameWords, zeroShotName } from '../../main/engine/map/cluster-names.js';
import { clusterMap } from '../../main/engine/map/clusters.js';
import { seeded } from '../../main/engine/map/umap-worker.js';

/** Points around centres, `count` each, spread `spread`; the truth is each point's centre. */
function blobs(centres: readonly { x: number; y: number; count: number; spread: number }[], seed = 1): { coords: Float32Array; truth: number[] } {
  const random = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const coords: number[] = [];
  const truth: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < c.count; i++) {
      coords.push(c.x + gauss() * c.spread, c.y + gauss() * c.spread);
      truth.push(k);
    }
  });
  return { coords: Float32Array.from(coords), truth };
}

/** Of the clustered points, the share in their region's commonest blob. */
function purity(region: Int32Array, truth: readonly number[]): number {
  const counts = new Map<string, number>();
  region.forEach((r, i) => {
    if (r >= 0) counts.set(`${r}:${truth[i]}`, (counts.get(`${r}:${truth[i]}`) ?? 0) + 1);
  });
  const best = new Map<number, number>();
  for (const [key, count] of counts) {
    const r = Number(key.split(':')[0]);
    best.set(r, Math.max(best.get(r) ?? 0, count));
  }
  return [...best.values()].reduce((a, b) => a + b, 0) / region.filter((r) => r >= 0).length;
}

test('clusters of a map: blobs of different sizes and densities are each a region; a lone point far off is noise', () => {
  const { coords, truth } = blobs([
    { x: 0, y: 0, count: 400, spread: 1 },
    { x: 12, y: 0, count: 150, spread: 0.5 },
    { x: 0, y: 14, count: 60, spread: 2 },
    { x: 14, y: 14, count: 900, spread: 1.5 },
  ]);
  const withOutlier = Float32Array.from([...coords, 60, -60]);
  const found = clusterMap(withOutlier);
  const regions = found.clusters.filter((c) => c.level === 'region');
  assert.equal(regions.length, 4, `regions of sizes ${regions.map((c) => c.size).join(', ')}`);
  assert.ok(purity(found.region.subarray(0, truth.length), truth) >= 0.99);
  // Each blob is almost all in one region (HDBSCAN leaves its thinnest edges out, as noise).
  for (let k = 0; k < 4; k++) {
    const mine = truth.map((t, i) => (t === k ? (found.region[i] as number) : -2)).filter((r) => r !== -2);
    const commonest = Math.max(...[...new Set(mine)].filter((r) => r >= 0).map((r) => mine.filter((m) => m === r).length));
    assert.ok(commonest >= 0.8 * mine.length, `blob ${k}: ${commonest} of ${mine.length} in its region`);
  }
  assert.equal(found.region[truth.length], -1, 'the far point is between clusters');
  for (const cluster of found.clusters) {
    const field = cluster.level === 'region' ? found.region : found.leaf;
    assert.equal(cluster.size, field.filter((r) => r === cluster.id).length);
    const anchor = Array.from({ length: withOutlier.length / 2 }, (_, i) => i).find((i) => withOutlier[i * 2] === cluster.x && withOutlier[i * 2 + 1] === cluster.y) as number;
    assert.equal(field[anchor], cluster.id, 'its name sits on one of its points');
  }
  // The same map, the same clusters.
  assert.deepEqual(clusterMap(withOutlier).region, found.region);
});

test('clusters of a map: a region made of two close groups has each as a finer group inside it; leaves lie in their region', () => {
  // Two pairs: each pair's groups touching, the pairs far apart: two regions, each with two leaves.
  const { coords, truth } = blobs([
    { x: 0, y: 0, count: 200, spread: 0.4 },
    { x: 1.5, y: 0, count: 200, spread: 0.4 },
    { x: 40, y: 0, count: 200, spread: 0.4 },
    { x: 41.5, y: 0, count: 200, spread: 0.4 },
  ]);
  const found = clusterMap(coords, { minClusterSize: 30 });
  const regions = found.clusters.filter((c) => c.level === 'region');
  const leaves = found.clusters.filter((c) => c.level === 'leaf');
  assert.deepEqual(regions.map((c) => c.size), [400, 400]);
  assert.equal(leaves.length, 4);
  const groupOfLeaf = new Set<number>();
  for (const leaf of leaves) {
    assert.equal(found.clusters[leaf.parent]?.level, 'region');
    const members = truth.filter((_, i) => found.leaf[i] === leaf.id);
    found.leaf.forEach((l, i) => l === leaf.id && assert.equal(found.region[i], leaf.parent, "a leaf's points are in its region"));
    const counts = [0, 1, 2, 3].map((g) => members.filter((t) => t === g).length);
    const most = Math.max(...counts);
    groupOfLeaf.add(counts.indexOf(most));
    assert.ok(most >= 0.9 * members.length, `a leaf is one group (${most} of ${members.length})`);
    assert.ok(members.length >= 0.55 * 200, `a leaf holds most of its group (${members.length} of 200)`);
  }
  assert.equal(groupOfLeaf.size, 4, 'each group has its leaf');
});

test('clusters of a map: too few points, all on one spot, or on one line give no error', () => {
  assert.equal(clusterMap(new Float32Array([0, 0, 1, 1, 2, 2])).clusters.length, 0);
  const spot = clusterMap(new Float32Array(200).fill(3));
  assert.ok(spot.region.every((r) => r === -1 || r === 0));
  const line = clusterMap(Float32Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? (i < 200 ? i / 2 : 500 + i / 2) : 0)));
  assert.equal(line.clusters.filter((c) => c.level === 'region').length, 2, 'two runs of points on one line, far apart');
});

test('names of clusters: a word common in the cluster and rare around it; the vocabulary word nearest its centroid; a tag first', () => {
  assert.deepEqual(nameWords('The Chrome TOASTER, 2-slice (toaster) for IMG_0001.jpg — crème brûlée'), ['chrome', 'toaster', 'slice', 'creme', 'brulee']);
  const inside = [['toaster', 'chrome', 'kitchen'], ['toaster', 'steel', 'kitchen'], ['toaster', 'retro', 'kitchen'], []];
  const around = [...inside, ...Array.from({ length: 12 }, (_, i) => [i % 2 ? 'jeans' : 'football', 'kitchen'])];
  // "kitchen" is in every item: it sets nothing apart; the items without words count on neither side.
  assert.deepEqual(distinctiveWords(inside, around), ['toaster']);
  assert.deepEqual(distinctiveWords([['lamp']], around), [], 'one item names nothing');

  const unit = (v: number[]): Float32Array => Float32Array.from(v, (x) => x / Math.hypot(...v));
  const vocabulary = ['dog', 'beach', 'receipt'];
  const vectors = [unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1])];
  const beachy = zeroShotName(unit([0.2, 0.9, 0.1]), vocabulary, vectors);
  assert.equal(beachy?.label, 'beach');
  assert.ok((beachy?.confidence ?? 0) > 0.99);
  const between = zeroShotName(unit([1, 1, 1]), vocabulary, vectors);
  assert.ok((between?.confidence ?? 1) < 0.4, 'a centroid between words is not sure of any');

  assert.equal(displayName({ tag: 'Greece 2024', label: 'beach', confidence: 0.9, words: ['crete'] }, null), 'Greece 2024');
  assert.equal(displayName({ tag: null, label: 'beach', confidence: 0.9, words: ['crete'] }, null), 'beach');
  assert.equal(displayName({ tag: null, label: 'beach', confidence: 0.1, words: ['crete', 'chania'] }, null), 'crete, chania');
  assert.equal(displayName({ tag: null, label: 'beach', confidence: 0.9, words: ['chania'] }, 'beach'), 'chania', 'a finer group named like its region says its own words');
  assert.equal(displayName({ tag: null, label: null, confidence: null, words: [] }, null), null);
});
