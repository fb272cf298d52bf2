import Delaunator from 'delaunator';
import Flatbush from 'flatbush';
import type { MapCluster } from '../../../preload/contract.js';

/**
 * Clusters of a 2-D map: HDBSCAN (Campello, Moulavi and Sander 2013; the version of McInnes'
 * `hdbscan`) on the map's points, so a cluster is what the user sees as an island or a dense
 * region, with points between regions left as noise.
 *
 * Written here rather than taken from npm: the one HDBSCAN package for JavaScript
 * (`hdbscan-ts` 1.0.17) keeps an n×n distance matrix and, measured on five plain Gaussian
 * blobs, took 61 s for 3,000 points and called 84% of them noise in 14 small clusters. This
 * one is the same algorithm on a sparse graph: in 2-D the minimum spanning tree of the mutual
 * reachability distance is found among the Delaunay triangulation's edges (`delaunator`) and
 * each point's nearest neighbours (`flatbush`), which together hold it (the Euclidean MST lies
 * within the Delaunay edges; mutual reachability only lengthens edges inside a point's
 * k-neighbourhood, which the kNN edges cover), so 100,000 points take a second, not hours.
 *
 * Two levels come out of one condensed tree: the clusters HDBSCAN selects (excess of mass:
 * the map's regions, named when zoomed out) and the leaves of the tree inside them (finer
 * groups, named as the user zooms in).
 */

export interface MapClusters {
  /** Each point's region (a selected cluster), or -1 for noise. */
  region: Int32Array;
  /** Each point's leaf cluster (a finer group inside its region), or -1. */
  leaf: Int32Array;
  /** The clusters, regions first: index = cluster id. A region that is itself a leaf is listed once, as a region. */
  clusters: ClusterInfo[];
}

/** A cluster as found: its place in the tree, size, name anchor and spread (names come later). */
export type ClusterInfo = Pick<MapCluster, 'id' | 'level' | 'parent' | 'size' | 'x' | 'y' | 'radius'>;

export interface ClusterOptions {
  /** The fewest points a cluster has (default: 1 in 150 of the map, at least 5). */
  minClusterSize?: number;
  /** Neighbours for a point's core distance (default 5). */
  minSamples?: number;
}

/** The smallest cluster worth a name on a map of n points. */
export function defaultMinClusterSize(n: number): number {
  return Math.max(5, Math.round(n / 150));
}

export function clusterMap(coords: Float32Array, options: ClusterOptions = {}): MapClusters {
  const n = coords.length / 2;
  const empty = (): MapClusters => ({ region: new Int32Array(n).fill(-1), leaf: new Int32Array(n).fill(-1), clusters: [] });
  const minClusterSize = Math.max(2, options.minClusterSize ?? defaultMinClusterSize(n));
  const minSamples = Math.max(1, Math.min(options.minSamples ?? 5, n - 1));
  if (n < minClusterSize * 2) return empty();

  const core = coreDistances(coords, minSamples);
  const tree = spanningTree(coords, core, minSamples);
  const dendrogram = singleLinkage(n, tree);
  const condensed = condense(n, dendrogram, minClusterSize);
  const selected = selectClusters(condensed);
  return describe(coords, condensed, selected);
}

const dist = (coords: Float32Array, a: number, b: number): number =>
  Math.hypot((coords[a * 2] as number) - (coords[b * 2] as number), (coords[a * 2 + 1] as number) - (coords[b * 2 + 1] as number));

function pointIndex(coords: Float32Array): Flatbush {
  const n = coords.length / 2;
  const index = new Flatbush(n);
  for (let i = 0; i < n; i++) index.add(coords[i * 2] as number, coords[i * 2 + 1] as number);
  index.finish();
  return index;
}

/** Each point's distance to its k-th nearest other point. */
function coreDistances(coords: Float32Array, k: number): Float64Array {
  const n = coords.length / 2;
  const index = pointIndex(coords);
  const core = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const near = index.neighbors(coords[i * 2] as number, coords[i * 2 + 1] as number, k + 1);
    core[i] = dist(coords, i, near[near.length - 1] as number);
  }
  return core;
}

interface Edge {
  a: number;
  b: number;
  weight: number;
}

/** The MST of the mutual reachability distance, over the Delaunay and k-nearest edges (Kruskal). */
function spanningTree(coords: Float32Array, core: Float64Array, k: number): Edge[] {
  const n = coords.length / 2;
  const pairs = new Set<number>();
  const edges: Edge[] = [];
  const add = (a: number, b: number): void => {
    if (a === b) return;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = lo * n + hi;
    if (pairs.has(key)) return;
    pairs.add(key);
    edges.push({ a: lo, b: hi, weight: Math.max(dist(coords, lo, hi), core[lo] as number, core[hi] as number) });
  };
  // Delaunator needs three points not on one line; coincident or collinear points leave it
  // without triangles, and the kNN edges (plus the chain below) keep the graph whole.
  const triangles = new Delaunator(Float64Array.from(coords)).triangles;
  for (let t = 0; t < triangles.length; t += 3) {
    add(triangles[t] as number, triangles[t + 1] as number);
    add(triangles[t + 1] as number, triangles[t + 2] as number);
    add(triangles[t + 2] as number, triangles[t] as number);
  }
  const index = pointIndex(coords);
  for (let i = 0; i < n; i++) for (const j of index.neighbors(coords[i * 2] as number, coords[i * 2 + 1] as number, k + 1)) add(i, j);
  edges.sort((x, y) => x.weight - y.weight);
  const sets = new UnionFind(n);
  const tree: Edge[] = [];
  for (const edge of edges) {
    if (sets.union(edge.a, edge.b)) tree.push(edge);
    if (tree.length === n - 1) break;
  }
  // Pieces the graph did not join (points all on one spot, far apart): joined at their gap.
  if (tree.length < n - 1) {
    const roots = [...new Set(Array.from({ length: n }, (_, i) => sets.find(i)))];
    for (let r = 1; r < roots.length; r++) {
      const [a, b] = [roots[r - 1] as number, roots[r] as number];
      sets.union(a, b);
      tree.push({ a, b, weight: Math.max(dist(coords, a, b), core[a] as number, core[b] as number) });
    }
    tree.sort((x, y) => x.weight - y.weight);
  }
  return tree;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    while (this.parent[x] !== root) {
      const next = this.parent[x] as number;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): boolean {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return false;
    this.parent[ra] = rb;
    return true;
  }
}

/** Merges in order of distance: node n + m joins `left[m]` and `right[m]` at `height[m]`; points are 0..n-1. */
interface Dendrogram {
  left: Int32Array;
  right: Int32Array;
  height: Float64Array;
  size: Int32Array;
}

function singleLinkage(n: number, tree: readonly Edge[]): Dendrogram {
  const merges = tree.length;
  const left = new Int32Array(merges);
  const right = new Int32Array(merges);
  const height = new Float64Array(merges);
  const size = new Int32Array(n + merges).fill(1, 0, n);
  const sets = new UnionFind(n + merges);
  tree.forEach((edge, m) => {
    const [a, b] = [sets.find(edge.a), sets.find(edge.b)];
    left[m] = a;
    right[m] = b;
    height[m] = edge.weight;
    size[n + m] = (size[a] as number) + (size[b] as number);
    sets.union(a, n + m);
    sets.union(b, n + m);
  });
  return { left, right, height, size };
}

/** The condensed tree: clusters (0 is the root), each with its parent, its birth λ and its points' λ of leaving. */
interface Condensed {
  parent: number[];
  birth: number[];
  /** Σ over its points of (λ they leave − its birth λ): the cluster's stability. */
  stability: number[];
  children: number[][];
  /** The cluster each point last belonged to, and the λ at which it left it. */
  pointCluster: Int32Array;
  pointLambda: Float64Array;
}

const lambdaOf = (height: number): number => 1 / Math.max(height, 1e-12);

function condense(n: number, d: Dendrogram, minClusterSize: number): Condensed {
  const out: Condensed = { parent: [-1], birth: [0], stability: [0], children: [[]], pointCluster: new Int32Array(n), pointLambda: new Float64Array(n) };
  const leaves = (node: number): number[] => {
    const points: number[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (at < n) points.push(at);
      else stack.push(d.left[at - n] as number, d.right[at - n] as number);
    }
    return points;
  };
  const fallOut = (node: number, cluster: number, lambda: number): void => {
    for (const p of leaves(node)) {
      out.pointCluster[p] = cluster;
      out.pointLambda[p] = lambda;
      out.stability[cluster] = (out.stability[cluster] as number) + lambda - (out.birth[cluster] as number);
    }
  };
  const newCluster = (parent: number, lambda: number): number => {
    const id = out.parent.length;
    out.parent.push(parent);
    out.birth.push(lambda);
    out.stability.push(0);
    out.children.push([]);
    out.children[parent]?.push(id);
    return id;
  };
  const root = n + d.left.length - 1;
  // Walk down from the root: [dendrogram node, the condensed cluster it belongs to].
  const stack: [number, number][] = root >= n ? [[root, 0]] : [];
  while (stack.length > 0) {
    const [node, cluster] = stack.pop() as [number, number];
    const m = node - n;
    const lambda = lambdaOf(d.height[m] as number);
    const [a, b] = [d.left[m] as number, d.right[m] as number];
    const [bigA, bigB] = [(d.size[a] as number) >= minClusterSize, (d.size[b] as number) >= minClusterSize];
    if (bigA && bigB) {
      // A true split: the cluster ends here, two are born.
      for (const child of [a, b]) {
        const id = newCluster(cluster, lambda);
        if (child >= n) stack.push([child, id]);
        else fallOut(child, id, lambda);
      }
      // The points of the cluster that go on in its children leave it at this λ.
      out.stability[cluster] = (out.stability[cluster] as number) + ((d.size[node] as number) * (lambda - (out.birth[cluster] as number)));
    } else {
      for (const [child, big] of [[a, bigA], [b, bigB]] as const) {
        if (big && child >= n) stack.push([child, cluster]);
        else fallOut(child, cluster, lambda);
      }
    }
  }
  return out;
}

/** Excess of mass: a cluster is kept where it is more stable than its kept descendants together; the root never. */
function selectClusters(c: Condensed): Set<number> {
  const count = c.parent.length;
  const best = c.stability.slice();
  const selected = new Set<number>();
  // Children have larger ids than their parents: walk up from the last.
  for (let id = count - 1; id >= 1; id--) {
    const kids = c.children[id] as number[];
    const below = kids.reduce((sum, k) => sum + (best[k] as number), 0);
    if (kids.length > 0 && below > (c.stability[id] as number)) best[id] = below;
    else {
      selected.add(id);
      const stack = [...kids];
      while (stack.length > 0) {
        const k = stack.pop() as number;
        selected.delete(k);
        stack.push(...(c.children[k] as number[]));
      }
    }
  }
  return selected;
}

function describe(coords: Float32Array, c: Condensed, selected: ReadonlySet<number>): MapClusters {
  const n = coords.length / 2;
  const regionOf = new Int32Array(c.parent.length).fill(-1);
  const isLeaf = (id: number): boolean => (c.children[id] as number[]).length === 0;
  // Each condensed cluster's region: the selected one at or above it.
  for (let id = 1; id < c.parent.length; id++) {
    const parent = c.parent[id] as number;
    regionOf[id] = selected.has(id) ? id : parent > 0 ? (regionOf[parent] as number) : -1;
  }
  const regions = [...selected].sort((a, b) => a - b);
  const leaves = Array.from({ length: c.parent.length }, (_, id) => id).filter((id) => id > 0 && isLeaf(id) && regionOf[id] !== -1 && !selected.has(id));
  const numbered = new Map<number, number>();
  regions.forEach((id) => numbered.set(id, numbered.size));
  leaves.forEach((id) => numbered.set(id, numbered.size));

  const region = new Int32Array(n).fill(-1);
  const leaf = new Int32Array(n).fill(-1);
  // A point belongs to the cluster it last left; that cluster lies in a region, or above every region (noise).
  // Its leaf: the tree's leaf it left, when that is a leaf below a region.
  for (let p = 0; p < n; p++) {
    const last = c.pointCluster[p] as number;
    const r = regionOf[last] as number;
    if (r === -1) continue;
    region[p] = numbered.get(r) as number;
    if (numbered.has(last) && !selected.has(last)) leaf[p] = numbered.get(last) as number;
  }
  const clusters: ClusterInfo[] = [...numbered].map(([condensedId, id]) => ({
    id,
    level: selected.has(condensedId) ? 'region' : 'leaf',
    parent: numbered.get(regionOf[condensedId] as number) as number,
    size: 0,
    x: 0,
    y: 0,
    radius: 0,
  }));
  const members = clusters.map(() => [] as number[]);
  for (let p = 0; p < n; p++) {
    if ((region[p] as number) >= 0) members[region[p] as number]?.push(p);
    if ((leaf[p] as number) >= 0) members[leaf[p] as number]?.push(p);
  }
  for (const cluster of clusters) placeName(coords, cluster, members[cluster.id] as number[]);
  return { region, leaf, clusters };
}

function placeName(coords: Float32Array, cluster: ClusterInfo, members: readonly number[]): void {
  cluster.size = members.length;
  if (members.length === 0) return;
  let [mx, my] = [0, 0];
  for (const p of members) {
    mx += coords[p * 2] as number;
    my += coords[p * 2 + 1] as number;
  }
  [mx, my] = [mx / members.length, my / members.length];
  let [nearest, nearestD, spread] = [members[0] as number, Infinity, 0];
  for (const p of members) {
    const d = ((coords[p * 2] as number) - mx) ** 2 + ((coords[p * 2 + 1] as number) - my) ** 2;
    spread += d;
    if (d < nearestD) [nearest, nearestD] = [p, d];
  }
  cluster.x = coords[nearest * 2] as number;
  cluster.y = coords[nearest * 2 + 1] as number;
  cluster.radius = Math.sqrt(spread / members.length);
}
