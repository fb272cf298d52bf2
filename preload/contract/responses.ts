/** The answers' types: what each method returns, and what events carry. */
import type { AlbumView } from './schemas.js';
import type { Space } from './spaces.js';
import type { Breakdown, Dtype, DuplicateTier, IndexState, ItemKind, ItemStatus, JobKind, JobState, SubstitutePreset, Weights } from './vocabulary.js';

export interface SearchHit {
  id: number;
  kind: ItemKind;
  /** Absolute file path for photos; null for products without an image. */
  path: string | null;
  title: string | null;
  /** A product's catalog and key ("shop:A17"); null for photos. */
  key: string | null;
  status: ItemStatus;
  score: number;
  breakdown: Breakdown;
  /** Words printed in its picture that the query matched (lower case, as searched), to mark. */
  printed?: string[];
}

export interface SearchResponse {
  results: SearchHit[];
}

export interface RankedResponse {
  results: SearchHit[];
  /** Where relevance stops: results[0..cutoff.index) are relevant; null when no clear break. */
  cutoff: { index: number; score: number; gap: number } | null;
  /** How many items were ranked in all (results holds the best k of them). */
  total?: number;
  warnings: string[];
}

export interface TextSearchResponse extends RankedResponse {
  query: string;
  /**
   * Set when the query had filters only (`label:cat after:2024-06`): results are every item
   * that passes them, newest first, up to k (their score is 0); total is how many pass.
   */
  listed?: { total: number };
}

export interface SimilarResponse {
  queries: (RankedResponse & { target: string; id: number | null })[];
}

export interface ClassifyResponse {
  target: string;
  /** Softmax over the labels of 100 × cosine (CLIP's logit scale), highest first; they sum to 1. */
  labels: { label: string; probability: number }[];
}

export interface ApplyLabelsResponse {
  name: string;
  /** cancelled: nothing was changed; the set keeps the tags it had. */
  state: 'done' | 'cancelled';
  items: number;
  tagged: Record<string, number>;
}

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

export interface AlbumSummary {
  id: number;
  name: string;
  /** A smart album's query: its items are what the query finds when it is opened. Null: a plain album (or a view). */
  query: string | null;
  /** A smart album of a weighted view (look-alikes or substitutes): what it finds when opened. */
  view: AlbumView | null;
  /** How many items a plain album holds (null for a smart album: it depends on the library now). */
  items: number | null;
}

/** What the camera says about a photo (EXIF), for the viewer's info panel; fields it lacks are absent. */
export interface PhotoInfo {
  camera?: string;
  lens?: string;
  exposure?: string;
  aperture?: string;
  iso?: number;
  focalLength?: string;
  /** Where it was taken (GPS), in degrees. */
  place?: { latitude: number; longitude: number };
}

/** The viewer's picture of an item: at `/preview/<id>`, the original or a bounded copy of it. */
export interface PreviewResponse {
  /** The original's size, as it shows (turned by its EXIF orientation). */
  width: number;
  height: number;
  /** The size of what is shown; smaller than the original when scaled. */
  shown: { width: number; height: number };
  /** True when the original is too large (or a format browsers do not show) and a bounded copy is shown. */
  scaled: boolean;
  info: PhotoInfo;
}

export interface CopyFilesSummary {
  /** cancelled: the files copied so far stay. */
  state: 'done' | 'cancelled';
  folder: string;
  /** Each file copied, and where to: a name already taken became "name (2).jpg". */
  copied: { id: number; from: string; to: string }[];
  /** How many copies got another name than their file's, because that name was taken. */
  renamed: number;
  failed: { id: number; path: string | null; reason: string }[];
}

/** What forgetting a library folder would take out of the library (asked before it is done). */
export interface FolderImpact {
  path: string;
  photos: number;
  /** The user's own tags on those photos. */
  tags: number;
  /** Labels label sets gave those photos. */
  labels: number;
  /** Albums that hold some of them (they leave those albums, and come back with an undo). */
  albums: number;
  /** How long the forgetting can be undone. */
  undoHours: number;
}

/** A library folder forgotten lately: its items are out of the library but kept for undo. */
export interface ForgottenFolder {
  id: number;
  path: string;
  photos: number;
  /** Tags and labels kept with them. */
  labels: number;
  forgottenAt: number;
  /** After this (ms since the epoch) they are purged and undo is no longer possible. */
  undoUntil: number;
}

export interface ItemError {
  id: number;
  path: string | null;
  reason: string;
}

export interface ErrorGroup {
  reason: string;
  count: number;
}

export interface ErrorsResponse {
  /** How many failed (for the reason asked, or in all). */
  total: number;
  offset: number;
  errors: ItemError[];
  groups: ErrorGroup[];
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
    /** By kind, without the items that could not be read. */
    readable: Record<ItemKind, number>;
  };
  spaces: SpaceStatus[];
  /** The most recent errors (at most 100); `errors` (the method) pages through all of them. */
  errors: ItemError[];
  /** Every reason items failed for, with how many, most common first. */
  errorGroups: ErrorGroup[];
  /** Which image file types this installation can decode (by extension, without the dot). */
  formats: Record<string, boolean>;
  /** Imported catalogs, with what their last import could not read. */
  catalogs: CatalogStatus[];
  /** Folders forgotten lately, newest first, that can still be brought back. */
  forgotten: ForgottenFolder[];
  /**
   * Methods this library does not answer (a library in PostgreSQL answers fewer than one in
   * SQLite, which answers all and leaves this out): the UI leaves out what would only fail.
   */
  unsupported?: string[];
}

/** The library after a folder was forgotten, and that folder (to offer its undo). */
export interface RemoveRootResponse extends StatusResponse {
  forgot: ForgottenFolder;
}

export interface CatalogStatus {
  name: string;
  file: string;
  products: number;
  /** When it was last imported (ms since the epoch); null for catalogs imported by older versions. */
  importedAt: number | null;
  /** Rows of the last import that could not be read, and rows with a problem. */
  unreadable: number;
  problems: number;
}

/** A catalog in full: its mapping, its columns and its last import's summary. */
export interface CatalogDetail extends CatalogStatus {
  mapping: CatalogMapping | null;
  columns: string[];
  summary: CatalogImportSummary | null;
}

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

/** Which column holds what, as an import used it. */
export interface CatalogMapping {
  /** The export format recognised from the header ("Shopify product CSV"), when one was. */
  format: string | null;
  id: string;
  name: string | null;
  image: string | null;
  colour: string | null;
  category: string | null;
  price: string | null;
  brand: string | null;
  description: string | null;
  /** Columns whose words make the product's text (never links or file paths). */
  text: string[];
  /** Columns kept with each product, for the detail pane and filters. */
  fields: string[];
  /** The column that takes a row's extra fields; null: such rows are refused. */
  overflow: string | null;
}

export interface CatalogImportSummary {
  catalog: string;
  /** cancelled: the rows read so far are in; nothing was removed. */
  state: 'done' | 'cancelled';
  file: string;
  /** Rows read (good or not). */
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Rows read but not imported (no id, duplicate id). */
  skipped: number;
  /** Rows that could not be read at all: their line, why, and their text as the file has it. */
  unreadable: { line: number; reason: string; raw: string }[];
  /** Reading stopped before the end of the file (a quote never closed): the rows before it are in, none was removed. */
  stopped: { line: number; reason: string } | null;
  /** The mapping the import used (guessed, saved with the catalog, or given). */
  mapping: CatalogMapping;
  /** Said once for the whole catalog: roles no column was found for, colour names not known (with counts). */
  warnings: string[];
  /** What went wrong per row (line in the file), imported or not. */
  problems: { line: number; id: string | null; reason: string }[];
  /** Pictures given as links, with fetching asked for: how many came, were cached already, failed. */
  pictures: { fetched: number; cached: number; failed: number } | null;
}

export interface CatalogPreview {
  file: string;
  /** The catalog's name (the prefix of its product keys). */
  catalog: string;
  columns: string[];
  /** The first rows, as the file has them. */
  rows: { line: number; values: Record<string, string | number | boolean | null> }[];
  /** The rows of the preview that could not be read. */
  unreadable: { line: number; reason: string; raw: string }[];
  mapping: CatalogMapping;
  /** Where the mapping came from: guessed now, or saved by an earlier import of this catalog. */
  source: 'guessed' | 'saved';
  warnings: string[];
  /** How many picture values are links (so the window can offer to fetch them). */
  pictureLinks: number;
}

export interface WeightPresetsResponse {
  builtIn: { name: SubstitutePreset; weights: Weights }[];
  /** The user's own, saved with the library. */
  saved: { name: string; weights: Weights }[];
}

export interface SubstitutesResponse extends RankedResponse {
  product: { id: number; title: string | null; key: string | null };
  weights: Partial<Record<Space, number>>;
}

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

/** An item as the grid shows it (a SearchHit without score). */
export type ItemSummary = Omit<SearchHit, 'score' | 'breakdown'> & {
  /** When it was taken (EXIF date, else file time), ms since the epoch: the library's order. */
  takenAt?: number;
  /** Browsing one tag: how sure the label set was of it (1 for the user's own tags). */
  confidence?: number;
};

/** A folder of a library folder, with how many items lie in it and below it. */
export interface FolderNode {
  path: string;
  name: string;
  items: number;
  children: FolderNode[];
}

/** The library's months, newest first: how many items each holds and where it starts in browse's date order. */
export interface TimelineResponse {
  total: number;
  /** `month` as YYYY-MM (local time). */
  months: { month: string; count: number; offset: number }[];
}

export interface BrowseResponse {
  /** How many items match in all (the grid's length). */
  total: number;
  offset: number;
  items: ItemSummary[];
}

export interface ProgressResponse {
  /** The indexing job running now; null when none. */
  index: IndexProgress | null;
  /** Every job running or waiting, in order. */
  jobs: JobProgress[];
}

/** One long task as the CLI's bar and the UI's progress row show it. */
export interface JobProgress {
  id: number;
  kind: JobKind;
  /** "Importing foods.csv", "Label set pets". */
  title: string;
  state: JobState;
  /** What done and total count: files, rows, items, models. */
  unit: string;
  done: number;
  /** null while not known yet. */
  total: number | null;
  current: string | null;
  /** Units per second since it started. */
  rate: number;
  etaSeconds: number | null;
  canPause: boolean;
  /** Why it failed, when it did. */
  error: string | null;
}

/** Model download progress: bytes of one file of one model. */
export interface ModelProgress {
  space: string;
  model: string;
  file: string;
  loaded: number;
  total: number;
}

export interface LabelSetSummary {
  name: string;
  /** Every label of the set, most used first; one that tagged nothing has 0 items. */
  labels: { label: string; items: number }[];
  /** The smallest probability that makes a tag, and the prompt, as last applied (null: not known). */
  threshold: number | null;
  template: string | null;
}

export interface SettingsResponse {
  threads: number | null;
  /** This computer's cores, for the threads control. */
  cores: number;
  excludedFolders: string[];
  /** Whether new photos' text is read when indexing ends. */
  readText: boolean;
  /** The languages text is read in (Tesseract's codes). */
  textLanguages: string[];
  /** Whether faces are found in new photos after indexing. */
  faces: boolean;
  /** The words the map names its clusters with. */
  mapVocabulary: string[];
  /** Whether those are the built-in words (not edited). */
  mapVocabularyBuiltIn: boolean;
  /** Where the library lives (SEMBLANCE_DATA_DIR moves it). */
  dataFolder: string;
}

/** A photo (or product) of a duplicate group, with what tells the copies apart. */
export interface DuplicateMember {
  id: number;
  kind: ItemKind;
  /** A photo's file; a product's catalog key ("shop:A17"). */
  path: string;
  /** A product's name; null for a photo. */
  title: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
  /** The EXIF date, when the photo has one. */
  takenAt: number | null;
  /** The file's format, from its name ("JPEG", "PNG"). */
  format: string;
}

export interface DuplicateGroupSummary {
  tier: DuplicateTier;
  /** The suggested keeper first. */
  items: DuplicateMember[];
  keeper: number;
  /** Why that one is suggested, in words. */
  why: string;
  /** How far apart its least alike two are: hash bits (same photo) or centred visual cosine (same moment, similar); null for identical files. */
  spread: number | null;
}

export interface DuplicatesResponse {
  groups: DuplicateGroupSummary[];
  /** Photos indexed before their perceptual hashes were kept: not yet in the same-photo tier. */
  unhashed: number;
  /** Photos not yet checked against the library (checkDuplicates checks them all). */
  unchecked: number;
  /** When the whole library was last checked, if ever. */
  checkedAt: number | null;
}

export interface DuplicateCheckSummary {
  pictures: number;
  /** Pairs of pictures found alike (in any tier). */
  pairs: number;
  seconds: number;
}

/** Side-by-side facts of one picture of a group, read from its file. */
export interface DuplicateFacts {
  id: number;
  format: string | null;
  exif: boolean;
  gps: boolean;
  /** Variance of the Laplacian of the picture at 512 px: higher is sharper; null when unreadable. */
  sharpness: number | null;
  /** Why the file could not be read, when it could not. */
  problem: string | null;
}

export interface SetAsideResponse {
  /** What undoSetAside takes to put them back; null when nothing moved. */
  batch: number | null;
  moved: { id: number; from: string; to: string | null }[];
  failed: { id: number; path: string | null; reason: string }[];
}

export interface UndoSetAsideResponse {
  restored: number;
  failed: { path: string; reason: string }[];
}

/** What reading the text in the library's photos did. */
export interface ReadTextSummary {
  state: 'done' | 'cancelled';
  /** Pictures read (one per content: copies share what was read). */
  read: number;
  /** Of those, how many hold text. */
  withText: number;
  /** Pictures the cheap test saw no line of letters in, so not read (`everything` reads them). */
  skipped: number;
  /** Texts embedded in the text space, for searches by meaning. */
  embedded: number;
  /** Why the texts could not be embedded (no text model), or null. */
  meaning: string | null;
  /** Pictures that could not be read, and why; each is recorded and skipped, none stops the job. */
  failed: { path: string; reason: string }[];
  seconds: number;
}

/** The faces job's answer. */
export interface FindFacesSummary {
  state: 'done' | 'cancelled';
  /** Pictures looked at (one per content: copies share their faces). */
  scanned: number;
  /** Of those, how many show at least one face. */
  withFaces: number;
  faces: number;
  /** Found by the first detector but not the second: taken for no face (a cat's face, a pattern), not kept. */
  notFaces: number;
  /** Pictures that could not be read, and why; each is recorded and skipped, none stops the job. */
  failed: { path: string; reason: string }[];
  /** Good faces the grouping after it put with a person (one it found before, or one it made new). */
  grouped: number;
  seconds: number;
}

/** A face in a picture: its box (fractions of the picture as shown) and how good a look it is. */
export interface FaceSummary {
  id: number;
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** Its shorter side in the original's pixels, its focus (Laplacian variance) and turn (0 frontal). */
  size: number;
  sharpness: number;
  yaw: number;
  /** Large, sharp and frontal enough to tell who it is (the ones grouped into people). */
  good: boolean;
  /** Whose face it is, when it was grouped with someone. */
  personId: number | null;
  personName: string | null;
}

/** A person: faces grouped as one (by the grouping, or by hand). */
export interface PersonSummary {
  id: number;
  name: string | null;
  hidden: boolean;
  faces: number;
  /** The photos (and products) they are in. */
  items: number;
  /** Their largest face, and the item it is in (for the People view's picture). */
  coverFace: number | null;
  coverItem: number | null;
  /** The cover face's box in that item's picture, and the picture's size (to crop the face from its thumbnail). */
  coverBox: { x: number; y: number; width: number; height: number } | null;
  coverSize: { width: number; height: number } | null;
}

export interface ItemFacesResponse {
  id: number;
  /** Whether its picture was looked at for faces yet. */
  scanned: boolean;
  faces: FaceSummary[];
  problem: string | null;
}

/** A word read in a picture, with its box in the picture's own (upright) pixels. */
export interface ReadWordSummary {
  text: string;
  confidence: number;
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface ItemTextResponse {
  id: number;
  /** Whether the picture was read yet. */
  read: boolean;
  text: string;
  words: ReadWordSummary[];
  /** The turn (degrees, clockwise) the picture was read at: a page photographed on its side. */
  turned: number;
  /** Why the picture could not be read, when it could not. */
  problem: string | null;
  /** The cheap test saw no text in it, so it was not read. */
  skipped: boolean;
}

/** A layout computed (the map job's answer). */
export interface MapLayoutSummary {
  state: 'done' | 'cancelled';
  /** The space ("clip") or mix ("mix:clip=0.5,visual=0.3") laid out. */
  name: string;
  items: number;
  /** Laid out by UMAP; the others placed by their nearest laid-out neighbours. */
  sampled: number;
  seconds: number;
  /** Regions found on it (each with finer groups inside). */
  clusters: number;
}

/** The map of a space or mix: every item's place, as parallel arrays. */
export interface MapPointsResponse {
  name: string;
  /** Whether a layout was computed yet (none: ask mapLayout). */
  computed: boolean;
  computedAt: number | null;
  ids: number[];
  x: number[];
  y: number[];
  /** 1 where the point was placed by its neighbours rather than laid out by UMAP. */
  placed: number[];
  /** A space's model changed since the layout: its places no longer mean anything. */
  stale: boolean;
  /** Items added since the layout and placed now, and those too many to place (recompute). */
  newlyPlaced: number;
  notPlaced: number;
  /** Each point's region and finer group: an index into `clusters`, or -1 (between clusters). */
  region: number[];
  leaf: number[];
  /** The map's clusters, regions first, with their names. */
  clusters: MapCluster[];
  /** With `details`: each point's item, in the same order. */
  items?: { kind: ItemKind; path: string | null; title: string | null; key: string | null; takenAt: number | null; tag: string | null; category: string | null }[];
}

/** A cluster of the map: a region (named when the whole map shows) or a finer group in one (named as the user zooms in). */
export interface MapCluster {
  id: number;
  level: 'region' | 'leaf';
  /** A leaf's region (a region's own id). */
  parent: number;
  size: number;
  /** Where its name goes (one of its points), and how far its points spread around it, in map units. */
  x: number;
  y: number;
  radius: number;
  /** What the map shows it as: the tag most of its items were given by hand, else its vocabulary word when sure, else its words; null: unnamed. */
  name: string | null;
  /** The vocabulary word nearest its CLIP centroid, and its probability over the vocabulary. */
  label: string | null;
  confidence: number | null;
  /** Words of its items' text (product names, categories, text in pictures) common in it and rare around it. */
  words: string[];
  /** The tag given by hand to most of its items, if one was. */
  tag: string | null;
}
