import fs from 'node:fs';
import {
  type BrowseRequest,
  type AlbumSummary,
  type AlbumView,
  type CatalogStatus,
  type FolderImpact,
  type ForgottenFolder,
  type BrowseResponse,
  type ItemDetail,
  type ItemError,
  type LabelSetSummary,
  type RootStatus,
  type SearchFilters,
  type Space,
  type SpaceStatus,
  type TimelineResponse,
} from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import { Connection } from './connection.js';
import * as albums from './albums.js';
import * as catalogs from './catalogs.js';
import * as forgotten from './forgotten.js';
import * as items from './items.js';
import * as labels from './labels.js';
import * as duplicates from './duplicates.js';
import * as pictureHashes from './picture-hashes.js';
import * as pictureText from './picture-text.js';
import * as faces from './faces.js';
import * as people from './people.js';
import * as mapLayouts from './map-layouts.js';
import * as copyReader from './copy-reader.js';
import { prepareItemWrite } from './item-write.js';
import type { SavedCatalog, ErrorGroup, FileFacts, ItemCounts, ItemRow, ItemWrite, LibraryItem, LibraryStore, PictureRecord, SpaceModel } from './library-store.js';
import { openDatabase, schemaVersion, type OpenOptions } from './open-database.js';
import * as roots from './roots.js';
import * as settings from './settings.js';
import { rebuildVectorTable, vectorSlots } from './vector-tables.js';
import * as vectorLog from './vector-log.js';
import type { VectorLogState } from './vector-log.js';
import * as vectors from './vectors.js';

export type { ItemInput, ItemRow, ItemWrite, LibraryItem, LibraryStore, PictureRecord, SpaceModel } from './library-store.js';

/** Empty vector slots worth a rebuild of a space's table (and more than the live ones). */
const COMPACT_MIN_WASTE = 4096;


/**
 * The SQLite store: better-sqlite3 + sqlite-vec behind the LibraryStore interface. The SQL
 * lives in one module per table group (items, vectors, roots, labels, settings), functions
 * over one Connection; this class holds the connection and the spaces' models.
 *
 * Every write is one transaction (an item and all its vectors together). Search indexes
 * learn of vector changes from the vector log the triggers fill (vector-log.ts), whichever
 * connection wrote them.
 */
export class Store implements LibraryStore {
  readonly file: string;
  readonly #sql: Connection;
  private spaceModels: Map<Space, SpaceModel>;

  private constructor(sql: Connection, file: string) {
    this.#sql = sql;
    this.file = file;
    this.spaceModels = vectors.loadSpaceModels(sql);
  }

  static open(file: string, options?: OpenOptions): Store {
    return new Store(new Connection(openDatabase(file, options)), file);
  }

  close(): void {
    if (this.#sql.db.open) this.#sql.db.close();
  }

  isOpen(): boolean {
    return this.#sql.db.open;
  }

  dataVersion(): number {
    return this.#sql.db.pragma('data_version', { simple: true }) as number;
  }

  schemaVersion(): number {
    return schemaVersion(this.#sql.db);
  }

  /** SQLite's own check of the file: "ok" when nothing is broken. */
  integrityCheck(): string {
    return this.#sql.db.pragma('integrity_check', { simple: true }) as string;
  }

  sizeBytes(): number {
    return [this.file, `${this.file}-wal`].reduce((sum, f) => sum + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  }

  // ---- spaces and vectors -------------------------------------------------------------

  spaceModel(space: Space): SpaceModel | undefined {
    return this.spaceModels.get(space);
  }

  /**
   * Declares which model fills a space. A different model makes the space's existing
   * vectors stale (out of search, counted as stale until re-embedded), so two models'
   * vectors are never mixed. A model with other dimensions needs a new vec0 table: the old
   * vectors are dropped then, and their items still count as stale.
   */
  setSpaceModel(space: Space, modelId: string, dims: number): { changed: boolean; droppedVectors: number } {
    const current = this.spaceModels.get(space);
    if (current && current.modelId === modelId && current.dims === dims) return { changed: false, droppedVectors: 0 };
    const droppedVectors = vectors.writeSpaceModel(this.#sql, current, space, modelId, dims);
    this.spaceModels = vectors.loadSpaceModels(this.#sql);
    return { changed: true, droppedVectors };
  }

  spaces(): SpaceStatus[] {
    return vectors.spaceStatuses(this.#sql, this.spaceModels);
  }

  hasVectors(space: Space): boolean {
    return vectors.hasVectors(this.#sql, this.spaceModels.get(space));
  }

  refreshSpaceModels(): void {
    this.spaceModels = vectors.loadSpaceModels(this.#sql);
  }

  snapshot<T>(work: () => T): T {
    return this.#sql.db.transaction(work).deferred();
  }

  vectorLog(): VectorLogState {
    return vectorLog.vectorLogState(this.#sql);
  }

  vectorChanges(space: Space, after: number, upTo: number): number[] {
    return vectorLog.vectorChanges(this.#sql, space, after, upTo);
  }

  pruneVectorLog(upTo: number): void {
    vectorLog.pruneVectorLog(this.#sql, upTo);
  }

  countVectors(space: Space): number {
    const model = this.spaceModels.get(space);
    return model ? vectorLog.countVectors(this.#sql, space, model.generation) : 0;
  }

  readVectors(space: Space, itemIds: Iterable<number>): Map<number, Float32Array> {
    return vectors.readVectors(this.#sql, this.spaceModels.get(space), itemIds);
  }

  forEachVector(space: Space, callback: (itemId: number, vector: Float32Array) => void): void {
    vectors.forEachVector(this.#sql, this.spaceModels.get(space), callback);
  }

  /** The slow, public way through a vec0 table (a test compares it with the fast one). */
  scanVectorTable(space: Space, callback: (itemId: number, vector: Float32Array) => void): void {
    vectors.scanVectorTable(this.#sql, space, callback);
  }

  // ---- items --------------------------------------------------------------------------

  /** Writes one item and its vectors in one transaction; returns the item id. */
  writeItem(write: ItemWrite): number {
    return this.writeItems([write])[0] as number;
  }

  /**
   * Writes items and their vectors in one transaction (all or nothing). Every vector is
   * checked before anything is written, so bad input never leaves half a batch behind.
   */
  writeItems(writes: readonly ItemWrite[]): number[] {
    const prepared = writes.map((write, index) => prepareItemWrite(write, index, this.spaceModels));
    const sql = this.#sql;
    const ids = sql.write(() =>
      prepared.map(({ item, vectors: unit, replace }) => {
        const id = items.upsertItem(sql, item);
        if (replace) vectors.dropVectors(sql, id, [...unit.keys()]);
        // An item that cannot be read has no valid vectors: old ones would mislead search.
        if (item.status === 'error') vectors.dropVectors(sql, id);
        for (const [space, vector] of unit) vectors.putVector(sql, id, space, (this.spaceModels.get(space) as SpaceModel).generation, vector);
        return id;
      }),
    );
    return ids;
  }

  /**
   * Removes items with their vectors and labels (the schema cascades). When removals have
   * left a space's vector table more than half empty, it is rebuilt to give the room back.
   */
  removeItems(itemIds: readonly number[]): number {
    if (itemIds.length === 0) return 0;
    const removed = this.#sql.write(() => items.deleteItems(this.#sql, itemIds));
    this.compactIfWasteful();
    return removed;
  }

  /** sqlite-vec never frees a chunk's empty slots: a table mostly empty is rebuilt. */
  private compactIfWasteful(): void {
    for (const { space, dims } of this.spaceModels.values()) {
      const { slots, live } = vectorSlots(this.#sql.db, space);
      if (slots - live > Math.max(COMPACT_MIN_WASTE, live)) this.compactVectors(space, dims);
    }
  }

  /** Rebuilds one space's vector table with its live vectors only (same ids, same values). */
  compactVectors(space: Space, dims: number): void {
    this.#sql.write(() => rebuildVectorTable(this.#sql.db, space, dims));
    this.#sql.forgetStatements(); // statements on the old vec0 table are invalid now
  }

  getItems(itemIds: readonly number[]): Map<number, ItemRow> {
    return items.getItems(this.#sql, itemIds);
  }

  itemIdByPath(file: string): number | undefined {
    return items.itemIdByPath(this.#sql, file);
  }

  itemIdByCatalogKey(key: string): number | undefined {
    return items.itemIdByCatalogKey(this.#sql, key);
  }

  catalogKeysForRowId(rowId: string): string[] {
    return items.catalogKeysForRowId(this.#sql, rowId);
  }

  catalogItems(catalog: string): Map<string, { id: number; rowHash: string | null }> {
    return items.catalogItems(this.#sql, catalog);
  }

  saveCatalog(record: SavedCatalog): void {
    catalogs.saveCatalog(this.#sql, record);
  }

  catalogs(): SavedCatalog[] {
    return catalogs.catalogs(this.#sql);
  }

  catalog(name: string): SavedCatalog | undefined {
    return catalogs.catalog(this.#sql, name);
  }

  catalogStatuses(): CatalogStatus[] {
    return catalogs.catalogStatuses(this.#sql);
  }

  catalogColumns(): string[] {
    return catalogs.catalogColumns(this.#sql);
  }

  filterItemIds(filters: SearchFilters): number[] {
    return items.filterItemIds(this.#sql, filters);
  }

  listItems(filters: SearchFilters, page: { offset: number; limit: number }): { total: number; items: ItemRow[] } {
    return items.listItems(this.#sql, filters, page);
  }

  takenTimes(itemIds: readonly number[]): Map<number, number> {
    return items.takenTimes(this.#sql, itemIds);
  }

  countItems(): ItemCounts {
    return items.countItems(this.#sql);
  }

  recentErrors(limit = 100): ItemError[] {
    return items.recentErrors(this.#sql, limit);
  }

  errorGroups(): ErrorGroup[] {
    return items.errorGroups(this.#sql);
  }

  errorPage(page: { reason?: string; offset: number; limit: number }): { total: number; errors: ItemError[] } {
    return items.errorPage(this.#sql, page);
  }

  retryErrors(itemIds: readonly number[] | null): { count: number; rootIds: number[] } {
    return items.retryErrors(this.#sql, itemIds);
  }

  picture(itemId: number): PictureRecord | undefined {
    return items.picture(this.#sql, itemId);
  }

  itemDetail(itemId: number): ItemDetail {
    return items.itemDetail(this.#sql, itemId);
  }

  browse(request: BrowseRequest): BrowseResponse {
    return items.browse(this.#sql, request);
  }

  timeline(request: BrowseRequest): TimelineResponse {
    return items.timeline(this.#sql, request);
  }

  // ---- the library's folders ----------------------------------------------------------

  roots(): RootStatus[] {
    return roots.roots(this.#sql);
  }

  rootByPath(rootPath: string): RootStatus | undefined {
    return this.roots().find((root) => root.path === rootPath);
  }

  addRoot(rootPath: string): number {
    return roots.addRoot(this.#sql, rootPath);
  }

  /** Forgets a library folder and its items (the files on disk are not touched). */
  removeRoot(rootId: number): number {
    this.removeItems(roots.rootItemIds(this.#sql, rootId));
    return roots.deleteRoot(this.#sql, rootId);
  }

  rootItemPaths(rootId: number): string[] {
    return roots.rootItemPaths(this.#sql, rootId);
  }

  absorbRoots(outer: string, inner: readonly number[]): number {
    return roots.absorbRoots(this.#sql, outer, inner);
  }

  rootImpact(rootId: number): FolderImpact {
    const root = this.roots().find((r) => r.id === rootId);
    if (!root) throw badInput(`No library folder with id ${rootId}.`);
    return forgotten.rootImpact(this.#sql, rootId, root.path);
  }

  startForget(rootId: number, now = Date.now()): { folderId: number; ids: number[] } {
    const root = this.roots().find((r) => r.id === rootId);
    if (!root) throw badInput(`No library folder with id ${rootId}.`);
    return forgotten.startForget(this.#sql, root, now);
  }

  keepForgotten(folderId: number, ids: readonly number[]): void {
    forgotten.keepChunk(this.#sql, folderId, ids, this.spaceModels);
  }

  markForgotten(folderId: number): void {
    forgotten.markComplete(this.#sql, folderId);
  }

  dropForgotten(ids: readonly number[]): void {
    forgotten.dropChunk(this.#sql, ids);
  }

  finishForget(folderId: number, rootId: number): void {
    forgotten.finishForget(this.#sql, folderId, rootId);
    this.compactIfWasteful();
  }

  forgottenFolders(): ForgottenFolder[] {
    return forgotten.forgottenFolders(this.#sql);
  }

  restoreChunk(folderId: number, rootId: number, limit: number): { restored: number; left: number } {
    return forgotten.restoreChunk(this.#sql, folderId, rootId, this.spaceModels, limit);
  }

  purgeForgotten(which: { id: number } | { before: number }): number {
    return forgotten.purgeForgotten(this.#sql, which);
  }

  setRootOnline(rootId: number, online: boolean): number {
    return roots.setRootOnline(this.#sql, rootId, online);
  }

  rootItems(rootId: number, spaces: readonly Space[]): LibraryItem[] {
    return roots.rootItems(this.#sql, rootId, spaces);
  }

  completeItemsWithHash(hash: string, spaces: readonly Space[]): LibraryItem[] {
    return roots.completeItemsWithHash(this.#sql, hash, spaces);
  }

  moveItem(itemId: number, to: FileFacts & { path: string; rootId: number }): void {
    roots.moveItem(this.#sql, itemId, to);
  }

  touchItem(itemId: number, facts: FileFacts): void {
    roots.touchItem(this.#sql, itemId, facts);
  }

  setItemsStatus(itemIds: readonly number[], status: 'ok' | 'offline'): number {
    return itemIds.length === 0 ? 0 : roots.setItemsStatus(this.#sql, itemIds, status);
  }


  // ---- perceptual hashes ----------------------------------------------------------------

  setPictureHashes(entries: readonly { contentHash: string; hashes: readonly string[] }[]): void {
    pictureHashes.setPictureHashes(this.#sql, entries);
  }

  pictureHashes(contentHashes: readonly string[]): Map<string, [string, string, string, string]> {
    return pictureHashes.pictureHashes(this.#sql, contentHashes);
  }

  pictureFacts(): pictureHashes.PictureFacts[] {
    return pictureHashes.pictureFacts(this.#sql);
  }

  productFacts(): pictureHashes.ProductFacts[] {
    return pictureHashes.productFacts(this.#sql);
  }

  // ---- text read in pictures (see picture-text.ts) -----------------------------------------

  setPictureText(contentHash: string, reading: pictureText.PictureReading, now = Date.now()): void {
    pictureText.setPictureText(this.#sql, contentHash, reading, now);
  }

  unreadPictures(everything = false): { id: number; contentHash: string }[] {
    return pictureText.unreadPictures(this.#sql, everything);
  }

  textsToEmbed(model: string): { contentHash: string; text: string }[] {
    return pictureText.textsToEmbed(this.#sql, model);
  }

  setTextVectors(model: string, rows: readonly { contentHash: string; vector: Float32Array }[]): void {
    pictureText.setTextVectors(this.#sql, model, rows);
  }

  textState(model: string): { read: boolean; embedded: number; key: string } {
    return pictureText.textState(this.#sql, model);
  }

  textVectors(model: string): Map<string, Float32Array> {
    return pictureText.textVectors(this.#sql, model);
  }

  itemsOfContents(contentHashes: readonly string[]): Map<string, number[]> {
    return pictureText.itemsOfContents(this.#sql, contentHashes);
  }

  textVocabulary(): string[] {
    return pictureText.textVocabulary(this.#sql);
  }

  itemsWithText(match: string): number[] {
    return pictureText.itemsWithText(this.#sql, match);
  }

  pictureText(itemId: number): pictureText.PictureTextRow | undefined {
    return pictureText.pictureText(this.#sql, itemId);
  }

  // ---- faces (see faces.ts) --------------------------------------------------------------

  unscannedPictures(): { id: number; contentHash: string }[] {
    return faces.unscannedPictures(this.#sql);
  }

  setFaces(contentHash: string, found: readonly Omit<faces.FaceRow, 'id' | 'contentHash'>[], problem: string | null = null): void {
    faces.setFaces(this.#sql, contentHash, found, problem);
  }

  itemFaces(itemId: number): { faces: faces.FaceRow[]; problem: string | null } | undefined {
    return faces.itemFaces(this.#sql, itemId);
  }

  forEachFace(callback: (face: faces.FaceRow) => void): void {
    faces.forEachFace(this.#sql, callback);
  }

  faceCounts(): { scanned: number; faces: number; pictures: number } {
    return faces.faceCounts(this.#sql);
  }

  dropFaces(): number {
    return faces.dropFaces(this.#sql);
  }

  // ---- people (see people.ts) ------------------------------------------------------------

  groupingFaces(good: { size: number; yaw: number; sharpness: number }): people.GroupingFace[] {
    return people.groupingFaces(this.#sql, good);
  }

  faceRejections(): Map<number, Set<number>> {
    return people.faceRejections(this.#sql);
  }

  saveGrouping(assignments: readonly { faceId: number; person: number | { new: number } }[]): number {
    return people.saveGrouping(this.#sql, assignments);
  }

  people(includeHidden: boolean): people.PersonRow[] {
    return people.people(this.#sql, includeHidden);
  }

  namePerson(id: number, name: string | null): void {
    people.namePerson(this.#sql, id, name);
  }

  mergePeople(from: number, into: number): void {
    people.mergePeople(this.#sql, from, into);
  }

  rejectFace(faceId: number): number {
    return people.rejectFace(this.#sql, faceId);
  }

  assignFace(faceId: number, personId: number): void {
    people.assignFace(this.#sql, faceId, personId);
  }

  hidePerson(id: number, hidden: boolean): void {
    people.hidePerson(this.#sql, id, hidden);
  }

  personByName(name: string): number | undefined {
    return people.personByName(this.#sql, name);
  }

  itemSize(itemId: number): { width: number; height: number } | undefined {
    return people.itemSize(this.#sql, itemId);
  }

  itemsOfPerson(personId: number): number[] {
    return people.itemsOfPerson(this.#sql, personId);
  }

  facePeople(faceIds: readonly number[]): Map<number, { personId: number | null; name: string | null }> {
    return people.facePeople(this.#sql, faceIds);
  }

  // ---- maps (see map-layouts.ts) ---------------------------------------------------------

  mapLayout(name: string): mapLayouts.MapLayoutRow | undefined {
    return mapLayouts.mapLayout(this.#sql, name);
  }

  saveMapLayout(layout: Omit<mapLayouts.MapLayoutRow, 'id' | 'namedWith'>, points: readonly mapLayouts.MapPointRow[], clusters: readonly mapLayouts.MapClusterRow[]): number {
    return mapLayouts.saveMapLayout(this.#sql, layout, points, clusters);
  }

  saveMapClusters(layoutId: number, points: readonly mapLayouts.MapPointRow[], clusters: readonly mapLayouts.MapClusterRow[], at: number): void {
    mapLayouts.saveMapClusters(this.#sql, layoutId, points, clusters, at);
  }

  mapClusters(layoutId: number): mapLayouts.MapClusterRow[] {
    return mapLayouts.mapClusters(this.#sql, layoutId);
  }

  nameMapClusters(layoutId: number, names: readonly Pick<mapLayouts.MapClusterRow, 'cluster' | 'label' | 'confidence' | 'words'>[], namedWith: string): void {
    mapLayouts.nameMapClusters(this.#sql, layoutId, names, namedWith);
  }

  itemWordSources(itemIds: readonly number[]): Map<number, mapLayouts.WordSource> {
    return mapLayouts.itemWordSources(this.#sql, itemIds);
  }

  itemCategories(itemIds: readonly number[]): Map<number, string> {
    return mapLayouts.itemCategories(this.#sql, itemIds);
  }

  tagItems(tag: string, itemIds: readonly number[]): number[] {
    return labels.tagItems(this.#sql, tag, itemIds);
  }

  untagItems(tag: string, itemIds: readonly number[]): number {
    return labels.untagItems(this.#sql, tag, itemIds);
  }

  userTags(itemIds: readonly number[]): Map<number, string[]> {
    return labels.userTags(this.#sql, itemIds);
  }

  addMapPoints(layoutId: number, points: readonly mapLayouts.MapPointRow[]): void {
    mapLayouts.addMapPoints(this.#sql, layoutId, points);
  }

  mapPoints(layoutId: number): mapLayouts.MapPointRow[] {
    return mapLayouts.mapPoints(this.#sql, layoutId);
  }

  topLabels(itemIds: readonly number[]): Map<number, string> {
    return labels.topLabels(this.#sql, itemIds);
  }

  // ---- duplicates (see duplicates.ts) ---------------------------------------------------

  saveDuplicateEvidence(pairs: readonly duplicates.StoredEvidence[], checked: readonly string[], replace: boolean): void {
    duplicates.saveEvidence(this.#sql, pairs, checked, replace);
  }

  duplicateEvidence(minLook: number): duplicates.StoredEvidence[] {
    return duplicates.loadEvidence(this.#sql, minLook);
  }

  uncheckedPictures(): string[] {
    return duplicates.uncheckedContents(this.#sql);
  }

  duplicateScan(): duplicates.ScanState | undefined {
    return duplicates.scanState(this.#sql);
  }

  saveDuplicateScan(state: duplicates.ScanState): void {
    duplicates.saveScanState(this.#sql, state);
  }

  dismissDuplicates(pairs: readonly [string, string][], now = Date.now()): number {
    return duplicates.dismiss(this.#sql, pairs, now);
  }

  undismissDuplicates(pairs: readonly [string, string][]): number {
    return duplicates.undismiss(this.#sql, pairs);
  }

  dismissedDuplicates(): Set<string> {
    return duplicates.dismissedPairs(this.#sql);
  }

  keepSetAside(action: 'trash' | 'move', folder: string | null, ids: readonly number[], now = Date.now()): number {
    return duplicates.keepSetAside(this.#sql, action, folder, ids, this.spaceModels, now);
  }

  finishSetAside(batch: number, moved: readonly { id: number; to: string | null }[]): void {
    duplicates.finishSetAside(this.#sql, batch, moved);
  }

  setAsideItems(batch: number): { action: 'trash' | 'move'; items: duplicates.SetAsideItem[] } | undefined {
    return duplicates.setAsideItems(this.#sql, batch);
  }

  restoreSetAside(batch: number, itemIds: readonly number[]): number {
    return duplicates.restoreSetAside(this.#sql, batch, itemIds, this.spaceModels);
  }

  // ---- labels and settings ------------------------------------------------------------

  setLabels(itemId: number, labelSet: string, tags: readonly { label: string; confidence: number }[]): void {
    labels.setLabels(this.#sql, itemId, labelSet, tags);
  }

  replaceLabelSet(labelSet: string, assignments: readonly { id: number; labels: readonly { label: string; confidence: number }[] }[]): void {
    labels.replaceLabelSet(this.#sql, labelSet, assignments);
  }

  albums(): AlbumSummary[] {
    return albums.albums(this.#sql);
  }

  albumByName(name: string): albums.AlbumRecord | undefined {
    return albums.albumByName(this.#sql, name);
  }

  createAlbum(name: string, query: string | null, view: AlbumView | null = null): albums.AlbumRecord {
    return albums.createAlbum(this.#sql, name, query, view);
  }

  addToAlbum(name: string, itemIds: readonly number[]): number {
    return albums.addToAlbum(this.#sql, name, itemIds);
  }

  removeFromAlbum(name: string, itemIds: readonly number[]): number {
    return albums.removeFromAlbum(this.#sql, name, itemIds);
  }

  renameAlbum(name: string, to: string): void {
    albums.renameAlbum(this.#sql, name, to);
  }

  deleteAlbum(name: string): { name: string; query: string | null; view: AlbumView | null; itemIds: number[] } {
    return albums.deleteAlbum(this.#sql, name);
  }

  labelSetDefinitions(): labels.LabelSetDefinition[] {
    return labels.labelSetDefinitions(this.#sql);
  }

  saveLabelSet(def: labels.LabelSetDefinition): void {
    this.#sql.write(() => labels.saveLabelSet(this.#sql, def));
  }

  labelNewItems(name: string, assignments: readonly { id: number; labels: readonly { label: string; confidence: number }[] }[], through: number): void {
    labels.labelNewItems(this.#sql, name, assignments, through);
  }

  renameLabelSet(name: string, to: string): void {
    labels.renameLabelSet(this.#sql, name, to);
  }

  deleteLabelSet(name: string): labels.LabelSetDefinition | undefined {
    return labels.deleteLabelSet(this.#sql, name);
  }

  /** Items above `after` with a current clip vector (what a label set has not labelled yet). */
  clipItemsAfter(after: number): number[] {
    const model = this.spaceModels.get('clip');
    return model ? labels.itemIdsAfter(this.#sql, after, model.generation) : [];
  }

  maxItemId(): number {
    return labels.maxItemId(this.#sql);
  }

  labelSets(): LabelSetSummary[] {
    return labels.labelSets(this.#sql);
  }

  getSetting(key: string): unknown {
    return settings.getSetting(this.#sql, key);
  }

  setSetting(key: string, value: unknown): void {
    settings.setSetting(this.#sql, key, value);
  }

  // ---- copies to another store (see copy-reader.ts) ------------------------------------------

  /** What `store copy` reads of this library, a page at a time. */
  copyReader(): CopyReader {
    const sql = this.#sql;
    return {
      spaces: () => [...this.spaceModels.values()].map((m) => ({ name: m.space, modelId: m.modelId, dims: m.dims, generation: m.generation })),
      columns: (table) => copyReader.tableColumns(sql, table),
      rowsAfter: (table, key, after, limit) => copyReader.readTableAfter(sql, table, key, after, limit),
      vectorsAfter: (space, dims, after, limit) => copyReader.readVectorsAfter(sql, space, dims, after, limit),
      count: (table) => copyReader.countRows(sql, table),
      vectorCount: (space) => sql.stmt('SELECT count(*) FROM item_vectors WHERE space = ?').pluck().get(space) as number,
      uncarried: () => copyReader.uncarriedCounts(sql),
    };
  }

  /** What `store copy` writes into this library, a batch at a time, with where it stands. */
  copyWriter(): CopyWriter {
    const sql = this.#sql;
    return {
      positions: (source) => copyReader.copyPositions(sql, source),
      otherSources: (source) => copyReader.otherCopySources(sql, source),
      rows: (table, columns, rows, position) => copyReader.writeCopiedRows(sql, table, columns, rows, position),
      vectors: (space, dims, rows, position) => copyReader.writeCopiedVectors(sql, space, dims, rows, position),
      finish: (source) => copyReader.finishCopy(sql, source),
    };
  }
}

export interface CopyWriter {
  positions(source: string): Map<string, { lastKey: string | null; done: boolean }>;
  otherSources(source: string): string[];
  rows(table: string, columns: readonly string[], rows: readonly unknown[][], position: copyReader.CopyPosition): void;
  vectors(space: Space, dims: number, rows: readonly { itemId: number; generation: number; vector: Float32Array }[], position: copyReader.CopyPosition): void;
  finish(source: string): void;
}

export interface CopyReader {
  spaces(): { name: Space; modelId: string; dims: number; generation: number }[];
  columns(table: string): string[];
  rowsAfter(table: string, key: readonly string[], after: readonly unknown[] | null, limit: number): copyReader.TablePage;
  vectorsAfter(space: Space, dims: number, after: number, limit: number): { itemId: number; generation: number; vector: Float32Array }[];
  count(table: string): number;
  vectorCount(space: Space): number;
  uncarried(): Map<string, number>;
}
