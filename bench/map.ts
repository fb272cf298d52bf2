import { clusterMap } from '../main/engine/map/clusters.js';
import { layOut } from '../main/engine/map/layout.js';
import { seeded } from '../main/engine/map/umap-worker.js';

export interface MapBenchResult {
  items: number;
  dims: number;
  clusters: number;
  seconds: number;
  /** Of 1,000 probe points' 10 nearest on the map, the share from their own planted cluster. */
  clusterKept: number;
  /** The same among their 10 nearest by cosine: what the map can at best keep. */
  clusterKeptInSpace: number;
  /** HDBSCAN on the layout: its time, the regions found, the share of points in one, and their purity (share in their region's commonest planted cluster). */
  clustering: { seconds: number; regions: number; leaves: number; clustered: number; purity: number };
}

/**
 * The map's layout (UMAP on a sample of 8,000, the rest placed by their neighbours) of `items`
 * unit vectors of `dims` dimensions drawn around `clusters` planted centres, with how well the
 * map keeps the clusters against the vectors themselves.
 */
export async function benchMap(items: number, dims = 512, clusters = 20): Promise<MapBenchResult> {
  const random = seeded(7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dims }, gauss));
  const matrix = new Float32Array(items * dims);
  const label = new Int32Array(items);
  for (let i = 0; i < items; i++) {
    const c = Math.floor(random() * clusters);
    label[i] = c;
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const value = (centres[c]?.[j] as number) + 1.2 * gauss();
      matrix[i * dims + j] = value;
      norm += value * value;
    }
    for (let j = 0; j < dims; j++) matrix[i * dims + j] = (matrix[i * dims + j] as number) / Math.sqrt(norm);
  }
  const started = performance.now();
  const layout = await layOut({ matrix, dims });
  const seconds = (performance.now() - started) / 1000;
  const probes = Array.from({ length: Math.min(1000, items) }, (_, i) => Math.floor((i * items) / Math.min(1000, items)));
  let [kept, inSpace] = [0, 0];
  for (const p of probes) {
    const onMap: [number, number][] = [];
    const bySpace: [number, number][] = [];
    for (let j = 0; j < items; j++) {
      if (j === p) continue;
      onMap.push([j, ((layout.coords[j * 2] as number) - (layout.coords[p * 2] as number)) ** 2 + ((layout.coords[j * 2 + 1] as number) - (layout.coords[p * 2 + 1] as number)) ** 2]);
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (matrix[p * dims + d] as number) * (matrix[j * dims + d] as number);
      bySpace.push([j, -dot]);
    }
    const share = (list: [number, number][]): number => list.sort((a, b) => a[1] - b[1]).slice(0, 10).filter(([j]) => label[j] === label[p]).length / 10;
    kept += share(onMap);
    inSpace += share(bySpace);
  }
  const clusteringStarted = performance.now();
  const found = clusterMap(layout.coords);
  const clusteringSeconds = (performance.now() - clusteringStarted) / 1000;
  const counts = new Map<number, Map<number, number>>();
  found.region.forEach((r, i) => {
    if (r < 0) return;
    const byLabel = counts.get(r) ?? new Map<number, number>();
    byLabel.set(label[i] as number, (byLabel.get(label[i] as number) ?? 0) + 1);
    counts.set(r, byLabel);
  });
  const clustered = found.region.filter((r) => r >= 0).length;
  const pure = [...counts.values()].reduce((sum, byLabel) => sum + Math.max(...byLabel.values()), 0);
  return {
    items,
    dims,
    clusters,
    seconds,
    clusterKept: kept / probes.length,
    clusterKeptInSpace: inSpace / probes.length,
    clustering: {
      seconds: clusteringSeconds,
      regions: found.clusters.filter((c) => c.level === 'region').length,
      leaves: found.clusters.filter((c) => c.level === 'leaf').length,
      clustered: clustered / items,
      purity: clustered > 0 ? pure / clustered : 0,
    },
  };
}
