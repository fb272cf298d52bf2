import { SPACES, type Space } from '../../../preload/contract.js';
import type { LibraryStore as Store, SpaceModel, VectorLogState } from '../store/library-store.js';
import { codesFile, readCodesHeader, readCodesRows, readCodesRowsAsync, writeCodesFile, type CodesHeader } from './codes-file.js';
import { paddedStride, quantizeRow } from './quantize.js';
import { SlotMap } from './slot-map.js';
import { SpaceMatrix } from './space-matrix.js';

/** Rows of a loaded codes file compared with their stored vectors before it is trusted. */
const SAMPLES = 16;
/** Changes replayed since the codes file was written that are worth writing it again. */
const RESAVE_CHANGES = 50_000;

interface LoadedSpace {
  matrix: SpaceMatrix;
  modelId: string;
  generation: number;
  /** The vector log's seq these rows reflect. */
  seq: number;
  /** Items replayed into the rows since the codes file on disk was written (or read). */
  unsaved: number;
}

/** How the last load of each space went, for status, tests and benchmarks. */
export interface SpaceLoad {
  space: Space;
  from: 'codes file' | 'database';
  /** Why the codes file was not used (from the database only). */
  problem?: string;
  rows: number;
  /** Changes replayed from the log on top of the codes file. */
  replayed: number;
  ms: number;
}

export interface VectorIndexOptions {
  /** Where the codes files live; null keeps everything in memory (a ':memory:' database). */
  codesDir: string | null;
}

/**
 * An in-memory mirror of the store's current vectors, as int8 codes for the prefilter scan.
 *
 * Each item gets a dense slot shared by all spaces, so per-space scores add up in flat
 * arrays. A space loads on first use from its codes file when that file agrees with the
 * database (same library, model generation and a seq the log can continue from), else from
 * the vectors themselves, and then writes the file. From then on it catches up with the
 * store's vector log before every use: writes by this process and commits by any other are
 * replayed item by item, never by reloading the space.
 */
export class VectorIndex {
  private readonly store: Store;
  private readonly codesDir: string | null;
  private readonly spaces = new Map<Space, LoadedSpace>();
  private readonly slotOfItem = new SlotMap();
  private itemOfSlot = new Float64Array(1024);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private dataVersion: number;
  private scratchArrays: Float64Array[] = [];
  /** Codes files read ahead (concurrently, off the main thread), waiting for `load` to check them. */
  private readonly readAhead = new Map<Space, { header: CodesHeader; matrix: SpaceMatrix; ids: Float64Array }>();
  private readonly reading = new Map<Space, Promise<void>>();
  readonly loads: SpaceLoad[] = [];

  constructor(store: Store, options: VectorIndexOptions = { codesDir: null }) {
    this.store = store;
    this.codesDir = options.codesDir;
    this.dataVersion = store.dataVersion();
  }

  /** Writes the codes of spaces that changed since their file was written. */
  close(): void {
    try {
      if (this.store.isOpen()) this.saveChanged(1);
    } finally {
      this.clear();
    }
  }

  /** Number of slots handed out so far: the length score arrays must have. */
  get slotCount(): number {
    return this.nextSlot;
  }

  itemAt(slot: number): number {
    return this.itemOfSlot[slot] as number;
  }

  slotOf(itemId: number): number | undefined {
    return this.slotOfItem.get(itemId);
  }

  /**
   * Reads the codes files of the spaces a search is about to use and that are not loaded
   * yet, all at once: the first query after a start then waits for one concurrent read, not
   * one file after another. Only the reading happens here; `matrix` still checks everything.
   */
  async prepare(spaces: readonly Space[]): Promise<void> {
    if (!this.codesDir) return;
    const dir = this.codesDir;
    await Promise.all(
      [...new Set(spaces)].map((space) => {
        const model = this.store.spaceModel(space);
        if (!model || this.spaces.has(space) || this.readAhead.has(space)) return undefined;
        // Searches typed in quick succession share one read.
        let reading = this.reading.get(space);
        if (!reading) {
          reading = this.readAheadOf(dir, space, model).finally(() => this.reading.delete(space));
          this.reading.set(space, reading);
        }
        return reading;
      }),
    );
  }

  private async readAheadOf(dir: string, space: Space, model: SpaceModel): Promise<void> {
    const read = readCodesHeader(codesFile(dir, space));
    if (!('header' in read) || read.header.dims !== model.dims || read.header.generation !== model.generation) return;
    const { header } = read;
    const matrix = new SpaceMatrix(model.dims);
    const ids = new Float64Array(header.count);
    try {
      await readCodesRowsAsync(codesFile(dir, space), header, { ids, ...matrix.reserve(header.count) });
    } catch {
      return; // unreadable now: `matrix` reads it again (or rebuilds it) and says why
    }
    // A search that could not wait may have loaded the space meanwhile: then these rows go.
    if (!this.spaces.has(space)) this.readAhead.set(space, { header, matrix, ids });
  }

  /** The matrix of a space, up to date with the store: loaded on first use, then caught up. */
  matrix(space: Space): SpaceMatrix | undefined {
    const version = this.store.dataVersion();
    if (version !== this.dataVersion) {
      // Another connection committed: it may have changed a space's model.
      this.store.refreshSpaceModels();
      this.dataVersion = version;
    }
    const model = this.store.spaceModel(space);
    let loaded = this.spaces.get(space);
    if (loaded && (!model || loaded.generation !== model.generation || loaded.modelId !== model.modelId || loaded.matrix.dims !== model.dims)) {
      this.dropSpace(space);
      loaded = undefined;
    }
    if (!model) return undefined;
    const log = this.store.vectorLog();
    if (loaded && loaded.seq < log.floor) {
      // The log was pruned past this copy (another process saved newer codes): reload.
      this.dropSpace(space);
      loaded = undefined;
    }
    if (!loaded) return this.load(space, model).matrix;
    if (log.head > loaded.seq) this.catchUp(space, loaded, log.head);
    if (loaded.unsaved >= RESAVE_CHANGES) this.saveChanged(RESAVE_CHANGES);
    return loaded.matrix;
  }

  /**
   * Per-slot work arrays for one search, the first `zeroed` zeroed, reused between searches so a query does not
   * allocate (and later collect) megabytes. Valid until the next call.
   */
  scratch(count: number, zeroed = count): Float64Array[] {
    const slots = this.nextSlot;
    if (this.scratchArrays.length !== count || (this.scratchArrays[0]?.length ?? 0) < slots) {
      const length = Math.max(1024, slots + (slots >> 2));
      this.scratchArrays = Array.from({ length: count }, () => new Float64Array(length));
    }
    // Only the first `zeroed` are sums; the others are written before they are read.
    for (let i = 0; i < zeroed; i++) this.scratchArrays[i]?.fill(0, 0, slots);
    return this.scratchArrays;
  }

  /** Bytes held by the loaded spaces. */
  get bytes(): number {
    let total = this.itemOfSlot.byteLength;
    for (const { matrix } of this.spaces.values()) total += matrix.bytes;
    return total;
  }

  private load(space: Space, model: SpaceModel): LoadedSpace {
    const started = performance.now();
    const file = this.codesDir ? codesFile(this.codesDir, space) : null;
    // One read transaction: the log's head, the replayed changes and the count all describe
    // the same commit, so a concurrent writer cannot make a good file look wrong.
    const { loaded, load } = this.store.snapshot(() => {
      const log = this.store.vectorLog();
      let problem = file ? undefined : 'kept in memory only';
      if (file) {
        const fromFile = this.loadCodesFile(file, space, model, log);
        if ('loaded' in fromFile) return { loaded: fromFile.loaded, load: { from: 'codes file' as const, replayed: fromFile.replayed } };
        problem = fromFile.problem;
      }
      return { loaded: this.loadFromDatabase(space, model, log), load: { from: 'database' as const, replayed: 0, ...(problem ? { problem } : {}) } };
    });
    this.spaces.set(space, loaded);
    if (load.from === 'database') this.save(space, loaded);
    this.loads.push({ space, ...load, rows: loaded.matrix.size, ms: performance.now() - started });
    return loaded;
  }

  private loadFromDatabase(space: Space, model: SpaceModel, log: VectorLogState): LoadedSpace {
    const matrix = new SpaceMatrix(model.dims);
    this.store.forEachVector(space, (itemId, vector) => matrix.set(this.acquireSlot(itemId), vector));
    return { matrix, modelId: model.modelId, generation: model.generation, seq: log.head, unsaved: 0 };
  }

  private loadCodesFile(file: string, space: Space, model: SpaceModel, log: VectorLogState): { loaded: LoadedSpace; replayed: number } | { problem: string } {
    const read = readCodesHeader(file);
    if ('problem' in read) return read;
    const { header } = read;
    const ahead = this.readAhead.get(space);
    this.readAhead.delete(space);
    const mismatch = headerMismatch(header, space, model, log);
    if (mismatch) return { problem: mismatch };
    // Rows read ahead count only if the file on disk is still the one they were read from.
    const reuse = ahead && JSON.stringify(ahead.header) === JSON.stringify(header) ? ahead : undefined;
    const matrix = reuse?.matrix ?? new SpaceMatrix(model.dims);
    const ids = reuse?.ids ?? new Float64Array(header.count);
    const slotsTaken: number[] = [];
    try {
      matrix.load(header.count, (rows) => {
        if (!reuse) readCodesRows(file, header, { ids, ...rows });
        const slots = new Int32Array(header.count);
        for (let row = 0; row < header.count; row++) {
          const slot = this.acquireSlot(ids[row] as number);
          slots[row] = slot;
          slotsTaken.push(slot);
        }
        return slots;
      });
    } catch (error) {
      this.releaseUnused(slotsTaken);
      return { problem: `unreadable (${(error as Error).message})` };
    }
    const loaded: LoadedSpace = { matrix, modelId: model.modelId, generation: model.generation, seq: header.seq, unsaved: 0 };
    const replayed = this.catchUp(space, loaded, log.head);
    const problem = this.disagreement(space, loaded, ids);
    if (problem) {
      this.releaseUnused(slotsTaken);
      return { problem };
    }
    return { loaded, replayed };
  }

  /** Why a loaded file's rows disagree with the database, if they do: the count, then samples. */
  private disagreement(space: Space, loaded: LoadedSpace, ids: Float64Array): string | undefined {
    const expected = this.store.countVectors(space);
    if (loaded.matrix.size !== expected) return `${loaded.matrix.size} rows where the database has ${expected} vectors`;
    const picks: number[] = [];
    for (let i = 0; i < SAMPLES && ids.length > 0; i++) picks.push(ids[Math.floor((i * (ids.length - 1)) / Math.max(1, SAMPLES - 1))] as number);
    const vectors = this.store.readVectors(space, picks);
    const codes = new Int8Array(paddedStride(loaded.matrix.dims));
    for (const id of picks) {
      const slot = this.slotOfItem.get(id);
      const row = slot === undefined ? undefined : loaded.matrix.row(slot);
      const vector = vectors.get(id);
      if (!row || !vector) continue; // changed since the file was written: replayed already
      codes.fill(0);
      const { alpha, error } = quantizeRow(vector, codes);
      if (alpha !== row.alpha || error !== row.error || !codes.every((c, j) => c === row.codes[j])) return `item ${id}'s codes differ from its vector`;
    }
    return undefined;
  }

  /** Replays the log from the space's seq to `head`; returns how many items it touched. */
  private catchUp(space: Space, loaded: LoadedSpace, head: number): number {
    const changed = this.store.vectorChanges(space, loaded.seq, head);
    const vectors = this.store.readVectors(space, changed);
    for (const itemId of changed) {
      const vector = vectors.get(itemId);
      if (vector) {
        loaded.matrix.set(this.acquireSlot(itemId), vector);
        continue;
      }
      const slot = this.slotOfItem.get(itemId);
      if (slot === undefined) continue;
      loaded.matrix.remove(slot);
      this.releaseUnused([slot]);
    }
    loaded.seq = head;
    loaded.unsaved += changed.length;
    return changed.length;
  }

  /** Writes the codes file of each space at least `minChanges` behind, then prunes the log. */
  private saveChanged(minChanges: number): void {
    if (!this.codesDir) return;
    let saved = false;
    for (const [space, loaded] of this.spaces) {
      if (loaded.unsaved >= minChanges) saved = this.save(space, loaded) || saved;
    }
    if (saved) this.pruneLog();
  }

  private save(space: Space, loaded: LoadedSpace): boolean {
    if (!this.codesDir) return false;
    const file = codesFile(this.codesDir, space);
    const onDisk = readCodesHeader(file);
    // Another process may have written a newer file meanwhile: keep it.
    if ('header' in onDisk && onDisk.header.generation === loaded.generation && onDisk.header.seq > loaded.seq) {
      loaded.unsaved = 0;
      return false;
    }
    const { codes, alpha, error, slots } = loaded.matrix.rows();
    const ids = new Float64Array(slots.length);
    for (let row = 0; row < slots.length; row++) ids[row] = this.itemOfSlot[slots[row] as number] as number;
    const header: CodesHeader = {
      format: 1,
      libraryId: this.store.vectorLog().libraryId,
      space,
      modelId: loaded.modelId,
      generation: loaded.generation,
      dims: loaded.matrix.dims,
      stride: loaded.matrix.stride,
      count: slots.length,
      seq: loaded.seq,
    };
    try {
      writeCodesFile(file, header, { ids, alpha, error, codes });
    } catch {
      // A full or read-only disk costs the next start a slower load, nothing else.
      return false;
    }
    loaded.unsaved = 0;
    return true;
  }

  /** The log is needed only after the oldest codes file of a space that has a model. */
  private pruneLog(): void {
    if (!this.codesDir) return;
    let oldest = Infinity;
    for (const space of SPACES) {
      if (!this.store.spaceModel(space)) continue;
      const read = readCodesHeader(codesFile(this.codesDir, space));
      oldest = Math.min(oldest, 'header' in read ? read.header.seq : 0);
    }
    if (!Number.isFinite(oldest) || oldest <= 0) return;
    try {
      this.store.pruneVectorLog(oldest);
    } catch {
      // Busy (another process is writing) or read-only: the log just stays longer.
    }
  }

  private dropSpace(space: Space): void {
    const loaded = this.spaces.get(space);
    if (!loaded) return;
    this.spaces.delete(space);
    const slots: number[] = [];
    for (let slot = 0; slot < this.nextSlot; slot++) if (loaded.matrix.has(slot)) slots.push(slot);
    this.releaseUnused(slots);
  }

  private clear(): void {
    this.spaces.clear();
    this.readAhead.clear();
    this.slotOfItem.clear();
    this.freeSlots.length = 0;
    this.nextSlot = 0;
  }

  private acquireSlot(itemId: number): number {
    let slot = this.slotOfItem.get(itemId);
    if (slot !== undefined) return slot;
    slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot >= this.itemOfSlot.length) {
        const grown = new Float64Array(this.itemOfSlot.length * 2);
        grown.set(this.itemOfSlot);
        this.itemOfSlot = grown;
      }
    }
    this.slotOfItem.set(itemId, slot);
    this.itemOfSlot[slot] = itemId;
    return slot;
  }

  /** Frees the slots that no loaded space (other than rows being dropped) still uses. */
  private releaseUnused(slots: readonly number[]): void {
    const matrices = [...this.spaces.values()].map(({ matrix }) => matrix);
    for (const slot of slots) {
      if (matrices.some((matrix) => matrix.has(slot))) continue;
      const itemId = this.itemOfSlot[slot] as number;
      if (itemId < 0) continue;
      this.slotOfItem.delete(itemId);
      this.itemOfSlot[slot] = -1;
      this.freeSlots.push(slot);
    }
  }
}

function headerMismatch(header: CodesHeader, space: Space, model: SpaceModel, log: VectorLogState): string | undefined {
  if (header.libraryId !== log.libraryId) return 'written for another library';
  if (header.space !== space) return `written for the ${header.space} space`;
  if (header.modelId !== model.modelId || header.generation !== model.generation) return 'written for another model';
  if (header.dims !== model.dims || header.stride !== paddedStride(model.dims)) return 'written for other dimensions';
  if (header.seq > log.head) return 'newer than the database (was the database restored from a backup?)';
  if (header.seq < log.floor) return 'older than the log of changes reaches back';
  return undefined;
}
