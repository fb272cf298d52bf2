/**
 * The FinderApi: one table of methods, each with its payload schema and its answer's type.
 * FinderApi, FinderMethod and REQUEST_SCHEMAS all derive from the table, so a method cannot
 * be validated one way and typed another.
 */
import type { z } from 'zod';
import type * as R from './responses.js';
import * as S from './schemas.js';
import type { ErrorCode } from './vocabulary.js';

interface MethodSpec<Request extends z.ZodType, Response> {
  request: Request;
  /** Only carries the answer's type; never read at run time. */
  readonly response?: Response;
}
const method = <Request extends z.ZodType>(request: Request) => ({
  returns: <Response>(): MethodSpec<Request, Response> => ({ request }),
});

export const METHODS = {
  status: method(S.EmptyRequestSchema).returns<R.StatusResponse>(),
  /** Exact weighted search over stored vectors (callers bring their own query vectors). */
  searchVectors: method(S.SearchVectorsRequestSchema).returns<R.SearchResponse>(),
  /** Each space's model: which, where its files are, whether they are present. */
  models: method(S.EmptyRequestSchema).returns<R.ModelsResponse>(),
  /** Chooses the model (and dtype) of a space; saved with the library. */
  setModel: method(S.SetModelRequestSchema).returns<R.ModelsResponse>(),
  /** Fetches (or finds) and loads models now, so that later work can run offline (a job). */
  downloadModels: method(S.DownloadModelsRequestSchema).returns<R.ModelsResponse>(),
  /** Adds folders (if new) and brings the library in step with the disk (a job). */
  index: method(S.IndexRequestSchema).returns<R.IndexSummary>(),
  /** Failed items page by page, with every reason and its count. */
  errors: method(S.ErrorsRequestSchema).returns<R.ErrorsResponse>(),
  /** Reads failed photos again now (after a permission was fixed, say): an indexing job. */
  retryErrors: method(S.RetryErrorsRequestSchema).returns<R.IndexSummary>(),
  /** Readies an item's picture for the viewer (a bounded copy of a huge original) and reads its EXIF. */
  preview: method(S.ItemRequestSchema).returns<R.PreviewResponse>(),
  /** Copies items' files into a folder (a job): progress, names already taken get " (2)", nothing overwritten. */
  copyFiles: method(S.CopyFilesRequestSchema).returns<R.CopyFilesSummary>(),
  /** What forgetting a library folder would take out: its photos, tags and labels (to ask first). */
  /** A folder the user typed, checked before it is added: its full path, or an error that says what is wrong. */
  checkFolder: method(S.RemoveRootRequestSchema).returns<{ path: string }>(),
  folderImpact: method(S.RemoveRootRequestSchema).returns<R.FolderImpact>(),
  /** Forgets a library folder and its items (kept for undo a while); the files are not touched. */
  removeRoot: method(S.RemoveRootRequestSchema).returns<R.RemoveRootResponse>(),
  /** Undoes forgetting a folder: its items come back as they were, nothing embedded again. */
  restoreRoot: method(S.ForgottenFolderRequestSchema).returns<R.StatusResponse>(),
  /** Drops a forgotten folder's kept items now, instead of at the end of the undo window. */
  purgeForgotten: method(S.ForgottenFolderRequestSchema).returns<R.StatusResponse>(),
  /** Search by words (the query language), with a relevance cut-off. */
  search: method(S.SearchRequestSchema).returns<R.TextSearchResponse>(),
  /** Look-alikes of items or files, per space or weighted; the query item itself left out. */
  similar: method(S.SimilarRequestSchema).returns<R.SimilarResponse>(),
  /** Zero-shot labels of one image: probabilities over the given labels. */
  classify: method(S.ClassifyRequestSchema).returns<R.ClassifyResponse>(),
  /** Tags the whole library with a label set, with confidence (a job). */
  applyLabels: method(S.ApplyLabelsRequestSchema).returns<R.ApplyLabelsResponse>(),
  /** How similar two texts, two items, or a text and an item are, in each space they share. */
  compare: method(S.CompareRequestSchema).returns<R.CompareResponse>(),
  /** Imports (or re-imports) a product catalog (a job). */
  importCatalog: method(S.CatalogImportRequestSchema).returns<R.CatalogImportSummary>(),
  /** A catalog's first rows and the mapping an import would use (guessed, or saved with it). */
  previewCatalog: method(S.CatalogPreviewRequestSchema).returns<R.CatalogPreview>(),
  /** Imported catalogs in full: mapping, columns, and the last import's rows that could not be read. */
  catalogs: method(S.EmptyRequestSchema).returns<R.CatalogDetail[]>(),
  /** Products like this one, weighted by a preset or by hand, with field conditions. */
  substitutes: method(S.SubstitutesRequestSchema).returns<R.SubstitutesResponse>(),
  /** One item in full, for the detail pane. */
  item: method(S.ItemRequestSchema).returns<R.ItemDetail>(),
  /** The library page by page, without a query: newest first, or by name. */
  browse: method(S.BrowseRequestSchema).returns<R.BrowseResponse>(),
  /** A library folder's subfolders as a tree, each with how many items lie in it and below it. */
  folderTree: method(S.RemoveRootRequestSchema).returns<R.FolderNode>(),
  /** The months of what browse lists (same filters), newest first, each with its count and offset: the scrubber. */
  timeline: method(S.BrowseRequestSchema).returns<R.TimelineResponse>(),
  /** What is running or waiting: every job, and the indexing job's own counts. */
  progress: method(S.EmptyRequestSchema).returns<R.ProgressResponse>(),
  /** Pauses, resumes or cancels the running indexing job (finished batches stay written). */
  indexControl: method(S.IndexControlRequestSchema).returns<R.ProgressResponse>(),
  /** Pauses (where it can), resumes or cancels any job by id. */
  jobControl: method(S.JobControlRequestSchema).returns<R.ProgressResponse>(),
  /** The label sets applied to the library and how many items carry each tag. */
  labelSets: method(S.EmptyRequestSchema).returns<R.LabelSetSummary[]>(),
  /** Duplicate groups by tier, each with a suggested keeper and why. */
  duplicates: method(S.DuplicatesRequestSchema).returns<R.DuplicatesResponse>(),
  /** Checks the whole library for duplicates again (a job with progress). */
  checkDuplicates: method(S.EmptyRequestSchema).returns<R.DuplicateCheckSummary>(),
  /** "Not duplicates": the pictures never come back as a group. */
  dismissDuplicates: method(S.DismissDuplicatesRequestSchema).returns<{ dismissed: number }>(),
  /** Undoes "not duplicates". */
  undismissDuplicates: method(S.DismissDuplicatesRequestSchema).returns<{ restored: number }>(),
  /** Format, EXIF, GPS and sharpness of a group's pictures, for the side-by-side view. */
  duplicateFacts: method(S.DuplicateFactsRequestSchema).returns<R.DuplicateFacts[]>(),
  /** Moves duplicates to the trash or into a folder, out of the library; undoable. */
  setAside: method(S.SetAsideRequestSchema).returns<R.SetAsideResponse>(),
  undoSetAside: method(S.UndoSetAsideRequestSchema).returns<R.UndoSetAsideResponse>(),
  /** Lays out a space (or a mix) in 2-D for the map: UMAP on a sample, the rest placed (a job). */
  mapLayout: method(S.MapRequestSchema).returns<R.MapLayoutSummary>(),
  /** The map's points; items added since the layout are placed by their neighbours first. */
  mapPoints: method(S.MapRequestSchema).returns<R.MapPointsResponse>(),
  /** Reads the text in every photo not read yet (a job): words, boxes, confidence, kept for text: searches. */
  readText: method(S.ReadTextRequestSchema).returns<R.ReadTextSummary>(),
  /** The text read in an item's picture, with each word's box. */
  itemText: method(S.ItemTextRequestSchema).returns<R.ItemTextResponse>(),
  /** Finds the faces in every picture not looked at yet (a job): boxes, quality and descriptors. */
  findFaces: method(S.EmptyRequestSchema).returns<R.FindFacesSummary>(),
  /** The faces found in an item's picture. */
  itemFaces: method(S.ItemFacesRequestSchema).returns<R.ItemFacesResponse>(),
  /** Forgets every face found and every person with their names (faces turned off): nothing about faces is kept. */
  forgetFaces: method(S.EmptyRequestSchema).returns<{ forgotten: number }>(),
  /** The people found, most faces first (the hidden ones too when asked). */
  people: method(S.PeopleRequestSchema).returns<R.PersonSummary[]>(),
  /** Names a person (null: unnamed); person:"name" then finds their photos. */
  namePerson: method(S.NamePersonRequestSchema).returns<R.PersonSummary[]>(),
  /** Merges two people into one (`into` keeps its name, else takes `from`'s). */
  mergePeople: method(S.MergePeopleRequestSchema).returns<R.PersonSummary[]>(),
  /** "Not this person": the face leaves its person for good, and is grouped again without them. */
  rejectFace: method(S.FaceRequestSchema).returns<R.PersonSummary[]>(),
  /** Puts a face with a person by hand. */
  assignFace: method(S.AssignFaceRequestSchema).returns<R.PersonSummary[]>(),
  /** Hides a person from the People view (or shows them again). */
  hidePerson: method(S.HidePersonRequestSchema).returns<R.PersonSummary[]>(),
  /** Albums: plain ones with their counts, smart ones with their queries. */
  albums: method(S.EmptyRequestSchema).returns<R.AlbumSummary[]>(),
  /** Makes an album: plain (with items, if given), or smart (a saved query). */
  createAlbum: method(S.CreateAlbumRequestSchema).returns<R.AlbumSummary[]>(),
  addToAlbum: method(S.AlbumItemsRequestSchema).returns<R.AlbumSummary[]>(),
  removeFromAlbum: method(S.AlbumItemsRequestSchema).returns<R.AlbumSummary[]>(),
  renameAlbum: method(S.RenameAlbumRequestSchema).returns<R.AlbumSummary[]>(),
  /** Gives items a tag by hand (label:<tag> finds them): the ones that had not had it (undo: untagItems with those). */
  tagItems: method(S.TagItemsRequestSchema).returns<{ tagged: number; added: number[] }>(),
  /** Takes a tag given by hand off items (the undo of tagItems). */
  untagItems: method(S.TagItemsRequestSchema).returns<{ untagged: number }>(),
  /** Deletes an album (its items stay in the library). */
  deleteAlbum: method(S.AlbumRequestSchema).returns<R.AlbumSummary[]>(),
  /** Renames a label set (its tags follow). */
  renameLabelSet: method(S.RenameLabelSetRequestSchema).returns<R.LabelSetSummary[]>(),
  /** Deletes a label set and every tag it gave (apply it again to undo: the same tags come back). */
  deleteLabelSet: method(S.LabelSetRequestSchema).returns<R.LabelSetSummary[]>(),
  /** Weight presets: the built-in ones and the user's. */
  weightPresets: method(S.EmptyRequestSchema).returns<R.WeightPresetsResponse>(),
  /** Saves (or, with null weights, forgets) one of the user's weight presets. */
  saveWeightPreset: method(S.SaveWeightPresetRequestSchema).returns<R.WeightPresetsResponse>(),
  /** The library's settings: embedding threads, excluded folders, where data lives. */
  settings: method(S.EmptyRequestSchema).returns<R.SettingsResponse>(),
  /** Changes settings; new threads restart the embedding workers. */
  saveSettings: method(S.SaveSettingsRequestSchema).returns<R.SettingsResponse>(),
} as const;

export type FinderMethod = keyof typeof METHODS;
export type RequestOf<M extends FinderMethod> = z.input<(typeof METHODS)[M]['request']>;
export type ResponseOf<M extends FinderMethod> = (typeof METHODS)[M] extends MethodSpec<z.ZodType, infer Response> ? Response : never;

/** The API every front door offers; methods without a payload take none. */
export type FinderApi = {
  [M in FinderMethod]: string extends keyof RequestOf<M> ? () => Promise<ResponseOf<M>> : (request: RequestOf<M>) => Promise<ResponseOf<M>>;
};

/** Every method's payload schema; the IPC router, the HTTP server and the CLI validate with these. */
export const REQUEST_SCHEMAS = Object.fromEntries(Object.entries(METHODS).map(([name, spec]) => [name, spec.request])) as {
  readonly [M in FinderMethod]: (typeof METHODS)[M]['request'];
};

/** What main tells the UI without being asked. */
export type FinderEvent =
  | { type: 'index-progress'; progress: R.IndexProgress }
  | { type: 'index-done'; summary: R.IndexSummary }
  | { type: 'model-progress'; progress: R.ModelProgress }
  /** Any job's progress, from queued to its end (done, cancelled or failed). */
  | { type: 'job-progress'; progress: R.JobProgress }
  /** Items were added, changed or removed: lists and results may be out of date. */
  | { type: 'library-changed' }
  | { type: 'problem'; message: string }
  /** The desktop menu chose a catalog file: the UI opens its import window. */
  | { type: 'open-catalog'; file: string };

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** For a malformed query or condition: the 0-based character where it goes wrong. */
  at?: number;
  /** With `at`: what is wrong, without where (for a UI that marks the place itself). */
  reason?: string;
}

/** What crosses every front door: never a thrown error, always one of these. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };
