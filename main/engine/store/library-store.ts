import type {
  AlbumSummary,
  AlbumView,
  CatalogImportSummary,
  CatalogMapping,
  CatalogStatus,
  BrowseRequest,
  FolderImpact,
  ForgottenFolder,
  BrowseResponse,
  ItemDetail,
  ItemError,
  ItemKind,
  ItemStatus,
  LabelSetSummary,
  RootStatus,
  SearchFilters,
  Space,
  SpaceStatus,
  TimelineResponse,
} from '../../../preload/contract.js';
import type { AlbumRecord } from './albums.js';
import type { LabelSetDefinition } from './labels.js';
import type { VectorLogState } from './vector-log.js';
import type { PictureFacts, ProductFacts } from './picture-hashes.js';
import type { ScanState, SetAsideItem, StoredEvidence } from './duplicates.js';
import type { PictureReading, PictureTextRow } from './picture-text.js';
import type { FaceRow } from './faces.js';
import type { GroupingFace, PersonRow } from './people.js';
import type { MapClusterRow, MapLayoutRow, MapPointRow, WordSource } from './map-layouts.js';

export type { AlbumRecord } from './albums.js';
export type { LabelSetDefinition } from './labels.js';
export type { VectorLogState } from './vector-log.js';

/**
 * What the services above the store may ask of it. No database types cross this line: a
 * second implementation (PostgreSQL + pgvector) only has to keep these promises.
 */

export interface ItemInput {
  kind: ItemKind;
  /** Photos: the absolute file path (unique). */
  path?: string | null;
  /** Products: "<catalog>:<row id>" (unique). */
  catalogKey?: string | null;
  rootId?: number | null;
  contentHash?: string | null;
  size?: number | null;
  mtimeMs?: number | null;
  /** Photos: the file's ctime (a chmod changes it), its device number, its path as bytes when not UTF-8. */
  ctimeMs?: number | null;
  device?: number | null;
  pathBytes?: Uint8Array | null;
  width?: number | null;
  height?: number | null;
  takenAt?: number | null;
  title?: string | null;
  /** A product's fields exactly as its catalog said; Semblance keeps nothing of its own here. */
  attributes?: Record<string, unknown> | null;
  /** A product's values by role (name, category, colour, price...), as its catalog wrote them. */
  roles?: Record<string, string | null> | null;
  /** A photo's own words (XMP title or description, EXIF ImageDescription). */
  caption?: string | null;
  /** Products: the catalog, its folder, the row's id and the hash of the row it was made from. */
  catalog?: string | null;
  catalogFolder?: string | null;
  rowId?: string | null;
  rowHash?: string | null;
  /** Products: the picture file, or why it could not be used. */
  picture?: string | null;
  pictureError?: string | null;
  status?: ItemStatus;
  error?: string | null;
}

/** An item and the vectors to store with it; spaces left out keep the vectors they had. */
export interface ItemWrite {
  item: ItemInput;
  vectors?: Partial<Record<Space, ArrayLike<number>>>;
  /** Drop the item's vectors in the spaces `vectors` leaves out (a product that lost its image). */
  replaceVectors?: boolean;
}

export interface SpaceModel {
  space: Space;
  modelId: string;
  dims: number;
  generation: number;
}

/** What a scan learns of a file without reading it. */
export interface FileFacts {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  device: number;
  /** The path as bytes, for a name that is not UTF-8 (then `path` shows them as \xHH). */
  pathBytes?: Uint8Array | null;
}

export interface ErrorGroup {
  reason: string;
  count: number;
}

/** A value now (SQLite) or later (PostgreSQL): callers await either. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What the index job asks of a store: roots, items by folder and by content, their vectors.
 * Both stores keep it (SQLite synchronously, PostgreSQL over the network), so one index job
 * brings either in step with the disk; `test/integration/store-matrix.test.ts` runs the
 * same cases on both.
 */
export interface IndexStore {
  addRoot(rootPath: string): Awaitable<number>;
  /** A folder came or went; gone turns its readable items offline (returns how many). */
  setRootOnline(rootId: number, online: boolean): Awaitable<number>;
  rootItems(rootId: number, spaces: readonly Space[]): Awaitable<LibraryItem[]>;
  completeItemsWithHash(hash: string, spaces: readonly Space[]): Awaitable<LibraryItem[]>;
  readVectors(space: Space, itemIds: Iterable<number>): Awaitable<Map<number, Float32Array>>;
  writeItems(writes: readonly ItemWrite[]): Awaitable<number[]>;
  removeItems(itemIds: readonly number[]): Awaitable<number>;
  moveItem(itemId: number, to: FileFacts & { path: string; rootId: number }): Awaitable<void>;
  touchItem(itemId: number, facts: FileFacts): Awaitable<void>;
  setItemsStatus(itemIds: readonly number[], status: 'ok' | 'offline'): Awaitable<number>;
  setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): Awaitable<void>;
}

/**
 * Forgetting a library folder with undo, in the steps the forget job runs (see
 * library/forget-folder.ts and store/forgotten.ts): start (an incomplete entry and the
 * items' ids), keep chunks of items, mark it complete (undoable), drop chunks from the
 * library, finish (the folder entry goes); bring back in chunks; purge. Both stores keep it.
 */
export interface ForgetStore {
  rootByPath(rootPath: string): Awaitable<RootStatus | undefined>;
  addRoot(rootPath: string): Awaitable<number>;
  /** What forgetting a folder would take out of the library. */
  rootImpact(rootId: number): Awaitable<FolderImpact>;
  startForget(rootId: number, now?: number): Awaitable<{ folderId: number; ids: number[] }>;
  keepForgotten(folderId: number, ids: readonly number[]): Awaitable<void>;
  markForgotten(folderId: number): Awaitable<void>;
  dropForgotten(ids: readonly number[]): Awaitable<void>;
  finishForget(folderId: number, rootId: number): Awaitable<void>;
  /** Forgotten folders that can be brought back, newest first (the undo window not checked). */
  forgottenFolders(): Awaitable<ForgottenFolder[]>;
  /** Brings up to `limit` of a forgotten folder's items back under a library folder. */
  restoreChunk(folderId: number, rootId: number, limit: number): Awaitable<{ restored: number; left: number }>;
  purgeForgotten(which: { id: number } | { before: number }): Awaitable<number>;
}

/** What the album service asks of a store: both keep it (`store/albums.ts`, `postgres/pg-albums.ts`). */
export interface AlbumStore {
  albums(): Awaitable<AlbumSummary[]>;
  createAlbum(name: string, query: string | null, view: AlbumView | null): Awaitable<AlbumRecord>;
  /** How many of the items were new in it. */
  addToAlbum(name: string, itemIds: readonly number[]): Awaitable<number>;
  removeFromAlbum(name: string, itemIds: readonly number[]): Awaitable<number>;
  renameAlbum(name: string, to: string): Awaitable<void>;
  /** What it was, so it can be made again (undo). */
  deleteAlbum(name: string): Awaitable<{ name: string; query: string | null; view: AlbumView | null; itemIds: number[] }>;
}

/** A label set's tags for some items: each item's chosen labels with how sure. */
export type LabelAssignments = readonly { id: number; labels: readonly { label: string; confidence: number }[] }[];

/** What the label service asks of a store: both keep it (`store/labels.ts`, `postgres/pg-labels.ts`). */
export interface LabelStore {
  labelSets(): Awaitable<LabelSetSummary[]>;
  labelSetDefinitions(): Awaitable<LabelSetDefinition[]>;
  saveLabelSet(definition: LabelSetDefinition): Awaitable<void>;
  /** Everything a set gave, replaced in one transaction (a cancelled run changes nothing). */
  replaceLabelSet(name: string, assignments: LabelAssignments): Awaitable<void>;
  /** Tags for items a set had not seen, and its mark moved to `through`. */
  labelNewItems(name: string, assignments: LabelAssignments, through: number): Awaitable<void>;
  renameLabelSet(name: string, to: string): Awaitable<void>;
  deleteLabelSet(name: string): Awaitable<LabelSetDefinition | undefined>;
  /** A tag given by hand, to the items that lack it; the ids that got it. */
  tagItems(tag: string, itemIds: readonly number[]): Awaitable<number[]>;
  untagItems(tag: string, itemIds: readonly number[]): Awaitable<number>;
  /** Items above an id with a current clip vector (what a set has not seen). */
  clipItemsAfter(after: number): Awaitable<number[]>;
  maxItemId(): Awaitable<number>;
  readVectors(space: Space, itemIds: Iterable<number>): Awaitable<Map<number, Float32Array>>;
  /** Every current vector of a space, in item order. */
  forEachVector(space: Space, callback: (itemId: number, vector: Float32Array) => void): Awaitable<void>;
}

/**
 * What importing a catalog asks of a store: its saved record (mapping, columns, last import),
 * its products by key, and the item writes. Both keep it (SQLite's `Store`, `postgres/pg-catalogs.ts`).
 */
export interface CatalogStore {
  catalog(name: string): Awaitable<SavedCatalog | undefined>;
  catalogs(): Awaitable<SavedCatalog[]>;
  catalogStatuses(): Awaitable<CatalogStatus[]>;
  /** A catalog's products by key, with the hash of the row each was made from. */
  catalogItems(catalog: string): Awaitable<Map<string, { id: number; rowHash: string | null }>>;
  saveCatalog(record: SavedCatalog): Awaitable<void>;
  writeItems(writes: readonly ItemWrite[]): Awaitable<number[]>;
  removeItems(itemIds: readonly number[]): Awaitable<number>;
  setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): Awaitable<void>;
}

/** The user's choices kept with the library, as JSON values by key: both stores keep them (`store/settings.ts`, `postgres/pg-settings.ts`). */
export interface SettingsStore {
  getSetting(key: string): Awaitable<unknown>;
  setSetting(key: string, value: unknown): Awaitable<void>;
}

/** What finding a product's substitutes asks of a store: the product by id or key, its vectors, and the catalogs' columns. */
export interface ProductStore {
  readVectors(space: Space, itemIds: Iterable<number>): Awaitable<Map<number, Float32Array>>;
  getItems(itemIds: readonly number[]): Awaitable<Map<number, ItemRow>>;
  itemIdByCatalogKey(key: string): Awaitable<number | undefined>;
  catalogKeysForRowId(rowId: string): Awaitable<string[]>;
  catalogColumns(): Awaitable<string[]>;
}

export interface LibraryItem {
  id: number;
  path: string | null;
  pathBytes: Uint8Array | null;
  size: number | null;
  mtimeMs: number | null;
  ctimeMs: number | null;
  /** The device the file was last seen on. */
  device: number | null;
  contentHash: string | null;
  status: ItemStatus;
  /** Has current vectors in every space asked about. */
  complete: boolean;
}

export interface ItemRow {
  id: number;
  kind: ItemKind;
  /** A photo's file, or a product's picture (null for a product without one). */
  path: string | null;
  catalogKey: string | null;
  title: string | null;
  status: ItemStatus;
}

/** Where an item's picture files are, for the picture access policy. */
export interface PictureRecord {
  kind: ItemKind;
  /** A photo's file or a product's picture. */
  file: string | null;
  contentHash: string | null;
  /** A product's catalog folder: its pictures may be served from there. */
  catalogFolder: string | null;
}

export interface ItemCounts {
  total: number;
  byKind: Record<ItemKind, number>;
  byStatus: Record<ItemStatus, number>;
  /** By kind, without the items that could not be read (a library of "1,016 photos", not 1,018). */
  readable: Record<ItemKind, number>;
}

/** An imported catalog: where from, the mapping it was read with, its last import. */
export interface SavedCatalog {
  name: string;
  file: string;
  /** The mapping the last import used; null for catalogs imported before mappings were kept. */
  mapping: CatalogMapping | null;
  /** The file's columns, as its header names them. */
  columns: string[];
  /** The last import's summary; null before the first import that kept one. */
  summary: CatalogImportSummary | null;
  importedAt: number;
}

export interface LibraryStore {
  readonly file: string;
  close(): void;
  isOpen(): boolean;
  /** Changes whenever another connection commits. */
  dataVersion(): number;
  schemaVersion(): number;
  sizeBytes(): number;

  // spaces and vectors
  spaceModel(space: Space): SpaceModel | undefined;
  setSpaceModel(space: Space, modelId: string, dims: number): { changed: boolean; droppedVectors: number };
  spaces(): SpaceStatus[];
  hasVectors(space: Space): boolean;
  readVectors(space: Space, itemIds: Iterable<number>): Map<number, Float32Array>;
  forEachVector(space: Space, callback: (itemId: number, vector: Float32Array) => void): void;
  /** Reads the spaces' models again (another connection may have changed one). */
  refreshSpaceModels(): void;
  /** Runs `work` in one read transaction: every read inside sees the same commit. */
  snapshot<T>(work: () => T): T;
  /** Where the log of vector changes stands (see vector-log.ts). */
  vectorLog(): VectorLogState;
  vectorChanges(space: Space, after: number, upTo: number): number[];
  pruneVectorLog(upTo: number): void;
  /** Current (not stale) vectors of a space. */
  countVectors(space: Space): number;

  // items
  writeItem(write: ItemWrite): number;
  writeItems(writes: readonly ItemWrite[]): number[];
  removeItems(itemIds: readonly number[]): number;
  getItems(itemIds: readonly number[]): Map<number, ItemRow>;
  itemIdByPath(file: string): number | undefined;
  itemIdByCatalogKey(key: string): number | undefined;
  catalogKeysForRowId(rowId: string): string[];
  catalogItems(catalog: string): Map<string, { id: number; rowHash: string | null }>;
  saveCatalog(record: SavedCatalog): void;
  catalogs(): SavedCatalog[];
  catalog(name: string): SavedCatalog | undefined;
  /** Products per catalog and what each last import could not read, without reading the summaries. */
  catalogStatuses(): CatalogStatus[];
  catalogColumns(): string[];
  filterItemIds(filters: SearchFilters): number[];
  /** Items that pass the filters, newest first, a page at a time (a query of filters only). */
  listItems(filters: SearchFilters, page: { offset: number; limit: number }): { total: number; items: ItemRow[] };
  takenTimes(itemIds: readonly number[]): Map<number, number>;
  countItems(): ItemCounts;
  recentErrors(limit?: number): ItemError[];
  errorGroups(): ErrorGroup[];
  errorPage(page: { reason?: string; offset: number; limit: number }): { total: number; errors: ItemError[] };
  /** Makes failed photos be read again by the next index; returns how many and their folders. */
  retryErrors(itemIds: readonly number[] | null): { count: number; rootIds: number[] };
  picture(itemId: number): PictureRecord | undefined;
  itemDetail(itemId: number): ItemDetail;
  browse(request: BrowseRequest): BrowseResponse;
  timeline(request: BrowseRequest): TimelineResponse;

  // the library's folders
  roots(): RootStatus[];
  rootByPath(rootPath: string): RootStatus | undefined;
  addRoot(rootPath: string): number;
  removeRoot(rootId: number): number;
  /** The paths of a folder's items that could be read. */
  rootItemPaths(rootId: number): string[];
  /** Makes `outer` the one library folder of what the `inner` folders held (see roots.ts). */
  absorbRoots(outer: string, inner: readonly number[]): number;
  /** What forgetting a folder would take out of the library. */
  rootImpact(rootId: number): FolderImpact;
  /**
   * Forgetting a folder, in steps a job runs (see forgotten.ts): start (an incomplete row and
   * the items' ids), keep chunks of items, mark it complete (undoable), drop chunks from the
   * library, finish (the folder entry goes).
   */
  startForget(rootId: number, now?: number): { folderId: number; ids: number[] };
  keepForgotten(folderId: number, ids: readonly number[]): void;
  markForgotten(folderId: number): void;
  dropForgotten(ids: readonly number[]): void;
  finishForget(folderId: number, rootId: number): void;
  /** Forgotten folders that can be brought back, newest first. */
  forgottenFolders(): ForgottenFolder[];
  /** Brings up to `limit` of a forgotten folder's items back under a library folder. */
  restoreChunk(folderId: number, rootId: number, limit: number): { restored: number; left: number };
  purgeForgotten(which: { id: number } | { before: number }): number;
  setRootOnline(rootId: number, online: boolean): number;
  rootItems(rootId: number, spaces: readonly Space[]): LibraryItem[];
  completeItemsWithHash(hash: string, spaces: readonly Space[]): LibraryItem[];
  moveItem(itemId: number, to: FileFacts & { path: string; rootId: number }): void;
  touchItem(itemId: number, facts: FileFacts): void;
  /** Toggles items between ok and offline; failed items keep their error. */
  setItemsStatus(itemIds: readonly number[], status: 'ok' | 'offline'): number;

  // labels
  /** A picture's perceptual hashes (its four turns), by content hash: identical files share them. */
  setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): void;
  pictureHashes(contentHashes: readonly string[]): Map<string, [string, string, string, string]>;
  /** Every readable photo with its size, date and hashes, for the duplicate finder. */
  pictureFacts(): PictureFacts[];
  /** Every readable product with its words and its picture's hashes, for the duplicate finder. */
  productFacts(): ProductFacts[];
  /** Text read in pictures (by content), the photos not read yet, and an FTS5 search of it. */
  setPictureText(contentHash: string, reading: PictureReading, now?: number): void;
  unreadPictures(everything?: boolean): { id: number; contentHash: string }[];
  textsToEmbed(model: string): { contentHash: string; text: string }[];
  setTextVectors(model: string, rows: readonly { contentHash: string; vector: Float32Array }[]): void;
  textState(model: string): { read: boolean; embedded: number; key: string };
  textVectors(model: string): Map<string, Float32Array>;
  itemsOfContents(contentHashes: readonly string[]): Map<string, number[]>;
  textVocabulary(): string[];

  // faces (see faces.ts)
  unscannedPictures(): { id: number; contentHash: string }[];
  setFaces(contentHash: string, faces: readonly Omit<FaceRow, 'id' | 'contentHash'>[], problem?: string | null): void;
  itemFaces(itemId: number): { faces: FaceRow[]; problem: string | null } | undefined;
  forEachFace(callback: (face: FaceRow) => void): void;
  faceCounts(): { scanned: number; faces: number; pictures: number };
  dropFaces(): number;
  // people (see people.ts)
  groupingFaces(good: { size: number; yaw: number; sharpness: number }): GroupingFace[];
  faceRejections(): Map<number, Set<number>>;
  saveGrouping(assignments: readonly { faceId: number; person: number | { new: number } }[]): number;
  people(includeHidden: boolean): PersonRow[];
  namePerson(id: number, name: string | null): void;
  mergePeople(from: number, into: number): void;
  rejectFace(faceId: number): number;
  assignFace(faceId: number, personId: number): void;
  hidePerson(id: number, hidden: boolean): void;
  personByName(name: string): number | undefined;
  itemsOfPerson(personId: number): number[];
  itemSize(itemId: number): { width: number; height: number } | undefined;
  facePeople(faceIds: readonly number[]): Map<number, { personId: number | null; name: string | null }>;

  // maps
  mapLayout(name: string): MapLayoutRow | undefined;
  saveMapLayout(layout: Omit<MapLayoutRow, 'id' | 'namedWith'>, points: readonly MapPointRow[], clusters: readonly MapClusterRow[]): number;
  addMapPoints(layoutId: number, points: readonly MapPointRow[]): void;
  mapPoints(layoutId: number): MapPointRow[];
  saveMapClusters(layoutId: number, points: readonly MapPointRow[], clusters: readonly MapClusterRow[], at: number): void;
  mapClusters(layoutId: number): MapClusterRow[];
  nameMapClusters(layoutId: number, names: readonly Pick<MapClusterRow, 'cluster' | 'label' | 'confidence' | 'words'>[], namedWith: string): void;
  /** Per item, what the words a cluster may be named by come from. */
  itemWordSources(itemIds: readonly number[]): Map<number, WordSource>;
  /** Products' categories (their catalog's category column). */
  itemCategories(itemIds: readonly number[]): Map<number, string>;
  /** Tags given by hand: added (the items that got it), taken off (the undo: how many lost it), and each item's. */
  tagItems(tag: string, itemIds: readonly number[]): number[];
  untagItems(tag: string, itemIds: readonly number[]): number;
  userTags(itemIds: readonly number[]): Map<number, string[]>;
  /** Each item's surest tag, of any label set. */
  topLabels(itemIds: readonly number[]): Map<number, string>;
  itemsWithText(match: string): number[];
  pictureText(itemId: number): PictureTextRow | undefined;
  /** What the duplicate checks found (by content), and which pictures they checked. */
  saveDuplicateEvidence(pairs: readonly StoredEvidence[], checked: readonly string[], replace: boolean): void;
  /** Same-photo pairs, and visual pairs at `minLook` or more. */
  duplicateEvidence(minLook: number): StoredEvidence[];
  /** Readable photos' contents no duplicate check has seen yet. */
  uncheckedPictures(): string[];
  duplicateScan(): ScanState | undefined;
  saveDuplicateScan(state: ScanState): void;
  /** "Not duplicates", by content pairs; remembered across re-indexing. */
  dismissDuplicates(pairs: readonly [string, string][], now?: number): number;
  undismissDuplicates(pairs: readonly [string, string][]): number;
  dismissedDuplicates(): Set<string>;
  /** Duplicates taken out of the library (trash, a folder), kept for undo: see duplicates.ts. */
  keepSetAside(action: 'trash' | 'move', folder: string | null, ids: readonly number[], now?: number): number;
  finishSetAside(batch: number, moved: readonly { id: number; to: string | null }[]): void;
  setAsideItems(batch: number): { action: 'trash' | 'move'; items: SetAsideItem[] } | undefined;
  restoreSetAside(batch: number, itemIds: readonly number[]): number;
  setLabels(itemId: number, labelSet: string, labels: readonly { label: string; confidence: number }[]): void;
  /** Replaces everything one label set gave, in one transaction. */
  replaceLabelSet(labelSet: string, assignments: readonly { id: number; labels: readonly { label: string; confidence: number }[] }[]): void;
  labelSets(): LabelSetSummary[];

  // albums (see albums.ts)
  albums(): AlbumSummary[];
  albumByName(name: string): AlbumRecord | undefined;
  createAlbum(name: string, query: string | null, view?: AlbumView | null): AlbumRecord;
  /** Adds items to a plain album; how many were not in it yet. */
  addToAlbum(name: string, itemIds: readonly number[]): number;
  removeFromAlbum(name: string, itemIds: readonly number[]): number;
  renameAlbum(name: string, to: string): void;
  /** Deletes an album; what it was (name, query, items), for an undo. */
  deleteAlbum(name: string): { name: string; query: string | null; view: AlbumView | null; itemIds: number[] };

  labelSetDefinitions(): LabelSetDefinition[];
  /** Saves a set's definition (labels, template, threshold, how far it has labelled). */
  saveLabelSet(def: LabelSetDefinition): void;
  /** Tags items a set had not seen, and moves its mark to `through`, in one transaction. */
  labelNewItems(name: string, assignments: readonly { id: number; labels: readonly { label: string; confidence: number }[] }[], through: number): void;
  renameLabelSet(name: string, to: string): void;
  /** Deletes a set and its tags; its definition (to apply it again). */
  deleteLabelSet(name: string): LabelSetDefinition | undefined;
  clipItemsAfter(after: number): number[];
  maxItemId(): number;

  // settings
  getSetting(key: string): unknown;
  setSetting(key: string, value: unknown): void;
}
