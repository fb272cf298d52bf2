import fs from 'node:fs';
import path from 'node:path';
import type {
  DuplicateCheckSummary,
  DuplicateFacts,
  DuplicateMember,
  DuplicatesRequest,
  DuplicatesResponse,
  FinderApi,
  SetAsideRequest,
  SetAsideResponse,
  UndoSetAsideResponse,
} from '../../../preload/contract.js';
import { notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { StoredEvidence } from '../store/duplicates.js';
import type { LibraryStore } from '../store/library-store.js';
import type { PictureFacts } from '../store/picture-hashes.js';
import { MOMENT_COSINE, MOMENT_SECONDS, SAME_PHOTO_BITS, SIMILAR_DEFAULT, SIMILAR_FLOOR, groupDuplicates, sameColours, samePhotoPairs, type EvidencePair } from './duplicate-finder.js';
import { nearestTurn, popcount } from './perceptual-hash.js';
import { SAME_PIXELS, correlation, greyGrid } from './pixel-check.js';
import { productDuplicates } from './product-duplicates.js';
import { SetAside } from './set-aside.js';
import { pictureFacts as fileFacts } from './picture-facts.js';
import { centred, cosine, libraryMean, visualNeighbourPairs, type VisualSource } from './visual-neighbours.js';

/** Visual neighbours kept per picture by a whole-library check. */
const NEIGHBOURS = 16;
/** A new picture is checked against its nearest this many by the plain visual score, then centred. */
const INCREMENTAL_CANDIDATES = 64;
/** More new pictures than this share of the library (or a first check): the whole library is checked instead. */
const WHOLE_LIBRARY_SHARE = 0.2;
/** Pictures taken within the moment window of one another: more than this are not all compared. */
const WINDOW_CAP = 64;

export interface DuplicateDeps {
  store: LibraryStore;
  jobs: JobScheduler;
  events: EngineEvents;
  /** The nearest items to a vector in the visual space by the plain score (the search's exact index). */
  nearest(vector: Float32Array, k: number): Promise<{ id: number; score: number }[]>;
  /** A library photo's file, under the access policy (inside a library folder), or undefined. */
  fileOf(itemId: number): string | undefined;
  /** Where indexing put a picture's thumbnail (by content hash). */
  thumbnailOf(contentHash: string): string;
}

/**
 * Duplicate groups of the library, by tier. Evidence is found once and kept: for new photos
 * when indexing ends (each checked against the library, not the library against itself), for
 * the whole library by checkDuplicates (a job). Groups are made from it when asked, leaving out
 * what the user said are not duplicates.
 */
export class DuplicateService {
  private readonly aside: SetAside;

  constructor(private readonly deps: DuplicateDeps) {
    this.aside = new SetAside(deps);
  }

  readonly api = {
    duplicates: (request: DuplicatesRequest): Promise<DuplicatesResponse> => this.groups(request),
    checkDuplicates: async (): Promise<DuplicateCheckSummary> => this.checkLibrary(),
    dismissDuplicates: async (request: { ids: number[] }): Promise<{ dismissed: number }> => ({ dismissed: this.deps.store.dismissDuplicates(this.contentPairs(request.ids)) }),
    undismissDuplicates: async (request: { ids: number[] }): Promise<{ restored: number }> => ({ restored: this.deps.store.undismissDuplicates(this.contentPairs(request.ids)) }),
    duplicateFacts: async (request: { ids: number[] }): Promise<DuplicateFacts[]> =>
      Promise.all(request.ids.map(async (id) => {
        const file = this.deps.fileOf(id);
        if (!file) throw notFound(`No photo with id ${id} in the library folders.`);
        return { id, ...(await fileFacts(file)) };
      })),
    setAside: (request: SetAsideRequest): Promise<SetAsideResponse> => this.aside.setAside(request),
    undoSetAside: (request: { batch: number }): Promise<UndoSetAsideResponse> => this.aside.undo(request.batch),
  } satisfies Pick<FinderApi, 'duplicates' | 'checkDuplicates' | 'dismissDuplicates' | 'undismissDuplicates' | 'duplicateFacts' | 'setAside' | 'undoSetAside'>;

  private async groups(request: DuplicatesRequest): Promise<DuplicatesResponse> {
    const { store } = this.deps;
    const tiers = request.tiers ?? ['identical', 'same-photo', 'same-moment', 'same-product'];
    const pictures = store.pictureFacts();
    // The merely similar pairs are many: read only when that tier is asked for.
    const similarity = Math.max(SIMILAR_FLOOR, request.similarity ?? SIMILAR_DEFAULT);
    const evidence = store.duplicateEvidence(tiers.includes('similar') ? Math.min(similarity, MOMENT_COSINE) : MOMENT_COSINE);
    const dismissedPairs = store.dismissedDuplicates();
    const dismissed = (a: string, b: string): boolean => dismissedPairs.has(a <= b ? `${a}|${b}` : `${b}|${a}`);
    const groups = groupDuplicates(
      pictures,
      { samePhoto: evidence.filter((e) => e.kind === 'photo'), look: evidence.filter((e) => e.kind === 'look') },
      { tiers: tiers.filter((tier) => tier !== 'same-product'), ...(request.similarity !== undefined ? { similarity: request.similarity } : {}), dismissed },
    );
    const members = new Map<number, DuplicateMember>(
      pictures.map((p) => [p.id, { id: p.id, kind: 'photo', path: p.path, title: null, width: p.width, height: p.height, sizeBytes: p.sizeBytes, takenAt: p.takenAt, format: formatOf(p.path) }]),
    );
    if (tiers.includes('same-product')) {
      const products = store.productFacts();
      for (const p of products) members.set(p.id, { id: p.id, kind: 'product', path: p.catalogKey, title: p.title, width: null, height: null, sizeBytes: null, takenAt: null, format: p.picture ? formatOf(p.picture) : 'none' });
      for (const group of await productDuplicates(products, meanColour, dismissed)) groups.push(group);
    }
    return {
      groups: groups.map((group) => ({ ...group, items: group.items.flatMap((id) => members.get(id) ?? []) })),
      unhashed: new Set(pictures.filter((p) => p.hashes === null).map((p) => p.contentHash)).size,
      unchecked: store.uncheckedPictures().length,
      checkedAt: store.duplicateScan()?.scannedAt ?? null,
    };
  }

  /** Every pair of the items' contents (a content with itself when they are copies of one file); a product by its catalog key. */
  private contentPairs(ids: readonly number[]): [string, string][] {
    const keys = new Map<number, string>([
      ...this.deps.store.pictureFacts().map((p) => [p.id, p.contentHash] as [number, string]),
      ...this.deps.store.productFacts().map((p) => [p.id, p.catalogKey] as [number, string]),
    ]);
    const missing = ids.filter((id) => !keys.has(id));
    if (missing.length > 0) throw notFound(`No photo or product with id ${missing.join(', ')} in the library.`);
    const hashes = ids.map((id) => keys.get(id) as string);
    const pairs: [string, string][] = [];
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) pairs.push([hashes[i] as string, hashes[j] as string]);
    return pairs;
  }

  /** Checks photos indexed since the last check (after an index): each against the library. */
  async checkNew(): Promise<void> {
    const { store } = this.deps;
    const unchecked = new Set(store.uncheckedPictures());
    if (unchecked.size === 0) return;
    const facts = store.pictureFacts();
    const pictures = firstPerContent(facts);
    const scan = store.duplicateScan();
    const model = store.spaceModel('visual');
    const stale = !scan || (model !== undefined && (scan.generation !== model.generation || scan.mean.length !== model.dims));
    if (stale || unchecked.size > WHOLE_LIBRARY_SHARE * pictures.length) {
      await this.checkLibrary();
      return;
    }
    await this.deps.jobs.run({
      kind: 'duplicates',
      title: unchecked.size === 1 ? 'Checking a new photo for duplicates' : `Checking ${unchecked.size} new photos for duplicates`,
      unit: 'photos',
      run: async (job) => {
        const fresh = pictures.filter((p) => unchecked.has(p.contentHash));
        const found: StoredEvidence[] = [];
        const colour = (ids: readonly number[]): Map<number, Float32Array> => store.readVectors('colour', ids);
        for (const pair of await this.confirmSamePhoto(newSamePhotoPairs(fresh, pictures, colour), pictures, job.signal)) found.push(pair);
        const dated = datedIndex(pictures);
        const byId = new Map(facts.map((p) => [p.id, p]));
        for (const [done, picture] of fresh.entries()) {
          job.signal.throwIfAborted();
          job.report(done, fresh.length, picture.path);
          if (model && scan) for (const pair of await this.lookPairsOf(picture, scan.mean, dated, byId)) found.push(pair);
          if (done % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
        }
        store.saveDuplicateEvidence(found, [...unchecked], false);
        job.report(fresh.length, fresh.length, null);
      },
    }).result;
  }

  /**
   * The same photo, confirmed: never two captures (both dated, at different times: a re-save
   * keeps the date or drops it), and the pixels agree once turned alike (see pixel-check.ts).
   */
  private async confirmSamePhoto(pairs: readonly EvidencePair[], pictures: readonly PictureFacts[], signal: AbortSignal): Promise<StoredEvidence[]> {
    const byContent = new Map(pictures.map((p) => [p.contentHash, p]));
    const grids = new Map<string, Promise<Float64Array | null>>();
    const gridOf = (picture: PictureFacts, turns: number): Promise<Float64Array | null> => {
      const key = `${picture.contentHash}:${turns}`;
      let grid = grids.get(key);
      if (!grid) {
        const thumbnail = this.deps.thumbnailOf(picture.contentHash);
        const file = fs.existsSync(thumbnail) ? thumbnail : this.deps.fileOf(picture.id);
        grid = file ? greyGrid(file, turns).catch(() => null) : Promise.resolve(null);
        grids.set(key, grid);
      }
      return grid;
    };
    const out: StoredEvidence[] = [];
    for (const pair of pairs) {
      signal.throwIfAborted();
      const [a, b] = [byContent.get(pair.a), byContent.get(pair.b)];
      if (!a?.hashes || !b?.hashes) continue;
      if (a.takenAt !== null && b.takenAt !== null && a.takenAt !== b.takenAt) continue;
      const turns = nearestTurn({ hashes: a.hashes }, { hashes: b.hashes }).turns;
      const [x, y] = await Promise.all([gridOf(a, 0), gridOf(b, turns)]);
      if (x && y && correlation(x, y) >= SAME_PIXELS) out.push({ ...pair, kind: 'photo' });
      // Fewer grids kept than pictures: a long check does not hold every one.
      if (grids.size > 4096) grids.clear();
    }
    return out;
  }

  /** Visual neighbours of one picture: by the search's index, and among photos taken within the moment window. */
  private async lookPairsOf(picture: PictureFacts, mean: Float32Array, dated: DatedIndex, byId: ReadonlyMap<number, PictureFacts>): Promise<StoredEvidence[]> {
    const { store } = this.deps;
    const own = store.readVectors('visual', [picture.id]).get(picture.id);
    if (!own || own.length !== mean.length) return [];
    const candidates = new Set((await this.deps.nearest(own, INCREMENTAL_CANDIDATES)).map((hit) => hit.id));
    for (const other of dated.within(picture)) candidates.add(other.id);
    candidates.delete(picture.id);
    const vectors = store.readVectors('visual', [...candidates]);
    const mine = centred(own, mean);
    const out: StoredEvidence[] = [];
    for (const [id, vector] of vectors) {
      const other = byId.get(id);
      if (!other || other.contentHash === picture.contentHash) continue;
      const score = cosine(mine, centred(vector, mean));
      if (score >= SIMILAR_FLOOR) out.push({ a: picture.contentHash, b: other.contentHash, kind: 'look', score });
    }
    return out;
  }

  /** The whole library, as a job: same-photo pairs from the hashes, visual neighbours from an HNSW graph. */
  private async checkLibrary(): Promise<DuplicateCheckSummary> {
    const { store } = this.deps;
    return await this.deps.jobs.run({
      kind: 'duplicates',
      title: 'Looking for duplicates in the library',
      unit: 'photos',
      run: async (job) => {
        const started = performance.now();
        const pictures = firstPerContent(store.pictureFacts());
        job.report(0, pictures.length * 2 + 1, 'comparing perceptual hashes');
        const colour = (ids: readonly number[]): Map<number, Float32Array> => store.readVectors('colour', ids);
        const found: StoredEvidence[] = await this.confirmSamePhoto(samePhotoPairs(pictures, colour), pictures, job.signal);
        job.report(1, pictures.length * 2 + 1, 'comparing looks');
        await new Promise((resolve) => setImmediate(resolve));
        const model = store.spaceModel('visual');
        if (model) {
          const source: VisualSource = { ids: pictures.map((p) => p.id), read: (ids) => store.readVectors('visual', ids) };
          const mean = libraryMean(source);
          if (mean) {
            // A loop, not a spread: a large library has more pairs than a call takes arguments.
            for (const pair of await this.lookPairs(pictures, source, mean, job.signal, (done) => job.report(1 + done, pictures.length * 2 + 1, 'comparing looks'))) found.push(pair);
            store.saveDuplicateScan({ generation: model.generation, mean, scannedAt: Date.now() });
          }
        }
        job.signal.throwIfAborted();
        // Without a visual space there is no mean to keep, but the library was checked: new photos are checked alone from now on.
        if (!model || store.duplicateScan()?.generation !== model.generation) store.saveDuplicateScan({ generation: model?.generation ?? 0, mean: new Float32Array(0), scannedAt: Date.now() });
        store.saveDuplicateEvidence(found, pictures.map((p) => p.contentHash), true);
        job.report(pictures.length * 2 + 1, pictures.length * 2 + 1, null);
        return { pictures: pictures.length, pairs: found.length, seconds: (performance.now() - started) / 1000 };
      },
    }).result;
  }

  private async lookPairs(pictures: readonly PictureFacts[], source: VisualSource, mean: Float32Array, signal: AbortSignal, progress: (done: number) => void): Promise<StoredEvidence[]> {
    const byId = new Map(pictures.map((p) => [p.id, p]));
    const neighbours = await visualNeighbourPairs(source, { mean, k: NEIGHBOURS, floor: SIMILAR_FLOOR, signal, progress });
    const seen = new Set(neighbours.map((pair) => `${pair.a}:${pair.b}`));
    // Photos taken moments apart are compared even when the graph's few neighbours missed them.
    const dated = datedIndex(pictures);
    const extra: [number, number][] = [];
    for (const picture of pictures) {
      for (const other of dated.within(picture)) {
        const [a, b] = picture.id < other.id ? [picture.id, other.id] : [other.id, picture.id];
        if (a !== b && !seen.has(`${a}:${b}`)) {
          seen.add(`${a}:${b}`);
          extra.push([a, b]);
        }
      }
    }
    const pairs = neighbours.map((pair) => ({ a: pair.a, b: pair.b, score: pair.cosine }));
    for (let start = 0; start < extra.length; start += 512) {
      const slice = extra.slice(start, start + 512);
      const vectors = source.read([...new Set(slice.flat())]);
      for (const [a, b] of slice) {
        const [x, y] = [vectors.get(a), vectors.get(b)];
        if (!x || !y) continue;
        const score = cosine(centred(x, mean), centred(y, mean));
        if (score >= SIMILAR_FLOOR) pairs.push({ a, b, score });
      }
    }
    return pairs.flatMap(({ a, b, score }) => {
      const [x, y] = [byId.get(a), byId.get(b)];
      return x && y && x.contentHash !== y.contentHash ? [{ a: x.contentHash, b: y.contentHash, kind: 'look' as const, score }] : [];
    });
  }
}

/** A picture's mean colour, per channel, from sharp's statistics. */
async function meanColour(file: string): Promise<[number, number, number] | null> {
  const { default: sharp } = await import('sharp');
  const { channels } = await sharp(file).removeAlpha().stats();
  const [r, g, b] = channels;
  return r && g && b ? [r.mean, g.mean, b.mean] : r ? [r.mean, r.mean, r.mean] : null;
}

function firstPerContent(pictures: readonly PictureFacts[]): PictureFacts[] {
  return [...new Map(pictures.map((p) => [p.contentHash, p])).values()];
}

function formatOf(file: string): string {
  const ext = path.extname(file).slice(1).toUpperCase();
  return ext === 'JPG' ? 'JPEG' : ext === 'TIF' ? 'TIFF' : ext || 'unknown';
}

/** Same-photo pairs of new pictures with every picture: each hash against the others' four turns. */
function newSamePhotoPairs(fresh: readonly PictureFacts[], all: readonly PictureFacts[], colour: (ids: readonly number[]) => Map<number, Float32Array>): EvidencePair[] {
  const words = (hash: string): [number, number] => [parseInt(hash.slice(0, 8), 16), parseInt(hash.slice(8, 16), 16)];
  const hashed = all.filter((p) => p.hashes !== null);
  const turns = hashed.map((p) => (p.hashes as string[]).map(words));
  const found: { a: PictureFacts; b: PictureFacts; bits: number }[] = [];
  for (const picture of fresh) {
    if (!picture.hashes) continue;
    const [h, l] = words(picture.hashes[0]);
    hashed.forEach((other, index) => {
      if (other.contentHash === picture.contentHash) return;
      let bits = 64;
      for (const [oh, ol] of turns[index] as [number, number][]) bits = Math.min(bits, popcount((h ^ oh) >>> 0) + popcount((l ^ ol) >>> 0));
      if (bits <= SAME_PHOTO_BITS) found.push({ a: picture, b: other, bits });
    });
  }
  const colours = colour([...new Set(found.flatMap(({ a, b }) => [a.id, b.id]))]);
  return found.filter(({ a, b }) => sameColours(colours.get(a.id), colours.get(b.id))).map(({ a, b, bits }) => {
    const [x, y] = [a.contentHash, b.contentHash].sort() as [string, string];
    return { a: x, b: y, score: bits };
  });
}

interface DatedIndex {
  /** Pictures taken within the moment window of this one (not itself), at most WINDOW_CAP. */
  within(picture: PictureFacts): PictureFacts[];
}

function datedIndex(pictures: readonly PictureFacts[]): DatedIndex {
  const dated = pictures.filter((p) => p.takenAt !== null).sort((x, y) => (x.takenAt as number) - (y.takenAt as number));
  const times = Float64Array.from(dated, (p) => p.takenAt as number);
  const firstAtOrAfter = (t: number): number => {
    let [lo, hi] = [0, times.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    within(picture) {
      if (picture.takenAt === null) return [];
      const out: PictureFacts[] = [];
      for (let i = firstAtOrAfter(picture.takenAt - MOMENT_SECONDS * 1000); i < dated.length && (times[i] as number) <= picture.takenAt + MOMENT_SECONDS * 1000 && out.length < WINDOW_CAP; i++) {
        const other = dated[i] as PictureFacts;
        if (other.id !== picture.id) out.push(other);
      }
      return out;
    },
  };
}
