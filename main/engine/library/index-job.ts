import fs from 'node:fs';
import path from 'node:path';
import type { IndexCounts, IndexProgress, IndexState, IndexSummary, Space } from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import type { ImageEmbedding, ImageSpace } from '../embed/embedders.js';
import { toApiError } from '../errors.js';
import type { FileFacts, IndexStore, ItemWrite, LibraryItem } from '../store/library-store.js';
import { contentHash } from './content-hash.js';
import { isInPseudoFileSystem, looksLikeImage, readHead, refusal } from './file-checks.js';
import { pathBytes } from './file-path.js';
import { thumbnailPath } from './thumbnails.js';
import { isExcluded, reasonOf, scanFolder, type ScanProblem, type ScannedFile } from './scan-folder.js';
import { WorkClock } from '../jobs/work-clock.js';

export interface IndexJobOptions {
  store: IndexStore;
  pool: EmbedPool;
  /**
   * The spaces photos are embedded into; their models are set up in the store already.
   * `text` embeds each photo's words: its file name and the folders above it in the library.
   */
  spaces: Space[];
  thumbnailsDir: string;
  /** Carry out removals even when more than `removalGuard` of a folder's files vanished. */
  confirmRemovals?: boolean;
  removalGuard?: number;
  /** Files hashed and embedded per batch (one transaction each). */
  batchSize?: number;
  /** Folders the user left out of the library: not scanned, and their items removed. */
  excluded?: string[];
  /**
   * Semblance's own folders (database, thumbnails, models), as given and as real paths: never
   * scanned, and anything indexed from them before is removed (a data folder inside a library
   * folder, the default on macOS and Windows once the home folder is added).
   */
  ownFolders?: string[];
  /** Reading one file for its hash may take this long (a failing drive, a stalled share). */
  fileTimeoutMs?: number;
}

/** What one job looks at: a whole folder, or the paths a watcher saw change in it. */
export type IndexTarget = { root: string } | { root: string; changed: string[]; deleted: string[] };

interface Work {
  rootId: number;
  file: ScannedFile;
  known: LibraryItem | undefined;
}

/**
 * Brings the library in step with the disk for some folders: new and changed files are
 * hashed and embedded, moved files keep their items, copies share vectors, vanished files
 * are removed (only when their folder is present, and at most 20% of a folder at once
 * without confirmation), and a missing folder turns its items offline.
 *
 * Observable (progress events), pausable and cancellable; it always ends as done, cancelled
 * or failed, with a summary. Every batch is one transaction, so a killed process loses at
 * most the batches in flight, and the next run skips everything committed.
 */
export class IndexJob {
  private readonly options: Required<Omit<IndexJobOptions, 'confirmRemovals'>> & { confirmRemovals: boolean };
  /** Aborts the reads in flight when the job is cancelled. */
  private readonly abort = new AbortController();
  /** Folders under the roots that were on another device in this job's scans, with that device. */
  readonly mountPoints = new Map<string, number>();
  private readonly targets: IndexTarget[];
  private readonly listeners = new Set<(progress: IndexProgress) => void>();
  private readonly counts: IndexCounts = { found: 0, done: 0, skipped: 0, failed: 0, moved: 0, copied: 0, removed: 0, offline: 0 };
  private readonly problems: ScanProblem[] = [];
  private readonly awaiting: { root: string; count: number }[] = [];
  private state: IndexState = 'running';
  private current: string | null = null;
  private pending = 0;
  private worked = 0;
  /** From the first file that needed work; paused time left out. */
  private readonly clock = new WorkClock();
  private resumeGate: { promise: Promise<void>; open: () => void } | null = null;
  /** Content being embedded in this job, by hash. */
  private readonly embedding = new Map<string, Promise<ImageEmbedding>>();
  private cancelled = false;

  constructor(options: IndexJobOptions, targets: IndexTarget[]) {
    this.options = { removalGuard: 0.2, batchSize: 16, confirmRemovals: false, excluded: [], ownFolders: [], fileTimeoutMs: 120_000, ...options };
    this.targets = targets;
  }

  onProgress(listener: (progress: IndexProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pause(): void {
    if (this.state !== 'running' || this.resumeGate) return;
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.resumeGate = { promise, open };
    this.state = 'paused';
    this.clock.pause();
    this.emit();
  }

  resume(): void {
    const gate = this.resumeGate;
    if (!gate) return;
    this.resumeGate = null;
    this.clock.resume();
    this.state = 'running';
    gate.open();
    this.emit();
  }

  /** Stops after the batches in flight are written; the job ends as cancelled. */
  cancel(): void {
    this.cancelled = true;
    this.abort.abort();
    this.resume();
  }

  progress(): IndexProgress {
    const elapsed = this.clock.seconds();
    const rate = elapsed > 0 ? this.worked / elapsed : 0;
    return {
      state: this.state,
      counts: { ...this.counts },
      remaining: this.pending,
      current: this.current,
      rate,
      etaSeconds: rate > 0 ? this.pending / rate : null,
    };
  }

  async run(): Promise<IndexSummary> {
    const started = performance.now();
    let error: string | null = null;
    try {
      for (const target of this.targets) {
        if (this.cancelled) break;
        await this.indexTarget(target);
      }
    } catch (failure) {
      error = toApiError(failure).message;
    }
    this.current = null;
    this.pending = 0;
    this.state = error ? 'failed' : this.cancelled ? 'cancelled' : 'done';
    this.emit();
    return {
      state: this.state as IndexSummary['state'],
      counts: { ...this.counts },
      seconds: (performance.now() - started) / 1000,
      problems: [...this.problems],
      awaitingConfirmation: [...this.awaiting],
      error,
    };
  }

  private async indexTarget(target: IndexTarget): Promise<void> {
    const { store, spaces } = this.options;
    const root = path.resolve(target.root);
    const rootId = await store.addRoot(root);
    if (!(await isReadableFolder(root))) {
      // Unplugged drive, unmounted share, renamed folder: keep everything, mark it offline.
      this.counts.offline += await store.setRootOnline(rootId, false);
      this.emit();
      return;
    }

    // Leaving a folder out is the user's decision, not a vanishing drive: no 20% guard.
    // Semblance's own folders are never part of the library.
    const excluded = [...(this.options.excluded ?? []), ...this.options.ownFolders];
    const all = await store.rootItems(rootId, spaces);
    const left = all.filter((item) => item.path && isExcluded(item.path, excluded));
    if (left.length > 0) this.counts.removed += await store.removeItems(left.map((item) => item.id));
    const known = new Map(all.flatMap((item) => (item.path && !isExcluded(item.path, excluded) ? [[item.path, item] as const] : [])));
    let files: ScannedFile[];
    let vanished: LibraryItem[];
    let unreachable: LibraryItem[];
    let problems: ScanProblem[];
    if ('changed' in target) {
      files = (await Promise.all(target.changed.filter((p) => !isExcluded(p, excluded)).map(statFile))).filter((f): f is ScannedFile => f !== null);
      const gone = new Set([...target.deleted, ...target.changed.filter((p) => !files.some((f) => f.path === p))]);
      const candidates = [...known.values()].filter((item) => item.path && [...gone].some((g) => item.path === g || item.path?.startsWith(g + path.sep)));
      ({ vanished, unreachable } = await sortGone(candidates));
      problems = [];
    } else {
      const scan = await scanFolder(root, { shouldStop: () => this.cancelled, excluded, ownFolders: this.options.ownFolders });
      ({ files, problems } = scan);
      for (const [folder, device] of scan.mountPoints) this.mountPoints.set(folder, device);
      ({ vanished, unreachable } = sortUnseen(known, scan, problems));
      const rootDevice = scan.folders.get(root);
      if (files.length === 0 && vanished.length === 0 && unreachable.length > 0 && unreachable.some((item) => item.device !== null && item.device !== rootDevice)) {
        // The folder is there but its drive is not: an empty mount point. Nothing is gone.
        this.counts.offline += await store.setRootOnline(rootId, false);
        this.problems.push({ path: root, reason: 'the drive of this folder is not mounted: its photos are kept, offline' });
        this.emit();
        return;
      }
    }
    await store.setRootOnline(rootId, true);
    this.problems.push(...problems);
    this.counts.offline += await store.setItemsStatus(
      unreachable.map((item) => item.id),
      'offline',
    );
    this.counts.found += files.length;

    const work: Work[] = [];
    for (const file of files) {
      const item = known.get(file.path);
      const unchanged = item && item.size === file.size && item.mtimeMs === file.mtimeMs;
      // A failed file is read again once anything about it changed, its ctime included
      // (a chmod after "permission denied").
      if (unchanged && (item.complete || (item.status === 'error' && item.ctimeMs === file.ctimeMs))) {
        this.counts.skipped++; // unchanged: not even read
        // seen again (offline before), or found on a new device number: keep the item up to date
        if (item.device !== file.device || item.status === 'offline') await store.touchItem(item.id, facts(file));
      } else {
        work.push({ rootId, file, known: item });
      }
    }
    this.pending += work.length;
    this.emit();

    const moves = new Moves(vanished);
    await this.processWork(work, moves);
    if (this.cancelled) return;

    // What vanished from a folder that is there and did not turn up elsewhere is removed,
    // unless too much vanished at once.
    const stillGone = vanished.filter((item) => !moves.moved.has(item.id));
    if (stillGone.length === 0) return;
    const folderSize = known.size;
    if (!this.options.confirmRemovals && stillGone.length > this.options.removalGuard * folderSize && stillGone.length > 1) {
      this.awaiting.push({ root, count: stillGone.length });
    } else {
      this.counts.removed += await store.removeItems(stillGone.map((item) => item.id));
    }
    this.emit();
  }

  /** Hash and embed in batches, keeping a few in flight so hashing, decoding and inference overlap. */
  private async processWork(work: Work[], moves: Moves): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const limit = Math.max(4, this.options.pool.size * 4);
    this.clock.start();
    for (let start = 0; start < work.length; start += this.options.batchSize) {
      if (this.resumeGate) await this.resumeGate.promise;
      if (this.cancelled) break;
      const batch = this.processBatch(work.slice(start, start + this.options.batchSize), moves);
      inFlight.add(batch);
      void batch.finally(() => inFlight.delete(batch));
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  private async processBatch(batch: Work[], moves: Moves): Promise<void> {
    const { store, spaces, pool } = this.options;
    this.current = batch[0]?.file.path ?? null;
    const hashed = (await Promise.all(batch.map((work) => this.hash(work)))).filter((h) => h !== null);

    const writes: ItemWrite[] = [];
    const toEmbed: { work: Work; hash: string }[] = [];
    for (const { work, hash, error } of hashed) {
      const { file, rootId, known } = work;
      if (!hash) {
        writes.push(errorRow(work, null, error ?? 'cannot read the file'));
        continue;
      }
      if (known?.contentHash === hash && known.complete) {
        await store.touchItem(known.id, facts(file));
        this.counts.skipped++;
        continue;
      }
      const movedFrom = known ? undefined : moves.take(hash);
      if (movedFrom) {
        await store.moveItem(movedFrom.id, { ...facts(file), path: file.path, rootId });
        this.counts.moved++;
        continue;
      }
      const twin = (await store.completeItemsWithHash(hash, spaces)).find((item) => item.id !== known?.id);
      if (twin) {
        const vectors = Object.fromEntries(await Promise.all(spaces.map(async (space) => [space, (await store.readVectors(space, [twin.id])).get(twin.id)] as const)));
        writes.push({ item: photoItem(work, hash), vectors: vectors as Partial<Record<Space, Float32Array>> });
        continue;
      }
      toEmbed.push({ work, hash });
    }

    // Identical files in this job are embedded once: later ones wait for the first's vectors.
    const firstOfHash = new Set<string>();
    const fresh = toEmbed.filter(({ hash }) => !this.embedding.has(hash) && !firstOfHash.has(hash) && firstOfHash.add(hash));
    const inputs = await Promise.all(fresh.map(({ work }) => imageInput(work.file)));
    const results = fresh.length
      ? pool.embedImages(
          inputs,
          spaces.filter((space): space is ImageSpace => space !== 'text'),
          { thumbnails: fresh.map(({ hash }) => thumbnailPath(this.options.thumbnailsDir, hash)) },
        )
      : Promise.resolve([]);
    fresh.forEach(({ hash }, i) => this.embedding.set(hash, results.then((all) => all[i] as ImageEmbedding)));
    let embedded = 0;
    for (const { work, hash } of toEmbed) {
      const owner = fresh.some((f) => f.work === work);
      const result = (await this.embedding.get(hash)) as ImageEmbedding;
      if (!result.ok) {
        writes.push(errorRow(work, hash, result.reason));
        continue;
      }
      writes.push({
        item: {
          ...photoItem(work, hash),
          width: result.width,
          height: result.height,
          takenAt: result.takenAt,
          caption: result.caption,
        },
        vectors: result.vectors,
      });
      if (owner) embedded++;
    }
    if (spaces.includes('text')) await this.addTextVectors(writes.filter((w) => w.item.status !== 'error'));
    if (writes.length > 0) await store.writeItems(writes);
    // The perceptual hashes of what was decoded, by content: copies and moves share them.
    const pictures: { contentHash: string; hashes: string[] }[] = [];
    for (const { hash } of fresh) {
      const result = (await this.embedding.get(hash)) as ImageEmbedding;
      if (result.ok) pictures.push({ contentHash: hash, hashes: result.hashes });
    }
    await store.setPictureHashes(pictures);
    const failed = writes.filter((write) => write.item.status === 'error').length;
    const copied = writes.length - failed - embedded;
    this.counts.failed += failed;
    this.counts.done += embedded;
    this.counts.copied += copied;
    this.worked += batch.length;
    this.pending -= batch.length;
    this.emit();
  }

  /** The `text` vector of each photo: the words of its name, its folders, and its own caption. */
  private async addTextVectors(writes: ItemWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const texts = writes.map((w) => {
      return [itemText(w.item.path ?? '', this.rootOf(w.item.path ?? '')), w.item.caption].filter(Boolean).join('. ');
    });
    const vectors = await this.options.pool.embedTexts(texts, 'text');
    writes.forEach((w, i) => (w.vectors = { ...w.vectors, text: vectors[i] as Float32Array }));
  }

  /**
   * The file's content hash, after the checks that need no reading: its size and its first
   * bytes. Null when the job was cancelled while reading (the file is not at fault).
   */
  private async hash(work: Work): Promise<{ work: Work; hash: string | null; error: string | null } | null> {
    const { file } = work;
    const refused = refusal(file.size);
    if (refused) return { work, hash: null, error: refused };
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.fileTimeoutMs)]);
    try {
      // The size the scan saw may be stale (a file emptied, or still being written, since):
      // what the read finds decides.
      const head = await readHead(file.fsPath);
      if (head.length === 0) return { work, hash: null, error: 'the file is empty' };
      if (!looksLikeImage(head)) return { work, hash: null, error: 'not an image format Semblance can read' };
      return { work, hash: await contentHash(file.fsPath, signal), error: null };
    } catch (error) {
      if (this.cancelled) return null;
      if (signal.aborted) return { work, hash: null, error: `reading the file took longer than ${Math.round(this.options.fileTimeoutMs / 1000)} s (a slow or failing drive?)` };
      return { work, hash: null, error: reasonOf(error, 'cannot read the file') };
    }
  }

  private rootOf(file: string): string {
    return this.targets.map((t) => path.resolve(t.root)).find((root) => file.startsWith(root + path.sep)) ?? path.dirname(file);
  }


  private emit(): void {
    const progress = this.progress();
    for (const listener of this.listeners) listener(progress);
  }
}

/**
 * The words a photo carries in its path: "Holidays/2024 Crete/IMG_2041-beach.jpg" →
 * "Holidays 2024 Crete beach". Camera counters (IMG_2041, DSC0001) say nothing and are dropped.
 */
export function itemText(file: string, root: string): string {
  const relative = path.relative(root, file);
  const parts = relative.split(path.sep);
  parts[parts.length - 1] = path.basename(parts.at(-1) ?? '', path.extname(parts.at(-1) ?? ''));
  const words = parts
    .join(' ')
    .replace(/(?<![a-z])(img|dsc|dscn|dcim|pxl|mvimg)[_-]?\d+/gi, ' ')
    .split(/[\s_\-.,()[\]]+/)
    .filter(Boolean);
  return words.join(' ') || path.basename(file);
}

/** Vanished items by content, so a file found elsewhere in the same job is a move. */
class Moves {
  readonly moved = new Set<number>();
  private readonly byHash = new Map<string, LibraryItem[]>();

  constructor(vanished: readonly LibraryItem[]) {
    for (const item of vanished) {
      if (item.contentHash && item.complete) this.byHash.set(item.contentHash, [...(this.byHash.get(item.contentHash) ?? []), item]);
    }
  }

  take(hash: string): LibraryItem | undefined {
    const item = this.byHash.get(hash)?.shift();
    if (item) this.moved.add(item.id);
    return item;
  }
}

function photoItem(work: Work, hash: string): ItemWrite['item'] {
  return {
    kind: 'photo',
    path: work.file.path,
    rootId: work.rootId,
    contentHash: hash,
    ...facts(work.file),
    title: path.basename(work.file.path),
    status: 'ok',
    error: null,
  };
}

function errorRow(work: Work, hash: string | null, reason: string): ItemWrite {
  return { item: { ...photoItem(work, hash ?? ''), contentHash: hash, status: 'error', error: reason } };
}

/** What the store keeps of a scanned file besides its path. */
function facts(file: ScannedFile): FileFacts {
  return { size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs, device: file.device, pathBytes: pathBytes(file.fsPath) };
}

/** A path the decoder can open, or the file's bytes where the name is not UTF-8 (libvips takes strings). */
async function imageInput(file: ScannedFile): Promise<string | Buffer> {
  return typeof file.fsPath === 'string' ? file.fsPath : await fs.promises.readFile(file.fsPath).catch(() => Buffer.alloc(0));
}

/**
 * Known items a full scan did not see: gone, when their folder was walked and is on the
 * device they were on; unreachable (offline) when their folder was not there at all or is
 * on another device now (an unmounted drive leaves its empty mount point). A folder that
 * could not be read keeps its items as they are.
 */
function sortUnseen(
  known: ReadonlyMap<string, LibraryItem>,
  scan: { files: readonly ScannedFile[]; folders: ReadonlyMap<string, number> },
  problems: readonly ScanProblem[],
): { vanished: LibraryItem[]; unreachable: LibraryItem[] } {
  const seen = new Map(scan.files.map((file) => [file.path, file]));
  // A drive mounted again may get a new device number: its files tell the new one.
  const renumbered = new Map<number, number>();
  for (const [file, item] of known) {
    const now = seen.get(file);
    if (now && item.device !== null && item.device !== now.device) renumbered.set(item.device, now.device);
  }
  const shielded = problems.map((p) => p.path + path.sep);
  const vanished: LibraryItem[] = [];
  const unreachable: LibraryItem[] = [];
  for (const [file, item] of known) {
    if (seen.has(file) || shielded.some((dir) => file.startsWith(dir)) || problems.some((p) => p.path === file)) continue;
    const folderDevice = scan.folders.get(path.dirname(file));
    const device = item.device === null ? null : (renumbered.get(item.device) ?? item.device);
    if (folderDevice === undefined || (device !== null && device !== folderDevice)) unreachable.push(item);
    else vanished.push(item);
  }
  return { vanished, unreachable };
}

/** The same for what a watcher says is gone: gone only if the folder is there, readable, on the same device. */
async function sortGone(candidates: readonly LibraryItem[]): Promise<{ vanished: LibraryItem[]; unreachable: LibraryItem[] }> {
  const vanished: LibraryItem[] = [];
  const unreachable: LibraryItem[] = [];
  const folders = new Map<string, Promise<number | null>>();
  for (const item of candidates) {
    if (!item.path || item.pathBytes) continue; // a name in bytes waits for the full scan the watcher asks for
    const folder = path.dirname(item.path);
    if (!folders.has(folder)) folders.set(folder, readableFolderDevice(folder));
    const device = await folders.get(folder);
    if (device === null || (item.device !== null && item.device !== device)) unreachable.push(item);
    else vanished.push(item);
  }
  return { vanished, unreachable };
}

async function readableFolderDevice(folder: string): Promise<number | null> {
  return (await isReadableFolder(folder)) ? ((await fs.promises.stat(folder).catch(() => null))?.dev ?? null) : null;
}

async function isReadableFolder(folder: string): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(folder);
    if (!stat.isDirectory()) return false;
    await fs.promises.access(folder, fs.constants.R_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function statFile(file: string): Promise<ScannedFile | null> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile() || isInPseudoFileSystem(await fs.promises.realpath(file))) return null;
    return { path: file, fsPath: file, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), ctimeMs: Math.floor(stat.ctimeMs), device: stat.dev };
  } catch {
    return null;
  }
}
