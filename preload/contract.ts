/**
 * The FinderApi: the one API behind every front door (CLI, HTTP server, Electron IPC).
 *
 * This file holds types and payload schemas only. It is compiled on its own with no Node,
 * DOM or Electron types (tsconfig.contract.json), so the renderer, the preload and the
 * main process can all import it without dragging a runtime along.
 */
import { z } from 'zod';

/** Embedding spaces, in the order they are shown to users. */
export const SPACES = ['clip', 'visual', 'text', 'colour'] as const;
export type Space = (typeof SPACES)[number];

export const ITEM_KINDS = ['photo', 'product'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['ok', 'error', 'offline'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Largest k a search may ask for; the UI pages beyond that with filters, not with k. */
export const MAX_K = 1000;
export const DEFAULT_K = 20;
/** Longest vector a payload may carry: far above any model we ship, well below abuse. */
export const MAX_DIMS = 8192;
/** A query mixes at most this many terms (several per space are allowed). */
export const MAX_TERMS = 32;

export const SpaceSchema = z.enum(SPACES);
export const ItemKindSchema = z.enum(ITEM_KINDS);
export const ItemStatusSchema = z.enum(ITEM_STATUSES);

export const VectorTermSchema = z.strictObject({
  space: SpaceSchema,
  vector: z.array(z.number()).min(1).max(MAX_DIMS),
  weight: z.number(),
});
export type VectorTerm = z.infer<typeof VectorTermSchema>;

export const SearchFiltersSchema = z.strictObject({
  kinds: z.array(ItemKindSchema).min(1).optional(),
  roots: z.array(z.number().int().positive()).min(1).optional(),
  labels: z.array(z.string().min(1)).min(1).optional(),
  statuses: z.array(ItemStatusSchema).min(1).optional(),
  /** Items whose path lies inside any of these folders. */
  folders: z.array(z.string().min(1)).min(1).optional(),
  /** Taken (EXIF date, else file time) at or after / at or before, in ms since the epoch. */
  after: z.number().optional(),
  before: z.number().optional(),
  /** Conditions on product fields, all of which must hold: category = toaster, price <= 50. */
  where: z
    .array(z.strictObject({ field: z.string().min(1).max(200), op: z.enum(['=', '!=', '<', '<=', '>', '>=']), value: z.union([z.string(), z.number()]) }))
    .optional(),
});
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

export const KSchema = z.number().int().min(1).max(MAX_K);

export const SearchVectorsRequestSchema = z.strictObject({
  terms: z.array(VectorTermSchema).min(1).max(MAX_TERMS),
  k: KSchema.optional(),
  filters: SearchFiltersSchema.optional(),
});
export type SearchVectorsRequest = z.input<typeof SearchVectorsRequestSchema>;

export const EmptyRequestSchema = z.strictObject({});

/** Per-space contribution to a score; the values add up to the score. */
export type Breakdown = Partial<Record<Space, number>>;

export interface SearchHit {
  id: number;
  kind: ItemKind;
  /** Absolute file path for photos; null for products without an image. */
  path: string | null;
  title: string | null;
  status: ItemStatus;
  score: number;
  breakdown: Breakdown;
}

export interface SearchResponse {
  results: SearchHit[];
}

export const SearchRequestSchema = z.strictObject({
  /** The query language: words, +x, -x, 2:x, "phrases", like:<id|file>, in:, label:, kind:, after:, before: */
  query: z.string().max(2000),
  k: KSchema.optional(),
  /** Order of the results above the relevance cut-off: by score (default) or newest first. */
  sort: z.enum(['score', 'date']).optional(),
});
export type SearchRequest = z.input<typeof SearchRequestSchema>;

export interface RankedResponse {
  results: SearchHit[];
  /** Where relevance stops: results[0..cutoff.index) are relevant; null when no clear break. */
  cutoff: { index: number; score: number; gap: number } | null;
  warnings: string[];
}

export interface TextSearchResponse extends RankedResponse {
  query: string;
}

export const SimilarRequestSchema = z.strictObject({
  /** Item ids or image files (files outside the library are embedded on the fly). */
  targets: z.array(z.string().min(1)).min(1).max(50),
  /** Weights per space; default clip 0.5, visual 0.3, colour 0.2. */
  weights: z.partialRecord(z.enum(['clip', 'visual', 'colour', 'text']), z.number()).optional(),
  k: KSchema.optional(),
});
export type SimilarRequest = z.input<typeof SimilarRequestSchema>;

export interface SimilarResponse {
  queries: (RankedResponse & { target: string; id: number | null })[];
}

export const ClassifyRequestSchema = z.strictObject({
  target: z.string().min(1),
  labels: z.array(z.string().trim().min(1)).min(1).max(1000),
  /** Prompt template; {} is replaced by the label. Default "a photo of a {}". */
  template: z.string().includes('{}').optional(),
});
export type ClassifyRequest = z.input<typeof ClassifyRequestSchema>;

export interface ClassifyResponse {
  target: string;
  /** Softmax over the labels of 100 × cosine (CLIP's logit scale), highest first; they sum to 1. */
  labels: { label: string; probability: number }[];
}

export const ApplyLabelsRequestSchema = z.strictObject({
  /** The label set's name; applying a set again replaces what it gave before. */
  name: z.string().trim().min(1).max(100),
  labels: z.array(z.string().trim().min(1)).min(2).max(1000),
  template: z.string().includes('{}').optional(),
  /** Smallest probability that makes a tag (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
});
export type ApplyLabelsRequest = z.input<typeof ApplyLabelsRequestSchema>;

export interface ApplyLabelsResponse {
  name: string;
  items: number;
  tagged: Record<string, number>;
}

/** One side of a comparison: a text, or an item of the library (its picture, or a product). */
export const CompareSideSchema = z.union([z.string().trim().min(1).max(2000), z.strictObject({ item: z.number().int().positive() })]);
export type CompareSide = z.infer<typeof CompareSideSchema>;

export const CompareRequestSchema = z.strictObject({ a: CompareSideSchema, b: CompareSideSchema });
export type CompareRequest = z.infer<typeof CompareRequestSchema>;

export interface CompareResponse {
  /** The texts, or the items' names. */
  a: string;
  b: string;
  /**
   * Cosine similarity in each space both sides can be put in: two texts in text and clip,
   * a text and a picture in clip, two items in each space both have vectors in.
   */
  scores: Partial<Record<Space, number>>;
}

export interface SpaceStatus {
  space: Space;
  /** The model whose vectors this space holds now; null until a model is set. */
  model: string | null;
  dims: number | null;
  /** Vectors made by the current model (searchable). */
  vectors: number;
  /** Vectors made by an earlier model: kept out of search until re-embedded. */
  stale: number;
}

export interface RootStatus {
  id: number;
  path: string;
  online: boolean;
  items: number;
}

export interface ItemError {
  id: number;
  path: string | null;
  reason: string;
}

export interface StatusResponse {
  version: string;
  database: {
    path: string;
    schemaVersion: number;
    sizeBytes: number;
  };
  roots: RootStatus[];
  items: {
    total: number;
    byKind: Record<ItemKind, number>;
    byStatus: Record<ItemStatus, number>;
  };
  spaces: SpaceStatus[];
  /** The most recent errors (at most 100); `items.byStatus.error` has the full count. */
  errors: ItemError[];
  /** Which image file types this installation can decode (by extension, without the dot). */
  formats: Record<string, boolean>;
}

export const MODEL_SPACES = ['clip', 'visual', 'text'] as const;
export type ModelSpaceName = (typeof MODEL_SPACES)[number];
export const DTYPES = ['fp32', 'q8'] as const;
export type Dtype = (typeof DTYPES)[number];

export const SetModelRequestSchema = z.strictObject({
  space: z.enum(MODEL_SPACES),
  /** A hub id ("Xenova/resnet-18") or a local folder; null returns to the default. */
  model: z.string().min(1).max(1000).nullable(),
  dtype: z.enum(DTYPES).optional(),
});
export type SetModelRequest = z.infer<typeof SetModelRequestSchema>;

export const DownloadModelsRequestSchema = z.strictObject({
  /** The spaces whose models to fetch now; all model spaces when left out. */
  spaces: z.array(z.enum(MODEL_SPACES)).min(1).optional(),
});
export type DownloadModelsRequest = z.infer<typeof DownloadModelsRequestSchema>;

export interface ModelStatus {
  space: Space;
  /** Hub id or folder of the model; for colour, the name of the built-in descriptor. */
  model: string;
  role: string;
  dtype: Dtype | null;
  /** Vector length; null when the files are absent and the model is not a known default. */
  dims: number | null;
  source: 'default' | 'setting' | 'environment' | 'built-in';
  /** Where the files are (or would be put); null for the built-in colour descriptor. */
  folder: string | null;
  present: boolean;
  missing: string[];
  sizeBytes: number;
}

export interface ModelsResponse {
  modelsDir: string;
  offline: boolean;
  models: ModelStatus[];
}

export const INDEX_STATES = ['running', 'paused', 'done', 'cancelled', 'failed'] as const;
export type IndexState = (typeof INDEX_STATES)[number];

export interface IndexCounts {
  /** Image files found (or changed paths, for a watcher's update). */
  found: number;
  /** Embedded and written. */
  done: number;
  /** Unchanged since the last index (same size and time), not read again. */
  skipped: number;
  /** Could not be read or decoded: written as error rows with the reason. */
  failed: number;
  /** Moved or renamed files that kept their item and vectors. */
  moved: number;
  /** Copies of content already indexed: vectors copied, nothing embedded. */
  copied: number;
  /** Items removed because their files are gone (their folder present). */
  removed: number;
  /** Items marked offline because their folder is not there (nothing deleted). */
  offline: number;
}

export interface IndexProgress {
  state: IndexState;
  counts: IndexCounts;
  /** Files still to look at in this job. */
  remaining: number;
  current: string | null;
  /** Files per second over the files that needed work. */
  rate: number;
  etaSeconds: number | null;
}

export interface IndexSummary {
  state: Exclude<IndexState, 'running' | 'paused'>;
  counts: IndexCounts;
  seconds: number;
  /** Folders or files the scan could not read (their items are kept). */
  problems: { path: string; reason: string }[];
  /** Removals held back: more than 20% of a folder's files vanished at once. */
  awaitingConfirmation: { root: string; count: number }[];
  /** Why the job failed, when it did. */
  error: string | null;
}

export const IndexRequestSchema = z.strictObject({
  /** Folders to add (if new) and index; every library folder when left out. */
  paths: z.array(z.string().min(1)).optional(),
  /** Carry out removals held back by the 20% guard. */
  confirmRemovals: z.boolean().optional(),
});
export type IndexRequest = z.infer<typeof IndexRequestSchema>;

export const RemoveRootRequestSchema = z.strictObject({ path: z.string().min(1) });

export const CatalogImportRequestSchema = z.strictObject({
  file: z.string().min(1).optional(),
  /** The demo catalog shipped with Semblance, instead of a file. */
  demo: z.boolean().optional(),
  name: z.string().min(1).max(100).optional(),
  /** A JSON mapping file naming the columns: {"id": "sku", "image": "picture", "text": [...]}. */
  mappingFile: z.string().min(1).optional(),
});
export type CatalogImportRequest = z.infer<typeof CatalogImportRequestSchema>;

export interface CatalogImportSummary {
  catalog: string;
  file: string;
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Rows not imported (no id, duplicate id). */
  skipped: number;
  /** What went wrong per row (line in the file), imported or not. */
  problems: { line: number; id: string | null; reason: string }[];
}

export const SUBSTITUTE_PRESETS = ['balanced', 'same-function', 'same-look', 'product-not-scene'] as const;
export type SubstitutePreset = (typeof SUBSTITUTE_PRESETS)[number];
export type Weights = Partial<Record<Space, number>>;

/**
 * The seed's three shopping scenarios, named for what a shopper wants, plus a balance:
 * - same-function: a replacement that does the same job (the toaster): its words only;
 * - same-look: the favourite pants again, in looks first, with a little of its words;
 * - product-not-scene: the basketball, not the model holding it: words and the product's own
 *   colour, little of the full photo;
 * - balanced: a bit of everything.
 */
export const WEIGHT_PRESETS: Readonly<Record<SubstitutePreset, Weights>> = {
  balanced: { text: 0.3, visual: 0.3, clip: 0.2, colour: 0.2 },
  'same-function': { text: 1 },
  'same-look': { visual: 0.6, clip: 0.2, text: 0.2 },
  'product-not-scene': { text: 0.5, colour: 0.4, visual: 0.1 },
};

export const WeightsSchema = z.partialRecord(z.enum(['clip', 'visual', 'colour', 'text']), z.number().min(-10).max(10));

export const SaveWeightPresetRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  /** null forgets the preset. */
  weights: WeightsSchema.nullable(),
});
export type SaveWeightPresetRequest = z.infer<typeof SaveWeightPresetRequestSchema>;

export interface WeightPresetsResponse {
  builtIn: { name: SubstitutePreset; weights: Weights }[];
  /** The user's own, saved with the library. */
  saved: { name: string; weights: Weights }[];
}

export const SubstitutesRequestSchema = z.strictObject({
  /** Item id, catalog key ("shop:A17") or a row id unique across catalogs. */
  product: z.string().min(1),
  preset: z.enum(SUBSTITUTE_PRESETS).optional(),
  weights: z.partialRecord(z.enum(['clip', 'visual', 'colour', 'text']), z.number()).optional(),
  /** Conditions on fields: "category = toaster and price <= 50". */
  where: z.string().max(1000).optional(),
  k: KSchema.optional(),
});
export type SubstitutesRequest = z.input<typeof SubstitutesRequestSchema>;

export interface SubstitutesResponse extends RankedResponse {
  product: { id: number; title: string | null };
  weights: Partial<Record<Space, number>>;
}

export const ItemRequestSchema = z.strictObject({ id: z.number().int().positive() });

/** Everything the detail pane shows of one item. */
export interface ItemDetail {
  id: number;
  kind: ItemKind;
  path: string | null;
  title: string | null;
  status: ItemStatus;
  /** Why the item could not be embedded, for error items. */
  error: string | null;
  /** EXIF date (else file time) in ms since the epoch. */
  takenAt: number | null;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
  /** The library folder of a photo; the catalog of a product. */
  root: string | null;
  catalog: string | null;
  labels: { set: string; label: string; confidence: number }[];
  /** A product's fields as imported (name, category, price, ...). */
  fields: Record<string, string | number | boolean | null>;
  /** The spaces this item has current vectors in. */
  spaces: Space[];
}

/** Most items one browse call returns: the grid asks for the rows it shows. */
export const MAX_PAGE = 500;

export const BrowseRequestSchema = z.strictObject({
  kinds: z.array(ItemKindSchema).min(1).optional(),
  /** Items whose path lies inside this folder (a library folder or one below it). */
  folder: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
  statuses: z.array(ItemStatusSchema).min(1).optional(),
  sort: z.enum(['date', 'name']).optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
});
export type BrowseRequest = z.input<typeof BrowseRequestSchema>;

/** An item as the grid shows it (a SearchHit without score). */
export type ItemSummary = Omit<SearchHit, 'score' | 'breakdown'>;

export interface BrowseResponse {
  /** How many items match in all (the grid's length). */
  total: number;
  offset: number;
  items: ItemSummary[];
}

export const IndexControlRequestSchema = z.strictObject({ action: z.enum(['pause', 'resume', 'cancel']) });
export type IndexControlRequest = z.infer<typeof IndexControlRequestSchema>;

export interface ProgressResponse {
  /** The indexing job running now; null when none. */
  index: IndexProgress | null;
}

export interface LabelSetSummary {
  name: string;
  labels: { label: string; items: number }[];
}

export const SaveSettingsRequestSchema = z.strictObject({
  /** CPU threads for embedding; null: all cores but one. */
  threads: z.number().int().min(1).max(256).nullable().optional(),
  /** Folders inside library folders to leave out (their items are removed at the next index). */
  excludedFolders: z.array(z.string().min(1).max(4096)).max(1000).optional(),
});
export type SaveSettingsRequest = z.infer<typeof SaveSettingsRequestSchema>;

export interface SettingsResponse {
  threads: number | null;
  /** This computer's cores, for the threads control. */
  cores: number;
  excludedFolders: string[];
  /** Where the library lives (SEMBLANCE_DATA_DIR moves it). */
  dataFolder: string;
}

/** Every method, its payload schema; the IPC router and HTTP server validate with these. */
export const REQUEST_SCHEMAS = {
  status: EmptyRequestSchema,
  searchVectors: SearchVectorsRequestSchema,
  models: EmptyRequestSchema,
  setModel: SetModelRequestSchema,
  downloadModels: DownloadModelsRequestSchema,
  index: IndexRequestSchema,
  removeRoot: RemoveRootRequestSchema,
  search: SearchRequestSchema,
  similar: SimilarRequestSchema,
  classify: ClassifyRequestSchema,
  applyLabels: ApplyLabelsRequestSchema,
  compare: CompareRequestSchema,
  importCatalog: CatalogImportRequestSchema,
  substitutes: SubstitutesRequestSchema,
  item: ItemRequestSchema,
  browse: BrowseRequestSchema,
  progress: EmptyRequestSchema,
  indexControl: IndexControlRequestSchema,
  labelSets: EmptyRequestSchema,
  weightPresets: EmptyRequestSchema,
  saveWeightPreset: SaveWeightPresetRequestSchema,
  settings: EmptyRequestSchema,
  saveSettings: SaveSettingsRequestSchema,
} as const;

export type FinderMethod = keyof typeof REQUEST_SCHEMAS;

export interface FinderApi {
  status(): Promise<StatusResponse>;
  /** Exact weighted search over stored vectors (callers bring their own query vectors). */
  searchVectors(request: SearchVectorsRequest): Promise<SearchResponse>;
  /** Each space's model: which, where its files are, whether they are present. */
  models(): Promise<ModelsResponse>;
  /** Chooses the model (and dtype) of a space; saved with the library. */
  setModel(request: SetModelRequest): Promise<ModelsResponse>;
  /** Fetches (or finds) and loads models now, so that later work can run offline. */
  downloadModels(request: DownloadModelsRequest): Promise<ModelsResponse>;
  /** Adds folders (if new) and brings the library in step with the disk. */
  index(request: IndexRequest): Promise<IndexSummary>;
  /** Forgets a library folder and its items; the files are not touched. */
  removeRoot(request: { path: string }): Promise<StatusResponse>;
  /** Search by words (the query language), with a relevance cut-off. */
  search(request: SearchRequest): Promise<TextSearchResponse>;
  /** Look-alikes of items or files, per space or weighted; the query item itself left out. */
  similar(request: SimilarRequest): Promise<SimilarResponse>;
  /** Zero-shot labels of one image: probabilities over the given labels. */
  classify(request: ClassifyRequest): Promise<ClassifyResponse>;
  /** Tags the whole library with a label set, with confidence. */
  applyLabels(request: ApplyLabelsRequest): Promise<ApplyLabelsResponse>;
  /** How similar two texts, two items, or a text and an item are, in each space they share. */
  compare(request: CompareRequest): Promise<CompareResponse>;
  /** Imports (or re-imports) a product catalog. */
  importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary>;
  /** Products like this one, weighted by a preset or by hand, with field conditions. */
  substitutes(request: SubstitutesRequest): Promise<SubstitutesResponse>;
  /** One item in full, for the detail pane. */
  item(request: { id: number }): Promise<ItemDetail>;
  /** The library page by page, without a query: newest first, or by name. */
  browse(request: BrowseRequest): Promise<BrowseResponse>;
  /** What is running now (the indexing job's counts, rate and ETA). */
  progress(): Promise<ProgressResponse>;
  /** Pauses, resumes or cancels the running indexing job (finished batches stay written). */
  indexControl(request: IndexControlRequest): Promise<ProgressResponse>;
  /** The label sets applied to the library and how many items carry each tag. */
  labelSets(): Promise<LabelSetSummary[]>;
  /** Weight presets: the built-in ones and the user's. */
  weightPresets(): Promise<WeightPresetsResponse>;
  /** Saves (or, with null weights, forgets) one of the user's weight presets. */
  saveWeightPreset(request: SaveWeightPresetRequest): Promise<WeightPresetsResponse>;
  /** The library's settings: embedding threads, excluded folders, where data lives. */
  settings(): Promise<SettingsResponse>;
  /** Changes settings; new threads restart the embedding workers. */
  saveSettings(request: SaveSettingsRequest): Promise<SettingsResponse>;
}

/** Model download progress: bytes of one file of one model. */
export interface ModelProgress {
  space: string;
  model: string;
  file: string;
  loaded: number;
  total: number;
}

/** What main tells the UI without being asked. */
export type FinderEvent =
  | { type: 'index-progress'; progress: IndexProgress }
  | { type: 'index-done'; summary: IndexSummary }
  | { type: 'model-progress'; progress: ModelProgress }
  /** Items were added, changed or removed: lists and results may be out of date. */
  | { type: 'library-changed' }
  | { type: 'problem'; message: string };

/** Things only the desktop app can do: native dialogs, the file manager, the default app. */
export const DESKTOP_SCHEMAS = {
  pickFolders: EmptyRequestSchema,
  pickCatalog: EmptyRequestSchema,
  reveal: ItemRequestSchema,
  openItem: ItemRequestSchema,
} as const;
export type DesktopMethod = keyof typeof DESKTOP_SCHEMAS;

export interface DesktopApi {
  /** Native folder chooser; [] when cancelled. */
  pickFolders(): Promise<string[]>;
  /** Native file chooser for a catalog (CSV, TSV, JSON, JSONL); null when cancelled. */
  pickCatalog(): Promise<string | null>;
  /** Shows the item's file in the system file manager. */
  reveal(request: { id: number }): Promise<null>;
  /** Opens the item's file with the system's default app. */
  openItem(request: { id: number }): Promise<null>;
}

/** IPC channel names, shared by the preload and the router in main. */
export const IPC = { call: 'semblance:call', desktop: 'semblance:desktop', event: 'semblance:event' } as const;

/**
 * What the Electron preload puts on `window.semblance`: each call returns an ApiResult, as
 * over HTTP, so both bridges fail the same way.
 */
export interface PreloadBridge {
  call(method: FinderMethod, payload: unknown): Promise<ApiResult<unknown>>;
  desktop(method: DesktopMethod, payload: unknown): Promise<ApiResult<unknown>>;
  /** Subscribes to FinderEvents; returns the unsubscribe function. */
  subscribe(listener: (event: FinderEvent) => void): () => void;
  /** The file path of a dropped file or folder (Electron's webUtils); null when unknown. */
  pathForFile(file: unknown): string | null;
}

export const ERROR_CODES = ['bad-input', 'not-found', 'database', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
}

/** What crosses every front door: never a thrown error, always one of these. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };
