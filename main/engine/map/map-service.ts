import { createHash } from 'node:crypto';
import Flatbush from 'flatbush';
import { SPACES, type FinderApi, type MapCluster, type MapLayoutSummary, type MapPointsResponse, type MapRequest, type Space, type Weights } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import { itemText } from '../library/index-job.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { LibraryStore } from '../store/library-store.js';
import type { MapClusterRow, MapLayoutRow, MapPointRow } from '../store/map-layouts.js';
import { addUnit, displayName, distinctiveWords, nameWords, unitOf, zeroShotName } from './cluster-names.js';
import { clusterMap, type MapClusters } from './clusters.js';
import { layOut, placeOnLayout, type MapVectors } from './layout.js';

export interface MapDeps {
  store: LibraryStore;
  jobs: JobScheduler;
  /** The words clusters are named with (the user's, else the built-in ones). */
  vocabulary: () => string[];
  /** CLIP text vectors of "a photo of a {word}" for each word (throws when CLIP cannot be loaded). */
  clipWords: (words: readonly string[]) => Promise<Float32Array[]>;
}

/** A tag given by hand to at least this share of a cluster's items names it. */
const TAG_SHARE = 0.5;

/** New items placed when the map is asked for, up to this share of it; more: recompute. */
const PLACE_AT_MOST = 0.2;
/** ... but always this many, so a small library grows its map a photo at a time. */
const PLACE_ALWAYS = 200;

/** A map's name and its spaces' weights (positive, adding up to 1). */
export function mapOf(request: MapRequest): { name: string; weights: Partial<Record<Space, number>> } {
  if (request.space) return { name: request.space, weights: { [request.space]: 1 } };
  const given = request.weights ?? {};
  const spaces = SPACES.filter((space) => (given[space] ?? 0) > 0);
  if (spaces.length === 0) throw badInput('A map of a mix needs at least one weight above 0.');
  const total = spaces.reduce((sum, space) => sum + (given[space] as number), 0);
  const weights = Object.fromEntries(spaces.map((space) => [space, Math.round(((given[space] as number) / total) * 1000) / 1000])) as Weights;
  if (spaces.length === 1) return { name: spaces[0] as Space, weights: { [spaces[0] as Space]: 1 } };
  return { name: `mix:${spaces.map((space) => `${space}=${weights[space]}`).join(',')}`, weights };
}

/**
 * The map of the library: 2-D layouts of a space or a weighted mix, computed as a job (UMAP on
 * a sample, the rest placed, in `layout.ts`), kept in the database with the models and vector
 * log position they came from, and grown with the items added since.
 */
export class MapService {
  constructor(private readonly deps: MapDeps) {}

  readonly api = {
    mapLayout: (request: MapRequest): Promise<MapLayoutSummary> => this.layout(request),
    mapPoints: (request: MapRequest): Promise<MapPointsResponse> => this.points(request),
  } satisfies Pick<FinderApi, 'mapLayout' | 'mapPoints'>;

  private async layout(request: MapRequest): Promise<MapLayoutSummary> {
    const { store } = this.deps;
    const { name, weights } = mapOf(request);
    const spaces = Object.keys(weights) as Space[];
    for (const space of spaces) if (!store.hasVectors(space)) throw badInput(`Nothing has a ${space} vector yet: add photos or a catalog (and let them be indexed) before mapping ${space}.`);
    return await this.deps.jobs.run<MapLayoutSummary>({
      kind: 'map-layout',
      title: `Laying out the map (${name})`,
      unit: 'steps',
      run: async (job) => {
        const started = performance.now();
        const logSeq = store.vectorLog().head;
        const models = Object.fromEntries(spaces.map((space) => [space, { model: store.spaceModel(space)?.modelId ?? '', generation: store.spaceModel(space)?.generation ?? 0 }]));
        const { ids, vectors } = this.gather(weights);
        let layout;
        try {
          layout = await layOut(vectors, { signal: job.signal, progress: (done, total) => job.report(done, total, null) });
        } catch (error) {
          if (job.signal.aborted) return { state: 'cancelled', name, items: 0, sampled: 0, seconds: (performance.now() - started) / 1000, clusters: 0 };
          throw error;
        }
        job.report(0, null, 'finding the clusters');
        const found = clusterMap(layout.coords);
        const points: MapPointRow[] = ids.map((itemId, i) => ({
          itemId,
          x: layout.coords[i * 2] as number,
          y: layout.coords[i * 2 + 1] as number,
          placed: layout.sampled[i] !== 1,
          region: found.region[i] as number,
          leaf: found.leaf[i] as number,
        }));
        const seconds = (performance.now() - started) / 1000;
        const sampled = layout.sampled.reduce((sum, s) => sum + s, 0);
        store.saveMapLayout({ name, weights, models, logSeq, computedAt: Date.now(), sampled, seconds, mean: layout.mean, clusteredAt: Date.now() }, points, clusterRows(found));
        job.report(0, null, 'naming the clusters');
        const saved = store.mapLayout(name);
        if (saved) await this.nameClusters(saved, points);
        return { state: 'done', name, items: ids.length, sampled, seconds, clusters: found.clusters.filter((c) => c.level === 'region').length };
      },
    }).result;
  }

  private async points(request: MapRequest): Promise<MapPointsResponse> {
    const { store } = this.deps;
    const { name, weights } = mapOf(request);
    const layout = store.mapLayout(name);
    const empty = { name, ids: [], x: [], y: [], placed: [], region: [], leaf: [], clusters: [], stale: false, newlyPlaced: 0, notPlaced: 0 };
    if (!layout) return { ...empty, computed: false, computedAt: null };
    const spaces = Object.keys(weights) as Space[];
    const stale = spaces.some((space) => {
      const now = store.spaceModel(space);
      const then = layout.models[space];
      return !now || !then || now.modelId !== then.model || now.generation !== then.generation;
    });
    let points = store.mapPoints(layout.id);
    let [newlyPlaced, notPlaced] = [0, 0];
    if (!stale) {
      const fresh = this.newSince(layout.logSeq, spaces, new Set(points.map((p) => p.itemId)));
      if (fresh.length > 0 && fresh.length <= Math.max(PLACE_ALWAYS, PLACE_AT_MOST * points.length)) {
        const laidOut = points.filter((p) => !p.placed);
        const known = this.gather(weights, laidOut.map((p) => p.itemId));
        const coordsOf = new Map(laidOut.map((p) => [p.itemId, p]));
        const coords = new Float32Array(known.ids.length * 2);
        known.ids.forEach((id, i) => {
          coords[i * 2] = coordsOf.get(id)?.x ?? 0;
          coords[i * 2 + 1] = coordsOf.get(id)?.y ?? 0;
        });
        const added = this.gather(weights, fresh);
        const placed = placeOnLayout({ vectors: known.vectors, coords, mean: layout.mean }, added.vectors);
        // A placed point joins the clusters of the point nearest it on the map.
        const nearest = new Flatbush(points.length);
        for (const p of points) nearest.add(p.x, p.y);
        nearest.finish();
        store.addMapPoints(
          layout.id,
          added.ids.map((itemId, i) => {
            const [x, y] = [placed[i * 2] as number, placed[i * 2 + 1] as number];
            const next = points[nearest.neighbors(x, y, 1)[0] as number];
            return { itemId, x, y, placed: true, region: next?.region ?? -1, leaf: next?.leaf ?? -1 };
          }),
        );
        newlyPlaced = added.ids.length;
        points = store.mapPoints(layout.id);
      } else notPlaced = fresh.length;
    }
    let current: MapLayoutRow = layout;
    if (layout.clusteredAt === null) {
      // Laid out before maps had clusters: found now, once.
      const coords = new Float32Array(points.length * 2);
      points.forEach((p, i) => coords.set([p.x, p.y], i * 2));
      const found = clusterMap(coords);
      points = points.map((p, i) => ({ ...p, region: found.region[i] as number, leaf: found.leaf[i] as number }));
      store.saveMapClusters(layout.id, points, clusterRows(found), Date.now());
      current = store.mapLayout(name) ?? layout;
    }
    await this.nameClusters(current, points);
    const items = request.details ? this.details(points.map((p) => p.itemId)) : undefined;
    return {
      ...(items ? { items } : {}),
      region: points.map((p) => p.region),
      leaf: points.map((p) => p.leaf),
      clusters: this.clusters(layout.id, points),
      name,
      computed: true,
      computedAt: layout.computedAt,
      ids: points.map((p) => p.itemId),
      x: points.map((p) => p.x),
      y: points.map((p) => p.y),
      placed: points.map((p) => (p.placed ? 1 : 0)),
      stale,
      newlyPlaced,
      notPlaced,
    };
  }

  private details(ids: readonly number[]): NonNullable<MapPointsResponse['items']> {
    const out: NonNullable<MapPointsResponse['items']> = [];
    for (let start = 0; start < ids.length; start += 1000) {
      const slice = ids.slice(start, start + 1000);
      const rows = this.deps.store.getItems(slice);
      const taken = this.deps.store.takenTimes(slice);
      const tags = this.deps.store.topLabels(slice);
      const categories = this.deps.store.itemCategories(slice);
      for (const id of slice) {
        const row = rows.get(id);
        out.push({
          kind: row?.kind ?? 'photo',
          path: row?.path ?? null,
          title: row?.title ?? null,
          key: row?.catalogKey ?? null,
          takenAt: taken.get(id) ?? null,
          tag: tags.get(id) ?? null,
          category: categories.get(id) ?? null,
        });
      }
    }
    return out;
  }

  /** The clusters as shown: each named by the tag most of its items were given by hand, else as it was named. */
  private clusters(layoutId: number, points: readonly MapPointRow[]): MapCluster[] {
    const rows = this.deps.store.mapClusters(layoutId);
    const tagCounts = rows.map(() => new Map<string, number>());
    const tags = this.deps.store.userTags(points.map((p) => p.itemId));
    for (const p of points) {
      for (const tag of tags.get(p.itemId) ?? []) {
        for (const cluster of [p.region, p.leaf]) {
          const counts = tagCounts[cluster];
          if (counts) counts.set(tag, (counts.get(tag) ?? 0) + 1);
        }
      }
    }
    const named = rows.map((row, i): MapCluster => {
      const [tag, count] = [...(tagCounts[i] as Map<string, number>)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [null, 0];
      return { id: row.cluster, level: row.level, parent: row.parent, size: row.size, x: row.x, y: row.y, radius: row.radius, label: row.label, confidence: row.confidence, words: row.words, tag: count >= TAG_SHARE * row.size ? tag : null, name: null };
    });
    for (const cluster of named) if (cluster.level === 'region') cluster.name = displayName(cluster, null);
    for (const cluster of named) if (cluster.level === 'leaf') cluster.name = displayName(cluster, named[cluster.parent]?.name ?? null);
    return named;
  }

  /**
   * Names a layout's clusters (once per vocabulary and CLIP model): the vocabulary word nearest
   * each cluster's CLIP centroid, and its items' distinctive words (a region's against the
   * whole map, a finer group's against its region). Without CLIP, words alone.
   */
  private async nameClusters(layout: MapLayoutRow, points: readonly MapPointRow[]): Promise<void> {
    const { store } = this.deps;
    const vocabulary = this.deps.vocabulary();
    const clip = store.spaceModel('clip');
    const key = createHash('sha256')
      .update(JSON.stringify([clip?.modelId ?? null, clip?.generation ?? null, vocabulary]))
      .digest('hex')
      .slice(0, 16);
    if (layout.namedWith === key) return;
    const rows = store.mapClusters(layout.id);
    if (rows.length === 0) return store.nameMapClusters(layout.id, [], key);
    const at = new Map(points.map((p, i) => [p.itemId, i]));
    const membersOf = rows.map(() => [] as number[]);
    points.forEach((p, i) => {
      if (p.region >= 0) membersOf[p.region]?.push(i);
      if (p.leaf >= 0) membersOf[p.leaf]?.push(i);
    });
    const words: string[][] = points.map(() => []);
    for (let start = 0; start < points.length; start += 10_000) {
      for (const [id, source] of store.itemWordSources(points.slice(start, start + 10_000).map((p) => p.itemId))) {
        // A photo's folders and file name say what it is as often as anything ("Crete 2024/beach.jpg").
        const named = source.path && source.root ? itemText(source.path, source.root) : '';
        words[at.get(id) as number] = nameWords(`${named} ${source.text}`);
      }
    }
    const wordsOf = (members: readonly number[]): string[][] => members.map((i) => words[i] as string[]);
    let labelVectors: Float32Array[] | null = null;
    if (clip && store.hasVectors('clip') && vocabulary.length > 0) labelVectors = await this.deps.clipWords(vocabulary).catch(() => null);
    const centroids = labelVectors ? this.clipCentroids(points, rows.length, at) : [];
    store.nameMapClusters(
      layout.id,
      rows.map((row) => {
        const around = row.level === 'region' ? words : wordsOf(membersOf[row.parent] ?? []);
        const zeroShot = labelVectors && centroids[row.cluster] ? zeroShotName(centroids[row.cluster] as Float32Array, vocabulary, labelVectors) : null;
        return { cluster: row.cluster, label: zeroShot?.label ?? null, confidence: zeroShot?.confidence ?? null, words: distinctiveWords(wordsOf(membersOf[row.cluster] ?? []), around) };
      }),
      key,
    );
  }

  /** Each cluster's CLIP centroid (the unit mean of its items' unit CLIP vectors), null where none has one. */
  private clipCentroids(points: readonly MapPointRow[], count: number, at: ReadonlyMap<number, number>): (Float32Array | null)[] {
    const dims = this.deps.store.spaceModel('clip')?.dims ?? 0;
    const sums = Array.from({ length: count }, () => new Float64Array(dims));
    this.deps.store.forEachVector('clip', (id, vector) => {
      const i = at.get(id);
      if (i === undefined) return;
      const p = points[i] as MapPointRow;
      for (const cluster of [p.region, p.leaf]) if (cluster >= 0 && sums[cluster]) addUnit(sums[cluster], vector);
    });
    return sums.map((sum) => unitOf(sum));
  }

  /** Items with a vector in one of the spaces, written since the layout and not on it. */
  private newSince(logSeq: number, spaces: readonly Space[], known: ReadonlySet<number>): number[] {
    const { store } = this.deps;
    const log = store.vectorLog();
    const changed = new Set<number>();
    if (log.floor <= logSeq) {
      for (const space of spaces) for (const id of store.vectorChanges(space, logSeq, log.head)) changed.add(id);
    } else {
      // The log was pruned past the layout: every item with a vector is looked at.
      for (const space of spaces) store.forEachVector(space, (id) => changed.add(id));
    }
    const candidates = [...changed].filter((id) => !known.has(id));
    return candidates.filter((id) => spaces.some((space) => store.readVectors(space, [id]).has(id)));
  }

  /**
   * The items' vectors for a map: one space's as they are; a mix's side by side, each space's
   * centred on its mean and unit, times √weight (so the cosine of two rows is the weighted
   * mean of the spaces' cosines, as a search with those weights scores them). Items lacking a
   * space have zeros there. `only`: these items (else every item with a vector).
   */
  private gather(weights: Partial<Record<Space, number>>, only?: readonly number[]): { ids: number[]; vectors: MapVectors } {
    const { store } = this.deps;
    const spaces = Object.keys(weights) as Space[];
    const dimsOf = spaces.map((space) => store.spaceModel(space)?.dims ?? 0);
    const each = (space: Space, callback: (id: number, vector: Float32Array) => void): void => {
      if (!only) return store.forEachVector(space, callback);
      for (let start = 0; start < only.length; start += 1024) for (const [id, vector] of store.readVectors(space, only.slice(start, start + 1024))) callback(id, vector);
    };
    const rows = new Map<number, number>();
    const means = spaces.map((space, s) => {
      const sum = new Float64Array(dimsOf[s] as number);
      let count = 0;
      // A mix: the space's mean over the whole library, for a placement as for a layout.
      if (spaces.length > 1) {
        store.forEachVector(space, (_, vector) => {
          for (let j = 0; j < vector.length; j++) sum[j] = (sum[j] as number) + (vector[j] as number);
          count++;
        });
      }
      each(space, (id) => {
        if (!rows.has(id)) rows.set(id, rows.size);
      });
      return Float32Array.from(sum, (x) => x / Math.max(1, count));
    });
    const ids = [...rows.keys()];
    const dims = dimsOf.reduce((sum, d) => sum + d, 0);
    const matrix = new Float32Array(ids.length * dims);
    let offset = 0;
    spaces.forEach((space, s) => {
      const d = dimsOf[s] as number;
      const scale = Math.sqrt(weights[space] as number);
      const mean = means[s] as Float32Array;
      each(space, (id, vector) => {
        const at = (rows.get(id) as number) * dims + offset;
        let norm = 0;
        for (let j = 0; j < d; j++) norm += ((vector[j] as number) - (mean[j] as number)) ** 2;
        const unit = norm > 0 ? scale / Math.sqrt(norm) : 0;
        for (let j = 0; j < d; j++) matrix[at + j] = ((vector[j] as number) - (mean[j] as number)) * unit;
      });
      offset += d;
    });
    return { ids, vectors: { matrix, dims } };
  }
}

function clusterRows(found: MapClusters): MapClusterRow[] {
  return found.clusters.map((c) => ({ cluster: c.id, level: c.level, parent: c.parent, size: c.size, x: c.x, y: c.y, radius: c.radius, label: null, confidence: null, words: [] }));
}
